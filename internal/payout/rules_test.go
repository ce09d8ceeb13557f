package payout

import (
	"context"
	"errors"
	"testing"

	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestR9_3_ForeignAccountOrCardFailsWithNoTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		r.bank.OpenAccount(otherIIN, iban(t, foreignIBAN))
		tok := r.bank.AddCard(otherIIN, cardPAN)
		acc := r.enqueue(t, Order{Reference: "loan-foreign", ClientID: "client-1", BeneficiaryID: clientIIN, Amount: 100_000_00,
			Kind: KindBank, To: bank.Destination{Kind: bank.DestinationAccount, IBAN: iban(t, foreignIBAN)}})
		card := r.enqueue(t, Order{Reference: "loan-foreign-card", ClientID: "client-1", BeneficiaryID: clientIIN, Amount: 100_000_00,
			Kind: KindBank, To: bank.Destination{Kind: bank.DestinationCard, CardToken: tok}})
		r.runOnce(t, r.svc)
		for _, id := range []string{acc.ID, card.ID} {
			got := r.find(t, id)
			if got.Status != Failed || got.Reason != "destination_not_owned" || r.failedCount(id) != 1 {
				t.Errorf("order %s: %s %q, Failed hook %d; want failed destination_not_owned once", id, got.Status, got.Reason, r.failedCount(id))
			}
		}
		if r.bank.Transfers() != 0 || r.bank.Balance(iban(t, foreignIBAN)) != 0 || r.bank.CardBalance(tok) != 0 {
			t.Errorf("%d transfers to a foreign destination, want 0", r.bank.Transfers())
		}
	})
}

func TestR9_4_MerchantPayoutRequiresBiometricIdentification(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		r.bank.OpenAccount(merchantBIN, iban(t, shopIBAN))
		o := Order{Reference: "loan-shop", ClientID: "client-1", BeneficiaryID: merchantBIN, Amount: 300_000_00,
			Kind: KindMerchant, To: bank.Destination{Kind: bank.DestinationAccount, IBAN: iban(t, shopIBAN)}}
		err := env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
			_, err := r.svc.Enqueue(ctx, tx, o)
			return err
		})
		var fe *fault.FieldError
		if !errors.As(err, &fe) || fe.Field != "biometric_check_id" {
			t.Fatalf("merchant payout without biometrics: %v, want a field error on biometric_check_id", err)
		}
		if _, err := r.svc.ByReference(context.Background(), nil, "loan-shop"); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("the refused order was stored: %v", err)
		}
		// The database refuses it too, whoever writes.
		if _, err := env.Admin.Exec(`INSERT INTO payout_order (id, reference, client_id, beneficiary_sealed, amount, kind,
			dest_kind, dest_iban_sealed, biometric_check_id, status, due_at, created_at)
			VALUES ('x', 'r', 'c', $1, 1, 'merchant', 'account', $1, '', 'pending', 0, 0)`, []byte("sealed")); err == nil {
			t.Errorf("the database took a merchant payout without biometrics")
		}
		o.BiometricCheckID = "bio-check-1"
		got := r.enqueue(t, o)
		r.runOnce(t, r.svc)
		if got = r.find(t, got.ID); got.Status != Paid || r.bank.Balance(iban(t, shopIBAN)) != 300_000_00 {
			t.Errorf("merchant payout with biometrics: %s, balance %d; want paid to the merchant", got.Status, r.bank.Balance(iban(t, shopIBAN)))
		}
	})
}

func TestR9_5_CashDeskNeedsIdentificationAndPowerOfAttorney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		ctx := context.Background()
		today := date.In(env.Clock.Now())
		person := r.enqueue(t, Order{Reference: "loan-cash-1", ClientID: "client-1", BeneficiaryID: clientIIN, Amount: 50_000_00, Kind: KindCashDesk})
		company := r.enqueue(t, Order{Reference: "loan-cash-2", ClientID: "client-2", BeneficiaryID: companyBIN, Amount: 80_000_00, Kind: KindCashDesk})
		if person.Status != AwaitingCashDesk {
			t.Fatalf("cash order: %s, want awaiting_cash_desk", person.Status)
		}
		if n := r.runOnce(t, r.svc); n != 0 || r.bank.Transfers() != 0 {
			t.Errorf("the worker claimed %d cash orders and made %d transfers, want 0", n, r.bank.Transfers())
		}
		idCard := CashIdentification{DocumentKind: "id_card", DocumentNumber: "012345678", DocumentValidUntil: today.AddDays(365)}
		for _, tc := range []struct {
			field string
			order string
			id    CashIdentification
		}{
			{"document_kind", person.ID, CashIdentification{DocumentNumber: "1", DocumentValidUntil: today}},
			{"document_number", person.ID, CashIdentification{DocumentKind: "id_card", DocumentValidUntil: today}},
			{"document_valid_until", person.ID, CashIdentification{DocumentKind: "id_card", DocumentNumber: "1", DocumentValidUntil: today.AddDays(-1)}},
			{"represents_legal_entity", company.ID, idCard},
			{"power_of_attorney_ref", company.ID, CashIdentification{DocumentKind: "id_card", DocumentNumber: "1", DocumentValidUntil: today, RepresentsLegalEntity: true}},
		} {
			_, err := r.svc.RecordCashPayout(ctx, tc.order, "cashier-1", tc.id)
			var fe *fault.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Errorf("missing %s: %v", tc.field, err)
			}
		}
		if _, err := r.svc.RecordCashPayout(ctx, person.ID, "", idCard); !isField(err, "staff_id") {
			t.Errorf("no cashier: %v", err)
		}
		if got := r.find(t, company.ID); got.Status != AwaitingCashDesk {
			t.Errorf("after refusals: %s, want still awaiting_cash_desk", got.Status)
		}
		// Valid until today is still valid; a digital document counts as well.
		paid, err := r.svc.RecordCashPayout(ctx, person.ID, "cashier-1", CashIdentification{DocumentKind: "id_card", DocumentNumber: "012345678", DocumentValidUntil: today, DigitalDocument: true})
		if err != nil || paid.Status != Paid || r.paidCount(person.ID) != 1 {
			t.Errorf("identified client: %+v, %v; want paid", paid, err)
		}
		poa := CashIdentification{DocumentKind: "passport", DocumentNumber: "N1234567", DocumentValidUntil: today.AddDays(30), RepresentsLegalEntity: true, PowerOfAttorneyRef: "POA-2026-17"}
		if paid, err := r.svc.RecordCashPayout(ctx, company.ID, "cashier-1", poa); err != nil || paid.Status != Paid {
			t.Errorf("representative with a power of attorney: %+v, %v; want paid", paid, err)
		}
		if _, err := r.svc.RecordCashPayout(ctx, person.ID, "cashier-1", idCard); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("cash handed out twice: %v, want ErrConflict", err)
		}
		var poaRef string
		if err := env.Admin.QueryRow(`SELECT power_of_attorney_ref FROM payout_cash_identification WHERE order_id = $1`, company.ID).Scan(&poaRef); err != nil || poaRef != "POA-2026-17" {
			t.Errorf("stored power of attorney %q (%v)", poaRef, err)
		}
		var refusals int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM audit_pending WHERE action = 'payout.cash_refused'`).Scan(&refusals); err != nil || refusals != 7 {
			t.Errorf("%d refusals audited (%v), want 7", refusals, err)
		}
	})
}

func isField(err error, field string) bool {
	var fe *fault.FieldError
	return errors.As(err, &fe) && fe.Field == field
}
