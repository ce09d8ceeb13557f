package underwriting

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"nesie.kz/nesie/internal/bureau"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/bureausim"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

var allSteps = []string{StepAML, StepRiskLevel, StepBureau, StepVoluntaryRefusal, StepOverdue90, StepDTI, StepAntifraud, StepScorecard}

func TestR8_1_ApprovedByScore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		d, err := r.svc.Assess(context.Background(), request(t, "app-1"))
		if err != nil {
			t.Fatal(err)
		}
		// 100 base + 50 (age 40) + 100 (DTI 125 ‰) + 100 (never overdue) + 30 (no open credits)
		if d.Outcome != Approved || d.Score != 380 || d.DecidedBy != "system" || len(d.Reasons) != 0 {
			t.Errorf("decision = %s score %d by %q reasons %v; want approved 380 by system", d.Outcome, d.Score, d.DecidedBy, d.Reasons)
		}
		if len(r.hooked) != 1 || r.hooked[0].Outcome != Approved {
			t.Errorf("hook saw %v, want one approved decision", r.hooked)
		}
		stored, err := r.decision(t, "app-1")
		if err != nil || stored.Outcome != Approved || stored.Score != 380 || !stored.At.Equal(d.At) {
			t.Errorf("stored = %+v, %v", stored, err)
		}
		if n := r.count(t, `SELECT count(*) FROM audit_pending WHERE action = 'underwriting.decided' AND object_id = 'app-1'`); n != 1 {
			t.Errorf("%d audit events, want 1", n)
		}
	})
}

func TestR10_RefusedOnAMLHit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		r.aml.set(ScreenResult{Hit: true, Summary: "listed", Evidence: []byte(`{"list":"terrorist","entry":"42"}`)}, nil)
		d, err := r.svc.Assess(context.Background(), request(t, "app-1"))
		if err != nil {
			t.Fatal(err)
		}
		if d.Outcome != Refused || !hasReason(d, "aml_match", "AML/CFT") {
			t.Errorf("decision = %s %v, want refused on AML/CFT", d.Outcome, d.Reasons)
		}
		// Refused at the first step: nobody else is asked about a listed person.
		if got := stepNames(d.Steps); !reflect.DeepEqual(got, []string{StepAML}) || r.fraud.calls != 0 {
			t.Errorf("steps %v, fraud calls %d; want only aml", got, r.fraud.calls)
		}
		stored, _ := r.decision(t, "app-1")
		if len(stored.Steps) != 1 || string(stored.Steps[0].Evidence) != `{"list":"terrorist","entry":"42"}` || stored.Steps[0].Passed {
			t.Errorf("stored AML step = %+v", stored.Steps)
		}
	})
}

func TestR10_RefusedOnVoluntaryRefusal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		r.bureau.Set(applicantIIN, bureausim.Subject{VoluntaryRefusal: &bureausim.Refusal{Since: "2025-10-01"}})
		// A hard stop: neither security nor refinancing lifts it.
		req := request(t, "app-1")
		req.Secured, req.Refinancing = true, true
		d, err := r.svc.Assess(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if d.Outcome != Refused || !hasReason(d, "voluntary_refusal", "microfinance") {
			t.Errorf("decision = %s %v, want refused on the voluntary refusal", d.Outcome, d.Reasons)
		}
		// The risk level is weighed before the bureau is asked, so it is there too.
		if got := stepNames(d.Steps); !reflect.DeepEqual(got, allSteps[:4]) || r.fraud.calls != 0 {
			t.Errorf("steps %v; want %v", got, allSteps[:4])
		}
	})
}

func overdueSubject(days int) bureausim.Subject {
	return bureausim.Subject{Credits: []bureausim.Credit{{Creditor: "Bank", OutstandingTiyn: 80_000_00, MonthlyPaymentTiyn: 10_000_00, DaysOverdue: days, MaxDaysOverdue12m: days}}}
}

func TestR10_RefusedOnOverdue90(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		r.bureau.Set(applicantIIN, overdueSubject(91))
		d, err := r.svc.Assess(context.Background(), request(t, "app-91"))
		if err != nil {
			t.Fatal(err)
		}
		if d.Outcome != Refused || !hasReason(d, "overdue_over_90", "microfinance") {
			t.Errorf("91 days: %s %v, want refused on the 90-day rule", d.Outcome, d.Reasons)
		}
		// Exactly 90 days is not "more than 90".
		r.bureau.Set(applicantIIN, overdueSubject(90))
		d, err = r.svc.Assess(context.Background(), request(t, "app-90"))
		if err != nil {
			t.Fatal(err)
		}
		if st, ok := stepNamed(d.Steps, StepOverdue90); !ok || !st.Passed || hasReason(d, "overdue_over_90", "microfinance") {
			t.Errorf("90 days: step %+v, reasons %v; want the rule passed", st, d.Reasons)
		}
	})
}

func TestR10_Overdue90ExemptsRefinancingAndSecured(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		r.bureau.Set(applicantIIN, overdueSubject(200))
		for _, tc := range []struct {
			id                   string
			secured, refinancing bool
		}{{"app-refi", false, true}, {"app-secured", true, false}} {
			req := request(t, tc.id)
			req.Secured, req.Refinancing = tc.secured, tc.refinancing
			d, err := r.svc.Assess(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			st, ok := stepNamed(d.Steps, StepOverdue90)
			if !ok || !st.Passed || hasReason(d, "overdue_over_90", "microfinance") {
				t.Errorf("%s: step %+v reasons %v; want the 90-day rule not to apply", tc.id, st, d.Reasons)
			}
			if got := stepNames(d.Steps); !reflect.DeepEqual(got, allSteps) {
				t.Errorf("%s: steps %v, want all of them", tc.id, got)
			}
		}
	})
}

func TestR10_RefusedOnDTI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		subject := func(existingTenge int64) bureausim.Subject {
			return bureausim.Subject{Credits: []bureausim.Credit{
				{Creditor: "Bank", OutstandingTiyn: 900_000_00, MonthlyPaymentTiyn: existingTenge * 100},
				// Paid off: its payment no longer weighs on the income.
				{Creditor: "Old MFO", OutstandingTiyn: 0, MonthlyPaymentTiyn: 300_000_00},
			}}
		}
		// (150 000 + 50 000) / 400 000 = 500 ‰: at the limit, allowed.
		r.bureau.Set(applicantIIN, subject(150_000))
		d, err := r.svc.Assess(context.Background(), request(t, "app-at"))
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := stepNamed(d.Steps, StepDTI); !st.Passed || hasReason(d, "dti_exceeded", LawInternal) {
			t.Errorf("500 ‰: %+v %v; want passed", st, d.Reasons)
		}
		// (150 000.01 + 50 000) / 400 000 is over 500 ‰ by a tiyn.
		s := subject(150_000)
		s.Credits[0].MonthlyPaymentTiyn++
		r.bureau.Set(applicantIIN, s)
		d, err = r.svc.Assess(context.Background(), request(t, "app-over"))
		if err != nil {
			t.Fatal(err)
		}
		if d.Outcome != Refused || !hasReason(d, "dti_exceeded", LawInternal) || r.fraud.calls != 1 {
			t.Errorf("over 500 ‰: %s %v (fraud calls %d); want refused before anti-fraud", d.Outcome, d.Reasons, r.fraud.calls)
		}
	})
}

func TestR8_1_AntifraudDenyRefusesAndReviewSendsToStaff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		r.fraud.set(ScreenResult{Hit: true, Summary: "device on the AFC list"}, nil)
		d, err := r.svc.Assess(context.Background(), request(t, "app-deny"))
		if err != nil || d.Outcome != Refused || !hasReason(d, "fraud_suspected", LawInternal) {
			t.Errorf("deny: %s %v %v", d.Outcome, d.Reasons, err)
		}
		r.fraud.set(ScreenResult{Review: true}, nil)
		d, err = r.svc.Assess(context.Background(), request(t, "app-review"))
		// The score alone (380) would approve; the analyst's review stands.
		if err != nil || d.Outcome != Review || !hasReason(d, "fraud_review", LawInternal) || d.Score != 380 {
			t.Errorf("review: %s %v score %d %v", d.Outcome, d.Reasons, d.Score, err)
		}
	})
}

func TestR8_1_ScoreRefusesBelowCutoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		cfg := DefaultConfig()
		cfg.Scorecard.RefuseBelow, cfg.Scorecard.ApproveAt = 381, 400
		r := newRig(t, env, cfg)
		d, err := r.svc.Assess(context.Background(), request(t, "app-1"))
		if err != nil || d.Outcome != Refused || !hasReason(d, "score_too_low", LawInternal) {
			t.Errorf("score 380 under 381: %s %v %v", d.Outcome, d.Reasons, err)
		}
	})
}

func TestR8_1_CheckFailureLeavesNoDecision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		ctx := context.Background()
		for _, mode := range []sim.Mode{sim.Fail, sim.Garbage} {
			r.srv.SetMode(mode)
			if _, err := r.svc.Assess(ctx, request(t, "app-1")); !errors.Is(err, fault.ErrUnavailable) {
				t.Errorf("bureau %s: %v, want ErrUnavailable", mode, err)
			}
		}
		r.srv.SetMode(sim.Normal)
		r.aml.set(ScreenResult{}, errors.New("lists not loaded"))
		if _, err := r.svc.Assess(ctx, request(t, "app-1")); err == nil {
			t.Error("AML error: decided anyway")
		}
		r.aml.set(ScreenResult{}, nil)
		r.fraud.set(ScreenResult{}, errors.New("rules failed"))
		if _, err := r.svc.Assess(ctx, request(t, "app-1")); err == nil {
			t.Error("anti-fraud error: decided anyway")
		}
		for _, table := range []string{"underwriting_decision", "underwriting_step"} {
			if n := r.count(t, `SELECT count(*) FROM `+table); n != 0 {
				t.Errorf("%s has %d rows after failed checks, want 0", table, n)
			}
		}
		if _, err := r.decision(t, "app-1"); !errors.Is(err, fault.ErrNotFound) || len(r.hooked) != 0 {
			t.Errorf("decision after failures: %v, hook %d; want not found, no hook", err, len(r.hooked))
		}
		// Once everything answers, the caller's retry decides.
		r.fraud.set(ScreenResult{}, nil)
		if d, err := r.svc.Assess(ctx, request(t, "app-1")); err != nil || d.Outcome != Approved {
			t.Errorf("retry: %v %v", d.Outcome, err)
		}
	})
}

func TestR7_4_StepsVisibleInOrderWithEvidence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		r.aml.set(ScreenResult{Evidence: []byte(`{"matches":[]}`)}, nil)
		r.bureau.Set(applicantIIN, overdueSubject(5))
		if _, err := r.svc.Assess(context.Background(), request(t, "app-1")); err != nil {
			t.Fatal(err)
		}
		var steps []Step
		if err := env.DB.Read(context.Background(), func(ctx context.Context, tx *store.Tx) error {
			var err error
			steps, err = r.svc.Steps(ctx, tx, "app-1")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got := stepNames(steps); !reflect.DeepEqual(got, allSteps) {
			t.Fatalf("steps %v, want %v", got, allSteps)
		}
		for i, st := range steps {
			if st.At.IsZero() || st.Detail == "" || (i > 0 && st.At.Before(steps[i-1].At)) {
				t.Errorf("step %s: at %v detail %q", st.Name, st.At, st.Detail)
			}
		}
		if string(steps[0].Evidence) != `{"matches":[]}` {
			t.Errorf("AML evidence = %q", steps[0].Evidence)
		}
		// The bureau's report is kept as received and still proves itself with its key.
		b := steps[2]
		if b.Name != StepBureau {
			t.Fatalf("third step is %s, want the bureau", b.Name)
		}
		if !bureau.Verify(r.bureau.PublicKey(), b.Evidence, b.Signature) {
			t.Error("stored bureau report does not verify")
		}
		rep, _, err := bureau.ParseReport(b.Evidence)
		if err != nil || len(rep.Credits) != 1 || rep.Credits[0].DaysOverdue != 5 {
			t.Errorf("stored report: %+v %v", rep.Credits, err)
		}
	})
}

func TestR8_1_OneDecisionPerApplication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		ctx := context.Background()
		if _, err := r.svc.Assess(ctx, request(t, "app-1")); err != nil {
			t.Fatal(err)
		}
		if _, err := r.svc.Assess(ctx, request(t, "app-1")); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("second assessment: %v, want ErrConflict", err)
		}
		// The database refuses a second decision row even to code that skips the check.
		_, err := env.Admin.Exec(`INSERT INTO underwriting_decision (application_id, client_id, product_code, amount, system_outcome, outcome, score, reasons, decided_by, assessed_at, decided_at)
			VALUES ('app-1', 'c', 'p', 1, 'approved', 'approved', 0, '[]', 'system', 1, 1)`)
		if err == nil {
			t.Error("a second decision row for app-1 was accepted")
		}
	})
}

func TestAssessRefusesBadRequestByField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		for field, mutate := range map[string]func(*Request){
			"application_id":  func(q *Request) { q.ApplicationID = "" },
			"person.kind":     func(q *Request) { q.Person.Kind = "company" },
			"amount":          func(q *Request) { q.Amount = 0 },
			"monthly_payment": func(q *Request) { q.MonthlyPayment = -1 },
			"monthly_income":  func(q *Request) { q.MonthlyIncome = -1 },
		} {
			q := request(t, "app-x")
			mutate(&q)
			_, err := r.svc.Assess(context.Background(), q)
			var fe *fault.FieldError
			if !errors.As(err, &fe) || fe.Field != field {
				t.Errorf("%s: %v", field, err)
			}
		}
		if r.aml.calls != 0 {
			t.Errorf("AML asked %d times about invalid requests", r.aml.calls)
		}
	})
}
