package loan

import (
	"testing"
	"time"

	"nesie.kz/nesie/internal/underwriting"
)

// TestR7_4_ClientProgressLeavesOutTheRiskLevel: the client follows every check but the
// MFO's AML/CFT risk level of them, which the law keeps from the client.
func TestR7_4_ClientProgressLeavesOutTheRiskLevel(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	got := stepsOf([]underwriting.Step{
		{Name: underwriting.StepAML, Passed: true, At: at},
		{Name: underwriting.StepRiskLevel, Passed: false, At: at},
		{Name: underwriting.StepBureau, Passed: true, At: at.Add(time.Second)},
	})
	want := []Step{{Name: "aml", Passed: true, At: "2026-03-02T09:30:00Z"}, {Name: "bureau", Passed: true, At: "2026-03-02T09:30:01Z"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("client sees %+v, want %+v", got, want)
	}
}
