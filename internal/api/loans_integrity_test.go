package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"testing"
	"time"

	"nesie.kz/nesie/internal/app"
	"nesie.kz/nesie/internal/contract"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestR9_3_ForeignAccountRefused: an account the bank does not hold in the client's IIN is
// refused when chosen, and nothing is changed.
func TestR9_3_ForeignAccountRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l, _ := w.apply(t, s.Token, "consumer-12", 100_000, 6)
		w.call(t, "PUT", "/api/v1/loans/"+l.ID+"/payout", s.Token, map[string]any{"kind": "account", "iban": foreignIBAN}).
			want(t, http.StatusForbidden, "payout_destination_not_owned")
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/submit", s.Token, nil).wantField(t, "payout_kind")
		w.call(t, "PUT", "/api/v1/loans/"+l.ID+"/payout", s.Token, map[string]any{"kind": "account", "iban": "KZ00125KZT7004100301"}).wantField(t, "iban")
	})
}

// TestR11_TamperedContractRefused: a signed contract whose stored bytes were changed is not
// shown and not paid on; the attempt is audited.
func TestR11_TamperedContractRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 400_000, 12, toOwnAccount).ID)
		tamper(t, env, l.ID)
		w.call(t, "GET", "/api/v1/loans/"+l.ID+"/contract?lang=ru", s.Token, nil).want(t, http.StatusConflict, "document_integrity_failed")
		env.Clock.Advance(25 * time.Hour)
		s = w.login(t)
		w.consentWithCode(t, s.Token, l.ID).want(t, http.StatusConflict, "document_integrity_failed")
		w.pay(t)
		if w.sims.Bank.Transfers() != 0 || w.statusOf(t, l.ID) != "cooling" {
			t.Fatalf("tampered contract: %d transfers, status %s", w.sims.Bank.Transfers(), w.statusOf(t, l.ID))
		}
		var n int
		if err := env.Admin.QueryRow(`SELECT (SELECT COUNT(*) FROM audit_pending WHERE action = 'loan.document_tampered' AND object_id = $1)
			+ (SELECT COUNT(*) FROM audit_event WHERE action = 'loan.document_tampered' AND object_id = $1)`, l.ID).Scan(&n); err != nil || n == 0 {
			t.Fatalf("tampering not audited: %d, %v", n, err)
		}
	})
}

// tamper flips a byte of the signed Russian copy behind the application's back, as an
// intruder with the database owner's rights would (the append-only trigger is dropped first).
func tamper(t *testing.T, env *storetest.Env, loanID string) {
	t.Helper()
	stmts := []string{`DROP TRIGGER loan_document_no_update`}
	if env.Engine == store.Postgres {
		stmts = []string{`ALTER TABLE loan_document DISABLE TRIGGER loan_document_append_only`}
	}
	stmts = append(stmts, `UPDATE loan_document SET content = randomblob(length(content))
		WHERE id = (SELECT contract_doc_ru FROM loan WHERE id = '`+loanID+`')`)
	if env.Engine == store.Postgres {
		stmts[1] = `UPDATE loan_document SET content = overlay(content placing '\xff'::bytea from 41 for 1)
		WHERE id = (SELECT contract_doc_ru FROM loan WHERE id = '` + loanID + `')`
	}
	for _, q := range stmts {
		if _, err := env.Admin.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestR9_2_ConcurrentAndRepeatedPayoutsPayOnce: two consents at once, payout workers racing,
// the bank's answer lost after it paid, and the process gone before it could commit — one
// transfer, reconciled by the restarted process, and the loan disbursed.
func TestR9_2_ConcurrentAndRepeatedPayoutsPayOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 500_000, 12, toOwnAccount).ID)
		env.Clock.Advance(24*time.Hour + time.Minute)
		s = w.login(t)
		checks := []string{w.biometricCheck(t, s.Token, clientIIN), w.biometricCheck(t, s.Token, clientIIN)}
		statement := w.call(t, "GET", "/api/v1/loans/"+l.ID+"/consent-statement", s.Token, nil)
		if statement.status != http.StatusOK {
			t.Fatalf("statement: %d %s", statement.status, statement.body)
		}
		sig := w.signAs(t, clientSigner, statement.body)
		var wg sync.WaitGroup
		answers := make([]answer, 2)
		for i := range 2 {
			wg.Go(func() {
				answers[i] = w.call(t, "POST", "/api/v1/loans/"+l.ID+"/consent", s.Token, map[string]any{"biometric_check_id": checks[i], "signature": sig})
			})
		}
		wg.Wait()
		ok := 0
		for _, a := range answers {
			if a.status == http.StatusOK {
				ok++
			}
		}
		if ok != 1 {
			t.Fatalf("consents accepted: %d (%d %s / %d %s)", ok, answers[0].status, answers[0].body, answers[1].status, answers[1].body)
		}
		w.sims.Bank.SetLoseResponses(1) // the bank pays and the answer is lost, as in a crash
		var pg sync.WaitGroup
		for range 2 {
			pg.Go(func() { _, _ = w.svc.Payouts.RunOnce(context.Background()) })
		}
		pg.Wait()
		// The process that sent the transfer is gone; a new one on the same database takes
		// over once the lease of the order in doubt has run out, and asks the bank.
		restarted, err := app.Build(w.appConfig)
		if err != nil {
			t.Fatal(err)
		}
		env.Clock.Advance(10 * time.Minute)
		for range 2 {
			if _, err := restarted.Payouts.RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if w.sims.Bank.Transfers() != 1 || w.statusOf(t, l.ID) != "disbursed" {
			t.Fatalf("transfers %d, status %s", w.sims.Bank.Transfers(), w.statusOf(t, l.ID))
		}
		if w.balance(t, clientIBAN) != 500_000_00 {
			t.Fatalf("balance %d", w.balance(t, clientIBAN))
		}
	})
}

// TestR12_ReceiptOfDocuments: the MFO's signed confirmation lists every document of the loan
// sent and received, with its hash; it verifies with the MFO's key and not after a change.
func TestR12_ReceiptOfDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 100_000, 6, toOwnAccount).ID)
		w.contract(t, s.Token, l.ID, "kk") // the Kazakh copy too is sent when the client opens it
		var got struct {
			Bytes     []byte `json:"receipt_bytes"`
			Signature []byte `json:"signature"`
			KeyID     string `json:"key_id"`
		}
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/receipt", s.Token, nil).decode(t, http.StatusCreated, &got)
		r, err := contract.VerifyReceipt(w.receiptKey, contract.SignedReceipt{JSON: got.Bytes, Signature: got.Signature, KeyID: got.KeyID})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]string{}
		for _, e := range r.Entries {
			kinds[e.Kind] = e.Direction
		}
		if kinds["contract_ru"] != "sent" || kinds["contract_kk"] != "sent" || kinds["contract_signature"] != "received" {
			t.Fatalf("receipt entries: %+v", kinds)
		}
		got.Bytes[len(got.Bytes)/2] ^= 1
		if _, err := contract.VerifyReceipt(w.receiptKey, contract.SignedReceipt{JSON: got.Bytes, Signature: got.Signature, KeyID: got.KeyID}); err == nil {
			t.Fatal("a changed receipt verified")
		}
	})
}

// TestR34_LoanDocumentsKeptAsSentAndReceived: the contract copies sent and the signature
// received are listed with the hashes of their exact bytes, and the application itself
// cannot change a kept document.
func TestR34_LoanDocumentsKeptAsSentAndReceived(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l := w.approved(t, s.Token, "consumer-12", 100_000, 6, toOwnAccount)
		pdf := w.contract(t, s.Token, l.ID, "ru")
		sig := w.signAs(t, clientSigner, pdf)
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/sign", s.Token, map[string]any{
			"lang": "ru", "biometric_check_id": w.biometricCheck(t, s.Token, clientIIN), "signature": sig}).decode(t, http.StatusOK, &l)
		var docs struct {
			Documents []struct {
				Kind, Direction, SHA256 string
			} `json:"documents"`
		}
		w.call(t, "GET", "/api/v1/loans/"+l.ID+"/documents", s.Token, nil).decode(t, http.StatusOK, &docs)
		want := map[string]string{"contract_ru": sha(pdf), "contract_signature": sha(sig)}
		for _, d := range docs.Documents {
			if h, ok := want[d.Kind]; ok {
				if d.SHA256 != h {
					t.Fatalf("%s kept with hash %s, want %s", d.Kind, d.SHA256, h)
				}
				delete(want, d.Kind)
			}
		}
		if len(want) != 0 {
			t.Fatalf("documents missing: %v (have %+v)", want, docs.Documents)
		}
		if _, err := env.DB.ExecContext(context.Background(), `UPDATE loan_document SET kind = 'x' WHERE loan_id = $1`, l.ID); err == nil {
			t.Fatal("the application changed a kept document")
		}
	})
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
