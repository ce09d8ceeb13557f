package api_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"nesie.kz/nesie/internal/antifraud"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestR8_2_6_PayoutStoppedByAntifraudIsNeitherSentNorResent: the client is put on the deny
// list after signing; the payout stage stops the money, the client reads only that a
// security check stopped it, cannot have it sent to another account, and may cancel at no
// cost.
func TestR8_2_6_PayoutStoppedByAntifraudIsNeitherSentNorResent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 100_000, 12, toOwnAccount).ID)
		if l.Status != "disbursing" {
			t.Fatalf("signed small loan is %s, want disbursing", l.Status)
		}
		if _, err := w.svc.Antifraud.Add(context.Background(), "analyst-1", antifraud.Entry{Kind: antifraud.KindIIN, Value: clientIIN,
			Source: antifraud.SourceInternal, Reason: "мошенничество подтверждено", Deny: true}); err != nil {
			t.Fatal(err)
		}
		w.pay(t)
		if n := w.sims.Bank.Transfers(); n != 0 {
			t.Fatalf("%d transfers to a client the anti-fraud system denies", n)
		}
		seen := w.call(t, "GET", "/api/v1/loans/"+l.ID, s.Token, nil)
		var got loanView
		seen.decode(t, http.StatusOK, &got)
		if got.Status != "payout_failed" || got.StatusReason != "security_check" || bytes.Contains(seen.body, []byte("fraud")) {
			t.Fatalf("the client reads %s", seen.body)
		}
		w.sims.Bank.OpenAccount(clientIIN, mustIBAN(t, secondClientIBAN))
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/payout/resend", s.Token, map[string]any{"kind": "account", "iban": secondClientIBAN}).
			want(t, http.StatusConflict, "payout_not_resendable")
		var c loanView
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/cancel", s.Token, map[string]any{"reason": "отказ"}).decode(t, http.StatusOK, &c)
		w.pay(t)
		if c.Status != "cancelled" || w.sims.Bank.Transfers() != 0 {
			t.Fatalf("after the stop: %s, %d transfers", c.Status, w.sims.Bank.Transfers())
		}
	})
}
