package api_test

import (
	"net/http"
	"testing"
	"time"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/merchant"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestR9_1_4_MerchantGoodsExempt: a loan paid to a partner for goods the client confirms
// received goes without the cooling-off, and the payment needs biometrics (R9.4).
func TestR9_1_4_MerchantGoodsExempt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		m := merchant.DemoMerchants()[0]
		var partners struct {
			Merchants []struct {
				ID  string `json:"id"`
				BIN string `json:"bin"`
			} `json:"merchants"`
		}
		w.call(t, "GET", "/api/v1/merchants", s.Token, nil).decode(t, http.StatusOK, &partners)
		id := ""
		for _, p := range partners.Merchants {
			if p.BIN == m.BIN.String() {
				id = p.ID
			}
		}
		if id == "" {
			t.Fatalf("partner %s not listed: %+v", m.BIN, partners)
		}
		l := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 600_000, 12, map[string]any{"kind": "merchant", "merchant_id": id}).ID)
		if l.Status != "awaiting_goods" || l.Cooling || l.CoolingReason != "merchant_goods" {
			t.Fatalf("signed goods loan: %+v", l)
		}
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/goods-received", s.Token, map[string]any{}).wantField(t, "biometric_check_id")
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/goods-received", s.Token,
			map[string]any{"biometric_check_id": w.biometricCheck(t, s.Token, clientIIN)}).decode(t, http.StatusOK, &l)
		w.pay(t)
		if got := w.sims.Bank.Balance(m.IBAN); got != money.Amount(600_000_00) {
			t.Fatalf("the merchant received %d tiyn", got)
		}
		if w.balance(t, clientIBAN) != 0 {
			t.Fatal("the client's account was paid for a goods loan")
		}
	})
}

// TestR9_1_4_RefinancingExempt: a loan that repays the client's own earlier loan here goes
// at once, without the cooling-off and without a bank transfer.
func TestR9_1_4_RefinancingExempt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		old := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 100_000, 12, toOwnAccount).ID)
		w.pay(t)
		env.Clock.Advance(48 * time.Hour)
		s = w.login(t)
		l := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 700_000, 12, map[string]any{"kind": "refinance", "refinanced_loan_id": old.ID}).ID)
		if l.Status != "disbursed" || l.Cooling || l.CoolingReason != "internal_refinancing" {
			t.Fatalf("refinancing loan: %+v", l)
		}
		if w.sims.Bank.Transfers() != 1 {
			t.Fatalf("transfers = %d, want only the first loan's", w.sims.Bank.Transfers())
		}
	})
}

// TestR9_1_3_CreditLineDrawAboveThreshold: a credit line is signed once; a draw above 75 МРП
// waits 24 hours and the consent like a loan, a small draw does not.
func TestR9_1_3_CreditLineDrawAboveThreshold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		line := w.signLoan(t, s.Token, w.approved(t, s.Token, "line-12", 1_000_000, 12, toOwnAccount).ID)
		if line.Status != "line_open" || w.sims.Bank.Transfers() != 0 {
			t.Fatalf("signed line: %+v", line)
		}
		var small, big loanView
		w.call(t, "POST", "/api/v1/loans/"+line.ID+"/draws", s.Token, map[string]any{"amount_tiyn": 100_000_00}).decode(t, http.StatusCreated, &small)
		if small.Status != "offered" {
			t.Fatalf("draw: %+v", small)
		}
		if small = w.signLoan(t, s.Token, small.ID); small.Status != "disbursing" {
			t.Fatalf("small draw: %+v", small)
		}
		w.call(t, "POST", "/api/v1/loans/"+line.ID+"/draws", s.Token, map[string]any{"amount_tiyn": 950_000_00}).wantField(t, "amount")
		w.call(t, "POST", "/api/v1/loans/"+line.ID+"/draws", s.Token, map[string]any{"amount_tiyn": 400_000_00}).decode(t, http.StatusCreated, &big)
		if big = w.signLoan(t, s.Token, big.ID); big.Status != "cooling" || big.CoolingReason != "amount_above_threshold" {
			t.Fatalf("draw above 75 МРП: %+v", big)
		}
		w.pay(t)
		if got := w.balance(t, clientIBAN); got != money.Amount(100_000_00) {
			t.Fatalf("paid %d tiyn, want only the small draw", got)
		}
	})
}

// TestR9_1_1_IncreaseOfAmountWaits: an increase of a paid-out loan's amount is an amendment
// signed with biometrics and EDS, and above 75 МРП its money waits 24 hours and the consent.
func TestR9_1_1_IncreaseOfAmountWaits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		base := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 100_000, 12, toOwnAccount).ID)
		w.call(t, "POST", "/api/v1/loans/"+base.ID+"/increase", s.Token, map[string]any{"amount_tiyn": 400_000_00}).want(t, http.StatusConflict, "increase_not_allowed")
		w.pay(t)
		env.Clock.Advance(48 * time.Hour)
		s = w.login(t)
		var inc loanView
		w.call(t, "POST", "/api/v1/loans/"+base.ID+"/increase", s.Token, map[string]any{"amount_tiyn": 400_000_00}).decode(t, http.StatusCreated, &inc)
		w.call(t, "POST", "/api/v1/loans/"+inc.ID+"/submit", s.Token, nil).decode(t, http.StatusOK, &inc)
		if inc.Status != "offered" {
			t.Fatalf("increase: %+v", inc)
		}
		inc = w.signLoan(t, s.Token, inc.ID)
		if inc.Status != "cooling" || inc.CoolingReason != "amount_above_threshold" {
			t.Fatalf("signed increase: %+v", inc)
		}
		env.Clock.Advance(24*time.Hour + time.Minute)
		s = w.login(t)
		w.consentWithCode(t, s.Token, inc.ID).decode(t, http.StatusOK, &inc)
		w.pay(t)
		if got := w.balance(t, clientIBAN); got != money.Amount(500_000_00) {
			t.Fatalf("paid %d tiyn, want the loan and its increase", got)
		}
	})
}

// entrepreneurIIN is a made-up entrepreneur the biometric simulator knows.
const (
	entrepreneurIIN   = "780721300566"
	entrepreneurPhone = "+77015550456"
	entrepreneurIBAN  = "KZ44125KZT7004100303"
)

// TestR9_1_EntrepreneurBusinessLoanWithBiometricsOnly: an individual entrepreneur's business
// loan is signed with biometrics alone, and no cooling-off applies to a business loan.
func TestR9_1_EntrepreneurBusinessLoanWithBiometricsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		w.registerPerson(t, client.Entrepreneur, "Тестов Ерлан Маратович", entrepreneurIIN, entrepreneurPhone)
		w.sims.Bank.OpenAccount(entrepreneurIIN, mustIBAN(t, entrepreneurIBAN))
		s := w.loginAs(t, entrepreneurPhone)
		l := w.approved(t, s.Token, "business-36", 2_000_000, 12, map[string]any{"kind": "account", "iban": entrepreneurIBAN})
		w.contract(t, s.Token, l.ID, "ru")
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/sign", s.Token, map[string]any{
			"lang": "ru", "biometric_check_id": w.biometricCheck(t, s.Token, entrepreneurIIN)}).decode(t, http.StatusOK, &l)
		if l.Status != "disbursing" || l.Cooling || l.CoolingReason != "not_consumer" {
			t.Fatalf("signed business loan: %+v", l)
		}
		// The test client (an individual) cannot sign a consumer loan without the EDS.
		c := w.login(t)
		mine := w.approved(t, c.Token, "consumer-12", 100_000, 12, toOwnAccount)
		w.contract(t, c.Token, mine.ID, "ru")
		w.call(t, "POST", "/api/v1/loans/"+mine.ID+"/sign", c.Token, map[string]any{
			"lang": "ru", "biometric_check_id": w.biometricCheck(t, c.Token, clientIIN)}).wantField(t, "signature")
	})
}
