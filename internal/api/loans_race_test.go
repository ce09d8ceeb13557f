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

// TestR10_ConcurrentSubmitsAssessOnce: a draft submitted twice at once is assessed once — one
// decision and one set of checks recorded — and the other submission is refused.
func TestR10_ConcurrentSubmitsAssessOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		l, _ := w.apply(t, s.Token, "consumer-12", 150_000, 6)
		w.call(t, "PUT", "/api/v1/loans/"+l.ID+"/payout", s.Token, toOwnAccount).decode(t, http.StatusOK, &l)
		answers := make([]answer, 2)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Go(func() { answers[i] = w.call(t, "POST", "/api/v1/loans/"+l.ID+"/submit", s.Token, nil) })
		}
		wg.Wait()
		ok, refused := 0, 0
		for _, a := range answers {
			switch a.status {
			case http.StatusOK:
				ok++
			case http.StatusConflict:
				refused++
			}
		}
		if ok != 1 || refused != 1 {
			t.Fatalf("submits: %d %s / %d %s; want one assessed and one refused", answers[0].status, answers[0].body, answers[1].status, answers[1].body)
		}
		var decisions, steps int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM underwriting_decision WHERE application_id = $1`, l.ID).Scan(&decisions); err != nil {
			t.Fatal(err)
		}
		if err := env.Admin.QueryRow(`SELECT count(*) FROM underwriting_step WHERE application_id = $1 AND name = 'bureau'`, l.ID).Scan(&steps); err != nil {
			t.Fatal(err)
		}
		if decisions != 1 || steps != 1 || w.statusOf(t, l.ID) != "offered" {
			t.Fatalf("decisions %d, bureau steps %d, status %s", decisions, steps, w.statusOf(t, l.ID))
		}
	})
}

// TestR9_1_ConcurrentCompletionsCountOnce: one biometric session completed twice at once keeps
// one check; the other completion is refused, and the session counts one attempt.
func TestR9_1_ConcurrentCompletionsCountOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		s := w.login(t)
		var sess bioSession
		w.call(t, "POST", "/api/v1/biometric", s.Token, nil).decode(t, http.StatusCreated, &sess)
		w.perform(t, sess.ProviderSessionID, sess.Movements, w.face(t, clientIIN))
		answers := make([]answer, 2)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Go(func() {
				answers[i] = w.call(t, "POST", "/api/v1/biometric/"+sess.BiometricSessionID+"/complete", s.Token, nil)
			})
		}
		wg.Wait()
		ok := 0
		for _, a := range answers {
			if a.status == http.StatusOK {
				ok++
			} else if a.status != http.StatusConflict {
				t.Fatalf("a completion answered %d %s; want 200 or 409", a.status, a.body)
			}
		}
		var checks int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM biometric_check WHERE session_id = $1`, sess.BiometricSessionID).Scan(&checks); err != nil {
			t.Fatal(err)
		}
		if ok != 1 || checks != 1 {
			t.Fatalf("completions accepted %d, checks kept %d; want one and one", ok, checks)
		}
	})
}
