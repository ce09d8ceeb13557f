package main

import (
	"context"
	"fmt"
	"strings"

	"nesie.kz/nesie/internal/aml"
	"nesie.kz/nesie/internal/app"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/merchant"
	"nesie.kz/nesie/internal/product"
	"nesie.kz/nesie/internal/sim/biometricsim"
	"nesie.kz/nesie/internal/store"
)

// The demo's staff: one proposes products, another approves them (four eyes even in the demo).
const (
	demoProductAuthor   = "demo-product-manager"
	demoProductApprover = "demo-risk-officer"
)

// demoAccounts are the made-up accounts the demo's bank holds for the demo persons, in the
// order of biometricsim.DemoIdentities (valid check digits, bank code 125).
var demoAccounts = []string{"KZ85125KZT0000000001", "KZ58125KZT0000000002", "KZ31125KZT0000000003"}

// demoAMLList is a made-up AML list so that screening, which fails closed without a list,
// works in the demo. Nobody on it exists.
const demoAMLList = "full_name;birth_date;iin;ref\nЗапретов Злодей Запретович;1970-01-01;;DEMO-1\n"

// seedDemo gives the demo what an MFO sets up before lending: products approved by two
// people, partner merchants, an AML list, and accounts at the simulated bank for the demo
// persons and the partners. It is idempotent across restarts of the same data directory.
func seedDemo(ctx context.Context, svc *app.Services, sims *app.Simulators) error {
	var active []product.Version
	var partners []merchant.Merchant
	if err := svc.DB().Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if active, err = svc.Products.ActiveAll(ctx, tx); err != nil {
			return err
		}
		partners, err = svc.Merchants.Active(ctx, tx)
		return err
	}); err != nil {
		return err
	}
	if len(active) == 0 {
		for _, spec := range product.DemoSpecs() {
			v, err := svc.Products.Propose(ctx, demoProductAuthor, spec)
			if err != nil {
				return fmt.Errorf("product %s: %w", spec.Code, err)
			}
			if _, err := svc.Products.Approve(ctx, v.ID, demoProductApprover); err != nil {
				return fmt.Errorf("product %s: %w", spec.Code, err)
			}
		}
	}
	if len(partners) == 0 {
		for _, m := range merchant.DemoMerchants() {
			added, err := svc.Merchants.Add(ctx, demoProductAuthor, m)
			if err != nil {
				return fmt.Errorf("merchant %s: %w", m.Name, err)
			}
			partners = append(partners, added)
		}
	}
	for _, m := range partners {
		sims.Bank.OpenAccount(m.BIN.String(), m.IBAN)
	}
	for i, id := range biometricsim.DemoIdentities() {
		if i < len(demoAccounts) {
			iban, err := kz.ParseIBAN(demoAccounts[i])
			if err != nil {
				return err
			}
			sims.Bank.OpenAccount(id.IIN, iban)
		}
	}
	loaded, err := svc.AML.Loaded(ctx)
	if err == nil && !loaded {
		_, err = svc.AML.Load(ctx, "demo-compliance-officer", "demo-list", aml.FormatCSV, strings.NewReader(demoAMLList))
	}
	return err
}
