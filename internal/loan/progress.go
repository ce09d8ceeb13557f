package loan

import (
	"context"
	"strings"

	"nesie.kz/nesie/internal/payout"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/underwriting"
)

// Step is one check of the application as the client sees it (R7.4): its name, whether it
// passed and when; the evidence stays with the MFO.
type Step struct {
	Name   string
	Passed bool
	At     string
}

// Progress returns the client's loan with the checks recorded so far (R7.4), as the client
// may see them (ClientSteps).
func (s *Service) Progress(ctx context.Context, clientID, id string) (Loan, []Step, error) {
	var l Loan
	var out []Step
	err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if l, err = s.owned(ctx, tx, clientID, id); err != nil {
			return err
		}
		if s.assess == nil {
			return nil
		}
		steps, err := s.assess.Steps(ctx, tx, id)
		if err != nil {
			return err
		}
		out = ClientSteps(steps)
		return nil
	})
	return l, out, err
}

// SecurityCheck is the one name under which the client is shown the checks whose findings
// are kept from them: the AML/CFT list screening and risk level, and the anti-fraud check.
// The AML/CFT law forbids telling a client of the measures taken about them (a possible list
// match, enhanced due diligence), and telling a fraudster which list matched helps the next
// attempt. The client still learns that a check held or refused the application (R7.4);
// staff see each check and its reason.
const SecurityCheck = "security_check"

// confidentialStep says whether the client sees step only as part of SecurityCheck.
func confidentialStep(name string) bool {
	switch name {
	case underwriting.StepAML, underwriting.StepRiskLevel, underwriting.StepAntifraud:
		return true
	}
	return false
}

// confidentialReason says whether a status reason code names what a confidential check
// found: the client is given SecurityCheck instead.
func confidentialReason(code string) bool {
	switch code {
	case underwriting.ReasonAMLMatch, underwriting.ReasonAMLReview, underwriting.ReasonAMLHighRisk,
		underwriting.ReasonFraudSuspected, underwriting.ReasonFraudReview, // the payout stage's screen uses the same two
		payout.ReasonFraudRejected: // an analyst refused a payout the screen held (R8-2.6)
		return true
	}
	return false
}

// ClientSteps is the checks as the client sees them: each in order, but the confidential
// ones as a single SecurityCheck where the first of them stood, passed only if all passed,
// dated by the last.
func ClientSteps(steps []underwriting.Step) []Step {
	out := make([]Step, 0, len(steps))
	security := -1
	for _, st := range steps {
		at := st.At.UTC().Format("2006-01-02T15:04:05Z")
		if !confidentialStep(st.Name) {
			out = append(out, Step{Name: st.Name, Passed: st.Passed, At: at})
			continue
		}
		if security < 0 {
			security = len(out)
			out = append(out, Step{Name: SecurityCheck, Passed: true})
		}
		out[security].Passed = out[security].Passed && st.Passed
		out[security].At = max(out[security].At, at) // the fixed-width UTC form sorts as time
	}
	return out
}

// ClientReason is a loan's status reason as the client is told it: the codes of the
// confidential checks become SecurityCheck (once); the others — a bureau refusal, the
// debt-to-income rule, a bank's refusal of the payout — stay as they are.
func ClientReason(reason string) string {
	if reason == "" {
		return ""
	}
	codes := strings.Split(reason, ",")
	out := codes[:0]
	told := false
	for _, c := range codes {
		if confidentialReason(c) {
			if told {
				continue
			}
			c, told = SecurityCheck, true
		}
		out = append(out, c)
	}
	return strings.Join(out, ",")
}
