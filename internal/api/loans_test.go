package api_test

import (
	"net/http"
	"testing"
	"time"

	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestR9_1_LoanFromApplicationToMoney is the whole way over HTTP: the drafts by every method
// (R8.4) with every payment named (R8.3), the choice of method, the account checked with the
// bank (R9.3), the checks and the decision (R7.4), the contract shown (R7.3), signed with
// biometrics and EDS (R9.1), and the money in the client's bank account.
func TestR9_1_LoanFromApplicationToMoney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l, offers := w.apply(t, s.Token, "consumer-12", 300_000, 12)
		if l.Status != "draft" || len(offers) != 2 || offers[0].Method != "annuity" || offers[1].Method != "differentiated" {
			t.Fatalf("application = %+v, offers = %+v", l, offers)
		}
		for _, o := range offers {
			if o.GESV == "" || o.OverpaymentTiyn <= 0 || len(o.Rows) != 13 || len(o.Charges) < 4 {
				t.Fatalf("offer %s is incomplete: %+v", o.Method, o)
			}
		}
		// The differentiated schedule costs less in total than the annuity at the same rate.
		if offers[1].OverpaymentTiyn >= offers[0].OverpaymentTiyn {
			t.Fatalf("differentiated overpayment %d ≥ annuity %d", offers[1].OverpaymentTiyn, offers[0].OverpaymentTiyn)
		}
		w.call(t, "PUT", "/api/v1/loans/"+l.ID+"/method", s.Token, map[string]string{"method": "differentiated"}).decode(t, http.StatusOK, &l)
		w.call(t, "PUT", "/api/v1/loans/"+l.ID+"/payout", s.Token, toOwnAccount).decode(t, http.StatusOK, &l)
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/submit", s.Token, nil).decode(t, http.StatusOK, &l)
		if l.Status != "offered" {
			t.Fatalf("decision: %s %s", l.Status, l.StatusReason)
		}
		seen := w.loan(t, s.Token, l.ID)
		if len(seen.Steps) == 0 {
			t.Fatal("no checks shown to the client (R7.4)")
		}
		for _, step := range seen.Steps {
			if !step.Passed {
				t.Fatalf("step %s did not pass", step.Name)
			}
		}
		if kk := w.contract(t, s.Token, l.ID, "kk"); len(kk) < 1000 {
			t.Fatal("no Kazakh copy of the contract")
		}
		l = w.signLoan(t, s.Token, l.ID)
		if l.Status != "disbursing" || l.Cooling {
			t.Fatalf("signed 300 000 ₸ (below 75 МРП): %+v", l)
		}
		w.pay(t)
		if got := w.loan(t, s.Token, l.ID); got.Status != "disbursed" {
			t.Fatalf("after the payout: %s", got.Status)
		}
		if got := w.balance(t, clientIBAN); got != money.Amount(300_000_00) {
			t.Fatalf("the client's account holds %d tiyn, want 30 000 000", got)
		}
	})
}

// TestR9_1_1_CoolingOffOverHTTP: above 75 МРП the money waits 24 hours and the client's
// consent given after them; a consent before is refused; after it the money arrives.
func TestR9_1_1_CoolingOffOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l := w.approved(t, s.Token, "consumer-12", 400_000, 12, toOwnAccount)
		l = w.signLoan(t, s.Token, l.ID)
		if l.Status != "cooling" || !l.Cooling || l.CoolingReason != "amount_above_threshold" {
			t.Fatalf("signed 400 000 ₸: %+v", l)
		}
		notBefore, err := time.Parse(time.RFC3339, l.MoneyNotBefore)
		if err != nil || !notBefore.Equal(env.Clock.Now().Add(24*time.Hour).Truncate(time.Second)) {
			t.Fatalf("money not before %q, want 24 h after signing", l.MoneyNotBefore)
		}
		w.pay(t)
		if w.balance(t, clientIBAN) != 0 {
			t.Fatal("money went out during the cooling-off")
		}
		env.Clock.Advance(23*time.Hour + 59*time.Minute)
		s = w.login(t) // the next day the client signs in again
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/consent-code", s.Token, nil).want(t, http.StatusConflict, "consent_too_early")
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/consent", s.Token, map[string]any{
			"biometric_check_id": w.biometricCheck(t, s.Token, clientIIN), "code_id": "x", "code": "123456"}).want(t, http.StatusConflict, "consent_too_early")
		env.Clock.Advance(2 * time.Minute)
		var got loanView
		w.consentWithCode(t, s.Token, l.ID).decode(t, http.StatusOK, &got)
		if got.Status != "disbursing" {
			t.Fatalf("after consent: %s", got.Status)
		}
		w.pay(t)
		if w.balance(t, clientIBAN) != money.Amount(400_000_00) || w.statusOf(t, l.ID) != "disbursed" {
			t.Fatalf("after the payout: balance %d, status %s", w.balance(t, clientIBAN), w.statusOf(t, l.ID))
		}
	})
}

// TestR9_1_2_SameDayLoansTogetherAboveThreshold: two loans of one day each below 75 МРП but
// together above it — the second waits.
func TestR9_1_2_SameDayLoansTogetherAboveThreshold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		first := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 200_000, 12, toOwnAccount).ID)
		if first.Cooling {
			t.Fatalf("first loan of 200 000 ₸ waits: %+v", first)
		}
		w.pay(t)
		env.Clock.Advance(2 * time.Hour) // same Almaty day
		s = w.login(t)
		second := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 200_000, 12, toOwnAccount).ID)
		if second.Status != "cooling" || second.CoolingReason != "same_day_total_above" {
			t.Fatalf("second loan of the day: %+v", second)
		}
	})
}

// TestR9_1_1_NoConsentAnnuls: without the consent in its window the contract is annulled and
// nothing is paid; cancelling during the wait is free.
func TestR9_1_1_NoConsentAnnuls(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		waiting := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 500_000, 12, toOwnAccount).ID)
		env.Clock.Advance(24*time.Hour + 72*time.Hour + time.Second)
		if n, err := w.svc.Loans.AnnulExpired(t.Context()); err != nil || n != 1 {
			t.Fatalf("annulled %d, %v", n, err)
		}
		s = w.login(t)
		if got := w.loan(t, s.Token, waiting.ID); got.Status != "annulled" {
			t.Fatalf("status %s, want annulled", got.Status)
		}
		w.call(t, "POST", "/api/v1/loans/"+waiting.ID+"/consent-code", s.Token, nil).want(t, http.StatusConflict, "loan_status")
		w.pay(t)
		if w.balance(t, clientIBAN) != 0 || w.sims.Bank.Transfers() != 0 {
			t.Fatal("an annulled loan was paid")
		}

		other := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 500_000, 12, toOwnAccount).ID)
		var cancelled loanView
		w.call(t, "POST", "/api/v1/loans/"+other.ID+"/cancel", s.Token, map[string]string{"reason": "передумал"}).decode(t, http.StatusOK, &cancelled)
		if cancelled.Status != "cancelled" {
			t.Fatalf("cancel during the wait: %s", cancelled.Status)
		}
	})
}
