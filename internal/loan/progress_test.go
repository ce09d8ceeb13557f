package loan

import (
	"reflect"
	"testing"
	"time"

	"nesie.kz/nesie/internal/underwriting"
)

// TestR7_4_ClientSeesTheSecurityChecksAsOne: the client follows every check, but the AML/CFT
// screening, the risk level and the anti-fraud check only as one security check — passed
// only if each passed — which the AML/CFT law's ban on telling a client of the measures
// taken about them requires.
func TestR7_4_ClientSeesTheSecurityChecksAsOne(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	steps := func(antifraudPassed bool) []underwriting.Step {
		return []underwriting.Step{
			{Name: underwriting.StepAML, Passed: true, At: at},
			{Name: underwriting.StepRiskLevel, Passed: true, At: at},
			{Name: underwriting.StepBureau, Passed: true, At: at.Add(time.Second)},
			{Name: underwriting.StepDTI, Passed: false, At: at.Add(2 * time.Second)},
			{Name: underwriting.StepAntifraud, Passed: antifraudPassed, At: at.Add(3 * time.Second)},
		}
	}
	want := []Step{
		{Name: "security_check", Passed: true, At: "2026-03-02T09:30:03Z"},
		{Name: "bureau", Passed: true, At: "2026-03-02T09:30:01Z"},
		{Name: "dti", Passed: false, At: "2026-03-02T09:30:02Z"},
	}
	if got := ClientSteps(steps(true)); !reflect.DeepEqual(got, want) {
		t.Fatalf("client sees %+v, want %+v", got, want)
	}
	want[0].Passed = false
	if got := ClientSteps(steps(false)); !reflect.DeepEqual(got, want) {
		t.Fatalf("with the anti-fraud check not passed the client sees %+v, want %+v", got, want)
	}
	if got := ClientSteps([]underwriting.Step{{Name: underwriting.StepBureau, Passed: true, At: at}}); len(got) != 1 || got[0].Name != "bureau" {
		t.Fatalf("no security step is made up when none was taken: %+v", got)
	}
}

// TestR7_4_ClientIsToldNoConfidentialReason: the reasons that name an AML/CFT or anti-fraud
// finding reach the client as one security_check; every other reason as it is.
func TestR7_4_ClientIsToldNoConfidentialReason(t *testing.T) {
	for in, want := range map[string]string{
		"":                                       "",
		"aml_review":                             "security_check",
		"aml_high_risk,fraud_review":             "security_check",
		"score_review,aml_review":                "score_review,security_check",
		"aml_match,dti_exceeded,fraud_suspected": "security_check,dti_exceeded",
		"voluntary_refusal":                      "voluntary_refusal",
		"fraud_rejected":                         "security_check",
		"destination_not_owned":                  "destination_not_owned",
	} {
		if got := ClientReason(in); got != want {
			t.Errorf("ClientReason(%q) = %q, want %q", in, got, want)
		}
	}
}
