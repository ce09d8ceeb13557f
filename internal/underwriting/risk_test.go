package underwriting

import (
	"context"
	"database/sql"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/store/storetest"
)

// The default thresholds, written out here rather than read from DefaultConfig, so that a
// change of the defaults shows in these tests.
var (
	mediumAbove = tenge(1_000_000)
	highAbove   = tenge(5_000_000)
)

// storedRisk is the risk_level column as the database holds it, read past the package.
func (r *rig) storedRisk(t *testing.T, id string) sql.NullString {
	t.Helper()
	var v sql.NullString
	if err := r.env.Admin.QueryRow(`SELECT risk_level FROM underwriting_decision WHERE application_id = $1`, id).Scan(&v); err != nil {
		t.Fatalf("risk_level of %s: %v", id, err)
	}
	return v
}

// seenRisk is the step's evidence as a reader of the record decodes it, independent of the
// package's own types.
type seenRisk struct {
	Level   string `json:"level"`
	Factors []struct {
		Code, Level, Text string
	} `json:"factors"`
	Rules map[string]any `json:"rules"`
}

func (r *rig) riskStep(t *testing.T, id string) (Step, seenRisk) {
	t.Helper()
	st, ok := stepNamed(r.steps(t, id), StepRiskLevel)
	if !ok {
		t.Fatalf("%s has no risk_level step", id)
	}
	var ev seenRisk
	if err := json.Unmarshal(st.Evidence, &ev); err != nil {
		t.Fatalf("risk evidence %q: %v", st.Evidence, err)
	}
	return st, ev
}

func factorLevels(ev seenRisk) map[string]string {
	out := map[string]string{}
	for _, f := range ev.Factors {
		out[f.Code] = f.Level
	}
	return out
}

// assessAmount assesses the clean request for amount and checks the level on every record of
// it: the decision returned, the decision loaded, the column, the step's evidence.
func (r *rig) assessAmount(t *testing.T, id string, amount money.Amount, want RiskLevel) Decision {
	t.Helper()
	req := request(t, id)
	req.Amount = amount
	d, err := r.svc.Assess(context.Background(), req)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	r.wantRisk(t, d, want)
	return d
}

func (r *rig) wantRisk(t *testing.T, d Decision, want RiskLevel) {
	t.Helper()
	id := d.ApplicationID
	if d.RiskLevel != want {
		t.Errorf("%s: returned level %q, want %q", id, d.RiskLevel, want)
	}
	if stored, err := r.decision(t, id); err != nil || stored.RiskLevel != want {
		t.Errorf("%s: loaded level %q (%v), want %q", id, stored.RiskLevel, err, want)
	}
	if col := r.storedRisk(t, id); !col.Valid || col.String != string(want) {
		t.Errorf("%s: column risk_level = %+v, want %q", id, col, want)
	}
	if _, ev := r.riskStep(t, id); ev.Level != string(want) {
		t.Errorf("%s: evidence level %q, want %q", id, ev.Level, want)
	}
}

func TestR8_1_RiskLowClearSmallRequestApproved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		d := r.assessAmount(t, "app-low", tenge(300_000), RiskLow)
		if d.Outcome != Approved || d.Score != 380 || len(d.Reasons) != 0 {
			t.Errorf("decision %s score %d reasons %v; want approved 380 as before", d.Outcome, d.Score, d.Reasons)
		}
		// Exactly at the medium threshold is not above it.
		if d := r.assessAmount(t, "app-at-medium", mediumAbove, RiskLow); d.Outcome != Approved {
			t.Errorf("at the medium threshold: %s", d.Outcome)
		}
		st, ev := r.riskStep(t, "app-low")
		// The remote identification is weighed and said, but raises nothing.
		if !st.Passed || !reflect.DeepEqual(factorLevels(ev), map[string]string{"non_face_to_face": "low"}) {
			t.Errorf("step passed=%v factors %+v; want passed with only the non-face-to-face factor at low", st.Passed, ev.Factors)
		}
	})
}

func TestR8_1_RiskMediumAboveThresholdStillApproved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		for id, amount := range map[string]money.Amount{"app-medium": mediumAbove + 1, "app-at-high": highAbove} {
			d := r.assessAmount(t, id, amount, RiskMedium)
			if d.Outcome != Approved || len(d.Reasons) != 0 {
				t.Errorf("%s: %s %v; a medium level changes nothing in the outcome", id, d.Outcome, d.Reasons)
			}
			if st, ev := r.riskStep(t, id); !st.Passed || factorLevels(ev)["amount_above_medium"] != "medium" {
				t.Errorf("%s: step passed=%v factors %+v", id, st.Passed, ev.Factors)
			}
		}
	})
}

func TestR8_1_RiskHighAmountGoesToReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		d := r.assessAmount(t, "app-high", highAbove+1, RiskHigh)
		// The score alone (380) would approve: the high level holds it for staff.
		if d.Outcome != Review || len(d.Reasons) != 1 || !hasReason(d, "aml_high_risk", LawAML) || d.Score != 380 {
			t.Fatalf("decision %s %v score %d; want review for aml_high_risk alone", d.Outcome, d.Reasons, d.Score)
		}
		if st, ev := r.riskStep(t, "app-high"); st.Passed || factorLevels(ev)["amount_above_high"] != "high" {
			t.Errorf("step passed=%v factors %+v; want failed on the amount", st.Passed, ev.Factors)
		}
		q := r.queue(t)
		if len(q) != 1 || q[0].ApplicationID != "app-high" || q[0].RiskLevel != RiskHigh {
			t.Fatalf("queue = %+v, want app-high at high risk", q)
		}
		var details string
		if err := env.Admin.QueryRow(`SELECT details FROM audit_pending WHERE action = 'underwriting.decided' AND object_id = 'app-high'`).Scan(&details); err != nil {
			t.Fatal(err)
		}
		var ev struct {
			Change map[string]any `json:"change"`
		}
		if err := json.Unmarshal([]byte(details), &ev); err != nil || ev.Change["risk_level"] != "high" {
			t.Errorf("audit details %s (%v): want risk_level high", details, err)
		}
		// Staff decide (above the four-eyes amount: two of them); the level stays with it.
		ctx := context.Background()
		if _, err := r.svc.Review(ctx, "app-high", "staff-a", true, "source of funds seen"); err != nil {
			t.Fatal(err)
		}
		final, err := r.svc.Review(ctx, "app-high", "staff-b", true, "agreed")
		if err != nil || final.Outcome != Approved || final.RiskLevel != RiskHigh {
			t.Fatalf("after two approvals: %s level %q %v", final.Outcome, final.RiskLevel, err)
		}
		r.wantRisk(t, final, RiskHigh)
	})
}

func TestR8_1_RiskAMLReviewMatchIsHigh(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		r.aml.set(ScreenResult{Review: true, Summary: "similar name, other birth date"}, nil)
		d := r.assessAmount(t, "app-aml", tenge(300_000), RiskHigh)
		if d.Outcome != Review || !hasReason(d, "aml_review", LawAML) || !hasReason(d, "aml_high_risk", LawAML) {
			t.Errorf("decision %s %v; want review for the match and for the level", d.Outcome, d.Reasons)
		}
		if _, ev := r.riskStep(t, "app-aml"); factorLevels(ev)["aml_possible_match"] != "high" || ev.Rules["aml_possible_match"] != true {
			t.Errorf("factors %+v rules %v; want the possible match at high", ev.Factors, ev.Rules)
		}
	})
}

// A listed person is refused at the first step: no level is weighed, and the decision says
// high, the level a list match is by definition.
func TestR8_1_RiskAMLHitRefusedAtHighWithoutStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		r.aml.set(ScreenResult{Hit: true}, nil)
		d, err := r.svc.Assess(context.Background(), request(t, "app-listed"))
		if err != nil || d.Outcome != Refused || d.RiskLevel != RiskHigh || hasReason(d, "aml_high_risk", LawAML) {
			t.Fatalf("decision %s level %q %v %v; want refused at high, on the list match only", d.Outcome, d.RiskLevel, d.Reasons, err)
		}
		if got := stepNames(r.steps(t, "app-listed")); !reflect.DeepEqual(got, []string{StepAML}) {
			t.Errorf("steps %v, want only aml", got)
		}
		if col := r.storedRisk(t, "app-listed"); col.String != "high" {
			t.Errorf("column %+v, want high", col)
		}
	})
}

func TestR8_1_RiskLegalEntityAtLeastMedium(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		for _, tc := range []struct {
			id, kind string
			amount   money.Amount
			want     RiskLevel
			outcome  Outcome
		}{
			{"app-le-small", "legal_entity", tenge(300_000), RiskMedium, Approved},
			// At least medium: a higher factor still wins.
			{"app-le-big", "legal_entity", highAbove + 1, RiskHigh, Review},
			// By default an entrepreneur is weighed as any person.
			{"app-ie", "entrepreneur", tenge(300_000), RiskLow, Approved},
		} {
			req := request(t, tc.id)
			req.Person.Kind, req.Amount = tc.kind, tc.amount
			d, err := r.svc.Assess(context.Background(), req)
			if err != nil || d.Outcome != tc.outcome {
				t.Fatalf("%s: %s %v %v; want %s", tc.id, d.Outcome, d.Reasons, err, tc.outcome)
			}
			r.wantRisk(t, d, tc.want)
		}
		if _, ev := r.riskStep(t, "app-le-small"); factorLevels(ev)["legal_entity"] != "medium" {
			t.Errorf("factors %+v; want the legal entity at medium", ev.Factors)
		}

		cfg := DefaultConfig()
		cfg.RiskEntrepreneurAtLeastMedium = true
		r = newRig(t, env, cfg)
		req := request(t, "app-ie-flagged")
		req.Person.Kind = "entrepreneur"
		d, err := r.svc.Assess(context.Background(), req)
		if err != nil || d.Outcome != Approved {
			t.Fatalf("flagged entrepreneur: %s %v", d.Outcome, err)
		}
		r.wantRisk(t, d, RiskMedium)
	})
}

func TestR8_1_RiskStepRecordedWithDecision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		req := request(t, "app-rec")
		req.Person.Kind, req.Amount = "legal_entity", mediumAbove+1
		if _, err := r.svc.Assess(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		steps := r.steps(t, "app-rec")
		if got := stepNames(steps); !reflect.DeepEqual(got, allSteps) || steps[1].Name != StepRiskLevel {
			t.Fatalf("steps %v; want the risk level second, right after aml", got)
		}
		st, ev := r.riskStep(t, "app-rec")
		if !st.At.Equal(storetest.Start) || st.Signature != nil {
			t.Errorf("step at %v signature %x; want the service clock's time, unsigned", st.At, st.Signature)
		}
		want := map[string]string{"non_face_to_face": "low", "amount_above_medium": "medium", "legal_entity": "medium"}
		if ev.Level != "medium" || !reflect.DeepEqual(factorLevels(ev), want) {
			t.Errorf("evidence level %q factors %+v; want medium from %v", ev.Level, ev.Factors, want)
		}
		// The rules weighed by are kept with the factors: 1 000 000.01 ₸ against 1 000 000 ₸
		// and 5 000 000 ₸, in tiyn.
		for k, v := range map[string]float64{"amount_tiyn": 100_000_001, "medium_amount_above_tiyn": 100_000_000, "high_amount_above_tiyn": 500_000_000} {
			if ev.Rules[k] != v {
				t.Errorf("rules[%s] = %v, want %v", k, ev.Rules[k], v)
			}
		}
		if ev.Rules["client_kind"] != "legal_entity" || ev.Rules["entrepreneur_at_least_medium"] != false {
			t.Errorf("rules = %v", ev.Rules)
		}
		if !strings.HasPrefix(st.Detail, "AML/CFT risk level medium: ") || !strings.Contains(st.Detail, "beneficial owners") ||
			!strings.Contains(st.Detail, "identified remotely") || !strings.Contains(st.Detail, "above") {
			t.Errorf("detail %q: want the level and every factor", st.Detail)
		}
		// Not in clear: the evidence is sealed like every step's.
		if raw := storetest.RawRows(t, env.Admin, `SELECT * FROM underwriting_step WHERE name = 'risk_level'`); strings.Contains(string(raw), "non_face_to_face") {
			t.Error("the risk evidence is stored in clear")
		}
	})
}

// TestR8_1_DatabaseKeepsEveryDecisionsRiskLevel: past the code, the database itself refuses
// a decision recorded without a level and a level rewritten after it was weighed.
func TestR8_1_DatabaseKeepsEveryDecisionsRiskLevel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		r.assessAmount(t, "app-kept", highAbove+1, RiskHigh)
		if _, err := env.Admin.Exec(`UPDATE underwriting_decision SET risk_level = 'low' WHERE application_id = 'app-kept'`); err == nil {
			t.Error("a weighed risk level was rewritten")
		}
		if got := r.storedRisk(t, "app-kept"); got.String != "high" {
			t.Errorf("risk level now %q, want high kept", got.String)
		}
		var cols []string
		rows, err := env.Admin.Query(`SELECT * FROM underwriting_decision WHERE application_id = 'app-kept'`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ = rows.Columns()
		rows.Close()
		sel := make([]string, len(cols))
		for i, c := range cols {
			switch c {
			case "application_id":
				sel[i] = "'app-copy'"
			case "risk_level":
				sel[i] = "NULL"
			default:
				sel[i] = c
			}
		}
		q := `INSERT INTO underwriting_decision (` + strings.Join(cols, ", ") + `) SELECT ` + strings.Join(sel, ", ") +
			` FROM underwriting_decision WHERE application_id = 'app-kept'`
		if _, err := env.Admin.Exec(q); err == nil || !strings.Contains(err.Error(), "R8.1") {
			t.Errorf("a decision without a risk level: err = %v, want the database's R8.1 refusal", err)
		}
		// The same row with its level goes in: the refusal is about the level alone.
		if _, err := env.Admin.Exec(strings.Replace(q, "NULL", "'medium'", 1)); err != nil {
			t.Errorf("a copy with its level was refused: %v", err)
		}
	})
}
