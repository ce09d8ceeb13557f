package payout

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// stableCode is an independent statement of what a verdict's reason may be.
var stableCode = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`)

// FuzzVerdictCheck: whatever a screen answers, checking it never panics; an accepted verdict
// has a known outcome and reasons that are stable codes, and its reasons survive the way a
// held order stores them (joined by commas, split when read).
func FuzzVerdictCheck(f *testing.F) {
	f.Add("deny", "list_iin")
	f.Add("review", "list_phone\nsignal_biometric_failed")
	f.Add("allow", "")
	f.Add("", "list_iin")
	f.Add("review", "list_iin,list_phone")
	f.Add("review", "списокIIN")
	f.Add("deny", strings.Repeat("x", 65))
	f.Fuzz(func(t *testing.T, outcome, reasons string) {
		v := Verdict{Outcome: Outcome(outcome)}
		if reasons != "" {
			v.Reasons = strings.Split(reasons, "\n")
		}
		if err := v.check(); err != nil {
			return
		}
		if v.Outcome != Allow && v.Outcome != Review && v.Outcome != Deny {
			t.Fatalf("accepted the outcome %q", v.Outcome)
		}
		for _, r := range v.Reasons {
			if !stableCode.MatchString(r) {
				t.Fatalf("accepted the reason %q", r)
			}
		}
		if len(v.Reasons) > 0 {
			if back := strings.Split(strings.Join(v.Reasons, ","), ","); !slices.Equal(back, v.Reasons) {
				t.Fatalf("reasons %q read back as %q", v.Reasons, back)
			}
		}
	})
}
