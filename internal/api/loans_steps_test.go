package api_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"nesie.kz/nesie/internal/antifraud"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/loan"
	"nesie.kz/nesie/internal/payout"
	"nesie.kz/nesie/internal/sim/bureausim"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestR8_2_R8_5_ApplicationNeedsTheRulesAndRightsRead: the lending rules and the rights are
// published with a version, and an application that does not acknowledge the current ones
// is refused naming the field, with nothing written.
func TestR8_2_R8_5_ApplicationNeedsTheRulesAndRightsRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		var rules, rights loan.Disclosure
		w.call(t, "GET", "/api/v1/lending-rules", "", nil).decode(t, http.StatusOK, &rules)
		w.call(t, "GET", "/api/v1/rights", "", nil).decode(t, http.StatusOK, &rights)
		if rules.Version == "" || rules.TextRu == "" || rules.TextKk == "" || rights.Version == "" || rights.TextKk == "" {
			t.Fatalf("disclosures: %+v %+v", rules, rights)
		}
		s := w.login(t)
		body := map[string]any{"product": "consumer-12", "amount_tiyn": 100_000_00, "term": 6, "purpose": "ремонт",
			"monthly_income_tiyn": 50_000_000, "rules_version": "rules-old", "rights_version": rights.Version}
		w.call(t, "POST", "/api/v1/loans", s.Token, body).wantField(t, "rules_version")
		body["rules_version"], body["rights_version"] = rules.Version, ""
		w.call(t, "POST", "/api/v1/loans", s.Token, body).wantField(t, "rights_version")
		body["rights_version"], body["amount_tiyn"] = rights.Version, 10_000_00 // below the product's minimum
		w.call(t, "POST", "/api/v1/loans", s.Token, body).wantField(t, "amount")
		var list struct {
			Loans []loanView `json:"loans"`
		}
		w.call(t, "GET", "/api/v1/loans", s.Token, nil).decode(t, http.StatusOK, &list)
		if len(list.Loans) != 0 {
			t.Fatalf("refused applications left %d loans", len(list.Loans))
		}
	})
}

// TestR8_3_R8_4_DraftsSideBySideWithEveryCharge: anyone can compare the methods of a product
// before applying (R8.4), each with its ГЭСВ and every payment and transfer named (R8.3).
func TestR8_3_R8_4_DraftsSideBySideWithEveryCharge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		var q struct {
			Offers []offerView `json:"offers"`
		}
		w.call(t, "POST", "/api/v1/quotes", "", map[string]any{"product": "business-36", "amount_tiyn": 1_000_000_00, "term": 12}).decode(t, http.StatusOK, &q)
		methods := map[string]bool{}
		for _, o := range q.Offers {
			methods[o.Method] = true
			charges := map[string]bool{}
			for _, c := range o.Charges {
				charges[c.Code] = true
			}
			if !charges["disbursement"] || !charges["principal"] || !charges["interest"] || !charges["penalty"] || o.GESV == "" {
				t.Fatalf("offer %s names %v, ГЭСВ %q", o.Method, charges, o.GESV)
			}
		}
		if len(q.Offers) != 3 || !methods["annuity"] || !methods["differentiated"] || !methods["bullet"] {
			t.Fatalf("offers: %+v", q.Offers)
		}
		w.call(t, "POST", "/api/v1/quotes", "", map[string]any{"product": "business-36", "amount_tiyn": 1_000_000_00, "term": 99}).wantField(t, "term")
	})
}

// TestR8_6_R8_7_CardKeptAsTokenAndCashDeskPayout: a card number goes to the gateway and is
// kept only as its token and masked number; a cash-desk payout waits for the cashier's
// visual identification (R9.5) and is then disbursed.
func TestR8_6_R8_7_CardKeptAsTokenAndCashDeskPayout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		const pan = "4400430000001237" // made up, valid check digit
		w.sims.Bank.AddCard(clientIIN, pan)
		s := w.login(t)
		l, _ := w.apply(t, s.Token, "consumer-12", 100_000, 6)
		var got struct {
			PayoutCard string `json:"payout_card"`
		}
		w.call(t, "PUT", "/api/v1/loans/"+l.ID+"/payout", s.Token, map[string]any{"kind": "card", "card_number": pan,
			"card_exp_month": 12, "card_exp_year": 2030}).decode(t, http.StatusOK, &got)
		if got.PayoutCard == "" || got.PayoutCard == pan {
			t.Fatalf("card shown as %q", got.PayoutCard)
		}
		for _, table := range []string{"loan", "loan_document", "audit_pending", "payout_order"} {
			if bytes.Contains(storetest.RawRows(t, env.Admin, `SELECT * FROM `+table), []byte(pan)) {
				t.Fatalf("the full card number is at rest in %s", table)
			}
		}

		cash := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 100_000, 6, map[string]any{"kind": "cash_desk"}).ID)
		w.pay(t)
		o, err := w.svc.Payouts.ByReference(context.Background(), nil, cash.ID)
		if err != nil || o.Status != payout.AwaitingCashDesk {
			t.Fatalf("cash order: %+v %v", o, err)
		}
		if _, err := w.svc.Payouts.RecordCashPayout(context.Background(), o.ID, "cashier-1", payout.CashIdentification{
			DocumentKind: "id_card", DocumentNumber: "N04455667", DocumentValidUntil: date.Of(2031, 5, 20)}); err != nil {
			t.Fatal(err)
		}
		if got := w.statusOf(t, cash.ID); got != "disbursed" {
			t.Fatalf("cash loan: %s", got)
		}
	})
}

// TestR7_3_ContractTheSameBeforeAndAfterSigning: the client sees the contract before and
// after signing; the copy after is byte for byte the one signed.
func TestR7_3_ContractTheSameBeforeAndAfterSigning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l := w.approved(t, s.Token, "consumer-12", 150_000, 6, toOwnAccount)
		before := w.contract(t, s.Token, l.ID, "kk")
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/sign", s.Token, map[string]any{
			"lang": "kk", "biometric_check_id": w.biometricCheck(t, s.Token, clientIIN), "signature": w.signAs(t, clientSigner, before),
		}).decode(t, http.StatusOK, &l)
		if after := w.contract(t, s.Token, l.ID, "kk"); !bytes.Equal(before, after) {
			t.Fatal("the signed copy differs from the one shown")
		}
		// Another client does not see it.
		w.registerClient(t, foreignOwnerIIN, "+77015550999")
		other := w.loginAs(t, "+77015550999")
		w.call(t, "GET", "/api/v1/loans/"+l.ID+"/contract?lang=kk", other.Token, nil).want(t, http.StatusNotFound, "loan_not_found")
	})
}

// TestR10_RefusalsOverHTTP: a voluntary refusal at the bureau refuses the application, the
// client sees the checks and the result (R7.4), and nothing is offered.
func TestR10_RefusalsOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		w.sims.Bureau.Set(clientIIN, bureausim.Subject{VoluntaryRefusal: &bureausim.Refusal{Since: "2026-01-15"}})
		s := w.login(t)
		l, _ := w.apply(t, s.Token, "consumer-12", 100_000, 6)
		w.call(t, "PUT", "/api/v1/loans/"+l.ID+"/payout", s.Token, toOwnAccount).decode(t, http.StatusOK, &l)
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/submit", s.Token, nil).decode(t, http.StatusOK, &l)
		if l.Status != "refused" {
			t.Fatalf("status %s, want refused", l.Status)
		}
		seen := w.loan(t, s.Token, l.ID)
		failed := ""
		for _, st := range seen.Steps {
			if !st.Passed {
				failed = st.Name
			}
		}
		if failed != "voluntary_refusal" {
			t.Fatalf("steps %+v: want the voluntary refusal shown as failed", seen.Steps)
		}
		w.call(t, "GET", "/api/v1/loans/"+l.ID+"/contract?lang=ru", s.Token, nil).want(t, http.StatusNotFound, "contract_not_issued")
	})
}

// TestR8_1_StaffReviewWithFourEyes: an anti-fraud review entry sends the application to
// staff; above the four-eyes amount one approval is not enough, two different people are.
func TestR8_1_StaffReviewWithFourEyes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		ctx := context.Background()
		if _, err := w.svc.Antifraud.Add(ctx, "analyst-1", antifraud.Entry{Kind: antifraud.KindPhone, Value: clientPhone,
			Source: antifraud.SourceInternal, Reason: "проверка", Deny: false}); err != nil {
			t.Fatal(err)
		}
		s := w.login(t)
		l, _ := w.apply(t, s.Token, "consumer-12", 600_000, 12)
		w.call(t, "PUT", "/api/v1/loans/"+l.ID+"/payout", s.Token, toOwnAccount).decode(t, http.StatusOK, &l)
		w.call(t, "POST", "/api/v1/loans/"+l.ID+"/submit", s.Token, nil).decode(t, http.StatusOK, &l)
		if l.Status != "review" {
			t.Fatalf("status %s, want review", l.Status)
		}
		if _, err := w.svc.Underwriting.Review(ctx, l.ID, "underwriter-1", true, "доход подтверждён"); err != nil {
			t.Fatal(err)
		}
		if got := w.statusOf(t, l.ID); got != "review" {
			t.Fatalf("after one approval above the four-eyes amount: %s", got)
		}
		if _, err := w.svc.Underwriting.Review(ctx, l.ID, "underwriter-1", true, "ещё раз"); err == nil {
			t.Fatal("the same person approved twice")
		}
		if _, err := w.svc.Underwriting.Review(ctx, l.ID, "underwriter-2", true, "согласен"); err != nil {
			t.Fatal(err)
		}
		if got := w.statusOf(t, l.ID); got != "offered" {
			t.Fatalf("after two approvals: %s", got)
		}
		w.contract(t, s.Token, l.ID, "ru")
	})
}
