package payout

import (
	"bytes"
	"context"
	"testing"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestR37_PayoutPersonalDataSealedAtRest: the beneficiary's IIN and BIN, the IBAN, the card
// token and the cash desk's document number appear nowhere in the stored rows or the audit
// trail, yet the service reads them back; a sealed value moved to another order does not open.
func TestR37_PayoutPersonalDataSealedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		ctx := context.Background()
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		tok := r.bank.AddCard(clientIIN, cardPAN)
		const docNumber = "N07315529"
		toAccount := r.enqueue(t, toOwnAccount(t, "loan-sealed-1", 10_000_00))
		toCard := r.enqueue(t, Order{Reference: "loan-sealed-2", ClientID: "client-1", BeneficiaryID: clientIIN, Amount: 20_000_00,
			Kind: KindBank, To: bank.Destination{Kind: bank.DestinationCard, CardToken: tok}})
		cash := r.enqueue(t, Order{Reference: "loan-sealed-3", ClientID: "client-2", BeneficiaryID: companyBIN, Amount: 30_000_00, Kind: KindCashDesk})
		if _, err := r.svc.RecordCashPayout(ctx, cash.ID, "cashier-1", CashIdentification{DocumentKind: "id_card", DocumentNumber: docNumber,
			DocumentValidUntil: date.In(env.Clock.Now()).AddDays(30), RepresentsLegalEntity: true, PowerOfAttorneyRef: "POA-1"}); err != nil {
			t.Fatal(err)
		}
		r.runOnce(t, r.svc)

		// The service still reads what it stored.
		if got := r.find(t, toAccount.ID); got.BeneficiaryID != clientIIN || got.To.IBAN.String() != ownIBAN || got.Status != Paid {
			t.Errorf("account order read back as %s %s %s", got.BeneficiaryID, got.To.IBAN, got.Status)
		}
		if got := r.find(t, toCard.ID); got.To.CardToken != tok || got.BeneficiaryID != clientIIN || got.Status != Paid {
			t.Errorf("card order read back with token %q, beneficiary %s, %s", got.To.CardToken, got.BeneficiaryID, got.Status)
		}
		if got := r.find(t, cash.ID); got.BeneficiaryID != companyBIN {
			t.Errorf("cash order read back with beneficiary %s", got.BeneficiaryID)
		}

		stored := append(storetest.RawRows(t, env.Admin, `SELECT * FROM payout_order`), storetest.RawRows(t, env.Admin, `SELECT * FROM payout_cash_identification`)...)
		audit := append(storetest.RawRows(t, env.Admin, `SELECT * FROM audit_pending`), storetest.RawRows(t, env.Admin, `SELECT * FROM audit_event`)...)
		if !bytes.Contains(stored, []byte("loan-sealed-3")) || !bytes.Contains(audit, []byte(cash.ID)) {
			t.Fatal("the raw dump misses the rows it should hold; the check below would prove nothing")
		}
		for _, clear := range []string{clientIIN, companyBIN, ownIBAN, tok, docNumber} {
			if bytes.Contains(stored, []byte(clear)) {
				t.Errorf("%q is stored in clear in the payout tables", clear)
			}
			if bytes.Contains(audit, []byte(clear)) {
				t.Errorf("%q is in clear in the audit trail", clear)
			}
		}

		// A sealed value is bound to its row: another order's beneficiary does not open here.
		if _, err := env.Admin.Exec(`UPDATE payout_order SET beneficiary_sealed = (SELECT beneficiary_sealed FROM payout_order WHERE id = $1) WHERE id = $2`,
			cash.ID, toAccount.ID); err != nil {
			t.Fatal(err)
		}
		if o, err := r.svc.Find(ctx, nil, toAccount.ID); err == nil {
			t.Errorf("a beneficiary copied from another order opened: %s", o.BeneficiaryID)
		}
	})
}

// TestR37_PayoutNeedsVault: without the MFO's keys the service does not start, rather than
// keep personal data in clear.
func TestR37_PayoutNeedsVault(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		client, err := bank.NewClient(r.srv.URL, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if svc, err := New(env.DB, audit.NewTrail(env.DB, nil), client, Hooks{}, Config{}); err == nil || svc != nil {
			t.Errorf("New without a vault: %v, %v; want an error", svc, err)
		}
	})
}
