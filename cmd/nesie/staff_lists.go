package main

import (
	"context"
	"fmt"
	"os"

	"nesie.kz/nesie/internal/aml"
	"nesie.kz/nesie/internal/antifraud"
	"nesie.kz/nesie/internal/app"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/merchant"
)

// loadAMLList is `nesie staff aml-load`: a sanctions or terrorist list file, as its publisher
// issues it, becomes the list's active version (R8.1, R10).
func loadAMLList(in staffInput) (staffAction, error) {
	format, err := oneOf(in, "format", aml.FormatUN, aml.FormatAFM, aml.FormatCSV)
	if err != nil {
		return nil, err
	}
	path := in.get("file")
	if fi, err := os.Stat(path); err != nil {
		return nil, fault.Field("file", "%v", err)
	} else if !fi.Mode().IsRegular() {
		return nil, fault.Field("file", "%s is not a regular file", path)
	}
	return func(ctx context.Context, svc *app.Services) (string, error) {
		f, err := os.Open(path)
		if err != nil {
			return "", fault.Field("file", "%v", err)
		}
		defer f.Close()
		sum, err := svc.AML.Load(ctx, in.staff, in.get("list"), format, f)
		if err != nil {
			return "", err
		}
		replaced := "its first version"
		if sum.Replaced != "" {
			replaced = "replacing version " + sum.Replaced
		}
		return fmt.Sprintf("AML list %s loaded: %d entries from %s (sha256 %s), version %s, %s",
			sum.ListID, sum.Entries, sum.Format, sum.SHA256, sum.VersionID, replaced), nil
	}, nil
}

// addAntifraudEntry is `nesie staff antifraud-add`: a value on the internal stop list. A
// matching client is refused, or with --review sent to staff review.
func addAntifraudEntry(in staffInput) (staffAction, error) {
	kind, err := oneOf(in, "kind", antifraud.KindIIN, antifraud.KindPhone, antifraud.KindIBAN)
	if err != nil {
		return nil, err
	}
	e := antifraud.Entry{Kind: kind, Value: in.get("value"), Reason: in.get("reason"), Deny: !*in.on["review"]}
	return func(ctx context.Context, svc *app.Services) (string, error) {
		added, err := svc.Antifraud.Add(ctx, in.staff, e)
		if err != nil {
			return "", err
		}
		effect := "a matching client is refused"
		if !added.Deny {
			effect = "a matching client goes to staff review"
		}
		// The value itself is personal data: it is not echoed to a terminal that may be logged.
		return fmt.Sprintf("anti-fraud entry %s added to the %s list by %s: %s", added.ID, added.Kind, in.staff, effect), nil
	}, nil
}

// addMerchant is `nesie staff merchant-add`: a partner merchant loans may be paid to (R8.6).
func addMerchant(in staffInput) (staffAction, error) {
	bin, err := kz.ParseBIN(in.get("bin"))
	if err != nil {
		return nil, fault.Field("bin", "%v", err)
	}
	iban, err := kz.ParseIBAN(in.get("iban"))
	if err != nil {
		return nil, fault.Field("iban", "%v", err)
	}
	m := merchant.Merchant{BIN: bin, Name: in.get("name"), IBAN: iban, ContractRef: in.get("contract")}
	return func(ctx context.Context, svc *app.Services) (string, error) {
		added, err := svc.Merchants.Add(ctx, in.staff, m)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("merchant %s added: %s, BIN %s, paid to %s under contract %s", added.ID, added.Name, added.BIN, added.IBAN, added.ContractRef), nil
	}, nil
}
