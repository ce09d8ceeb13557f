package api_test

import (
	"net/http"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestR8_6_CashVoucherShownToItsClientOnly: a loan taken in cash at a terminal gives the
// client the code the bank issued, once the money has left, never cached; the showing is
// audited, another client cannot see it, and a loan paid to an account has no voucher.
func TestR8_6_CashVoucherShownToItsClientOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 100_000, 12, map[string]any{"kind": "terminal"}).ID)
		path := "/api/v1/loans/" + l.ID + "/cash-voucher"
		w.call(t, "GET", path, s.Token, nil).want(t, http.StatusConflict, "loan_status")

		w.pay(t)
		var orderID string
		if err := env.Admin.QueryRow(`SELECT payout_order_id FROM loan WHERE id = $1`, l.ID).Scan(&orderID); err != nil {
			t.Fatal(err)
		}
		issued := w.sims.Bank.Voucher(orderID)
		a := w.call(t, "GET", path, s.Token, nil)
		var v struct {
			Code   string `json:"voucher_code"`
			Amount int64  `json:"amount_tiyn"`
		}
		a.decode(t, http.StatusOK, &v)
		if issued == "" || v.Code != issued || v.Amount != 100_000_00 {
			t.Fatalf("voucher %+v, the bank issued %q for 100 000 ₸", v, issued)
		}
		if cc := a.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Fatalf("Cache-Control %q: a voucher code must not be cached", cc)
		}
		var shown int
		if err := env.Admin.QueryRow(`SELECT (SELECT COUNT(*) FROM audit_pending WHERE action = 'loan.cash_voucher_shown' AND object_id = $1)
			+ (SELECT COUNT(*) FROM audit_event WHERE action = 'loan.cash_voucher_shown' AND object_id = $1)`, l.ID).Scan(&shown); err != nil || shown != 1 {
			t.Fatalf("showing audited %d times (%v), want once", shown, err)
		}

		w.registerPerson(t, client.Entrepreneur, "Тестов Ерлан Маратович", entrepreneurIIN, entrepreneurPhone)
		other := w.loginAs(t, entrepreneurPhone)
		w.call(t, "GET", path, other.Token, nil).want(t, http.StatusNotFound, "loan_not_found")

		toAccount := w.signLoan(t, s.Token, w.approved(t, s.Token, "consumer-12", 100_000, 12, toOwnAccount).ID)
		w.pay(t)
		w.call(t, "GET", "/api/v1/loans/"+toAccount.ID+"/cash-voucher", s.Token, nil).want(t, http.StatusConflict, "no_cash_voucher")
	})
}
