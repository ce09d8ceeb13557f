package api_test

import (
	"net/http"
	"sync"
	"testing"

	"nesie.kz/nesie/internal/store/storetest"
)

// secondClientIBAN is another made-up account of the test client (valid check digits).
const secondClientIBAN = "KZ44125KZT7004100303"

// refusedPayout signs a small loan to the client's own account, then the account passes to
// somebody else before the payout runs: the bank's check before the transfer (R9.3) refuses
// it, and the loan is payout_failed with no money sent.
func refusedPayout(t *testing.T, w *world, token string) loanView {
	t.Helper()
	l := w.signLoan(t, token, w.approved(t, token, "consumer-12", 100_000, 12, toOwnAccount).ID)
	if l.Status != "disbursing" {
		t.Fatalf("signed small loan is %s, want disbursing", l.Status)
	}
	w.sims.Bank.OpenAccount(foreignOwnerIIN, mustIBAN(t, clientIBAN)) // the account changes hands
	w.pay(t)
	if got := w.statusOf(t, l.ID); got != "payout_failed" {
		t.Fatalf("status %s after the bank refused, want payout_failed", got)
	}
	if n := w.sims.Bank.Transfers(); n != 0 {
		t.Fatalf("%d transfers for a refused payout", n)
	}
	return l
}

// TestR9_3_RefusedPayoutSentToAnotherOwnAccount: after a refusal the client names another
// account; one that is not theirs is refused and changes nothing, their own is checked, paid
// once, and the loan disbursed.
func TestR9_3_RefusedPayoutSentToAnotherOwnAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l := refusedPayout(t, w, s.Token)
		path := "/api/v1/loans/" + l.ID + "/payout/resend"

		w.call(t, "POST", path, s.Token, map[string]any{"kind": "account", "iban": foreignIBAN}).
			want(t, http.StatusForbidden, "payout_destination_not_owned")
		w.call(t, "POST", path, s.Token, map[string]any{"kind": "merchant", "merchant_id": "x"}).wantField(t, "kind")
		if got := w.statusOf(t, l.ID); got != "payout_failed" {
			t.Fatalf("a refused resend moved the loan to %s", got)
		}

		w.sims.Bank.OpenAccount(clientIIN, mustIBAN(t, secondClientIBAN))
		var resent loanView
		w.call(t, "POST", path, s.Token, map[string]any{"kind": "account", "iban": secondClientIBAN}).decode(t, http.StatusOK, &resent)
		if resent.Status != "disbursing" || resent.PayoutAccount == "" {
			t.Fatalf("resent loan: status %s, account %q", resent.Status, resent.PayoutAccount)
		}
		w.call(t, "POST", path, s.Token, map[string]any{"kind": "account", "iban": secondClientIBAN}).want(t, http.StatusConflict, "loan_status")
		w.pay(t)
		if got := w.statusOf(t, l.ID); got != "disbursed" {
			t.Fatalf("status %s after the second payout, want disbursed", got)
		}
		if n, got := w.sims.Bank.Transfers(), w.balance(t, secondClientIBAN); n != 1 || got.Tiyn() != 100_000_00 {
			t.Fatalf("%d transfers, %d tiyn on the new account; want one of 100 000 ₸", n, got.Tiyn())
		}
		var orders int
		if err := env.Admin.QueryRow(`SELECT COUNT(*) FROM payout_order WHERE reference = $1 OR reference LIKE $2`, l.ID, l.ID+"/%").Scan(&orders); err != nil || orders != 2 {
			t.Fatalf("%d payout orders (%v), want the refused one and the paid one", orders, err)
		}
	})
}

// TestR9_3_ConcurrentResendsMakeOneOrder: two resends at once leave one new order and one
// transfer.
func TestR9_3_ConcurrentResendsMakeOneOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l := refusedPayout(t, w, s.Token)
		w.sims.Bank.OpenAccount(clientIIN, mustIBAN(t, secondClientIBAN))
		var wg sync.WaitGroup
		codes := make([]int, 2)
		for i := range codes {
			wg.Go(func() {
				codes[i] = w.call(t, "POST", "/api/v1/loans/"+l.ID+"/payout/resend", s.Token,
					map[string]any{"kind": "account", "iban": secondClientIBAN}).status
			})
		}
		wg.Wait()
		ok := 0
		for _, c := range codes {
			if c == http.StatusOK {
				ok++
			} else if c != http.StatusConflict {
				t.Fatalf("resend answered %d", c)
			}
		}
		w.pay(t)
		var pending int
		if err := env.Admin.QueryRow(`SELECT COUNT(*) FROM payout_order WHERE (reference = $1 OR reference LIKE $2) AND status <> 'failed'`, l.ID, l.ID+"/%").Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if ok != 1 || pending != 1 || w.sims.Bank.Transfers() != 1 {
			t.Fatalf("%d resends accepted, %d live orders, %d transfers; want one each", ok, pending, w.sims.Bank.Transfers())
		}
	})
}

// TestR9_3_RefusedPayoutCancelledAtNoCost: the client may instead cancel the loan; nothing
// was paid and nothing will be.
func TestR9_3_RefusedPayoutCancelledAtNoCost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l := refusedPayout(t, w, s.Token)
		var c loanView
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/cancel", s.Token, map[string]any{"reason": "no other account"}).decode(t, http.StatusOK, &c)
		w.pay(t)
		if c.Status != "cancelled" || w.statusOf(t, l.ID) != "cancelled" || w.sims.Bank.Transfers() != 0 {
			t.Fatalf("cancel after a refused payout: %s / %s, %d transfers", c.Status, w.statusOf(t, l.ID), w.sims.Bank.Transfers())
		}
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/payout/resend", s.Token, map[string]any{"kind": "account", "iban": clientIBAN}).
			want(t, http.StatusConflict, "loan_status")
	})
}
