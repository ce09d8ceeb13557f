package api_test

import (
	"bytes"
	"net/http"
	"sync"
	"testing"

	"nesie.kz/nesie/internal/store/storetest"
)

// TestR11_ConcurrentFirstViewsKeepOneCopy: two first views of a contract copy at once render
// it twice, but one copy is kept as sent and both are shown that copy, byte for byte.
func TestR11_ConcurrentFirstViewsKeepOneCopy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l := w.approved(t, s.Token, "consumer-12", 150_000, 6, toOwnAccount)
		views := make([]answer, 4)
		var wg sync.WaitGroup
		for i := range views {
			wg.Go(func() { views[i] = w.call(t, "GET", "/api/v1/loans/"+l.ID+"/contract?lang=ru", s.Token, nil) })
		}
		wg.Wait()
		for i, v := range views {
			if v.status != http.StatusOK || !bytes.Equal(v.body, views[0].body) {
				t.Fatalf("view %d: %d, same bytes as the first: %v", i, v.status, bytes.Equal(v.body, views[0].body))
			}
		}
		var kept int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM loan_document WHERE loan_id = $1 AND kind = 'contract_ru'`, l.ID).Scan(&kept); err != nil || kept != 1 {
			t.Fatalf("copies kept: %d (%v), want 1", kept, err)
		}
	})
}

// TestR9_1_ConcurrentSigningsSignOnce: the same contract signed twice at once, each with its
// own biometric check — one signing wins, the other is refused as already signed, and one
// payout is ordered.
func TestR9_1_ConcurrentSigningsSignOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l := w.approved(t, s.Token, "consumer-12", 150_000, 6, toOwnAccount)
		pdf := w.contract(t, s.Token, l.ID, "ru")
		checks := []string{w.biometricCheck(t, s.Token, clientIIN), w.biometricCheck(t, s.Token, clientIIN)}
		sig := w.signAs(t, clientSigner, pdf)
		answers := make([]answer, len(checks))
		var wg sync.WaitGroup
		for i := range checks {
			wg.Go(func() {
				answers[i] = w.call(t, "POST", "/api/v1/loans/"+l.ID+"/sign", s.Token, map[string]any{
					"lang": "ru", "biometric_check_id": checks[i], "signature": sig})
			})
		}
		wg.Wait()
		ok, refused := 0, 0
		for _, a := range answers {
			switch {
			case a.status == http.StatusOK:
				ok++
			case a.status == http.StatusConflict && bytes.Contains(a.body, []byte(`"loan_status"`)):
				refused++
			}
		}
		if ok != 1 || refused != 1 {
			t.Fatalf("signings: %d %s / %d %s; want one signed and one refused as wrong status",
				answers[0].status, answers[0].body, answers[1].status, answers[1].body)
		}
		var orders, signatures int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM payout_order WHERE reference = $1`, l.ID).Scan(&orders); err != nil || orders != 1 {
			t.Fatalf("payout orders: %d (%v), want 1", orders, err)
		}
		if err := env.Admin.QueryRow(`SELECT count(*) FROM loan_document WHERE loan_id = $1 AND kind = 'contract_signature'`, l.ID).Scan(&signatures); err != nil || signatures != 1 {
			t.Fatalf("signatures kept: %d (%v), want 1", signatures, err)
		}
	})
}
