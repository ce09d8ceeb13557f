package loan

import (
	"context"

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

// Progress returns the client's loan with the checks recorded so far (R7.4).
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
		out = stepsOf(steps)
		return nil
	})
	return l, out, err
}

// stepsOf is the checks as the client sees them. The AML/CFT risk level is the MFO's own
// assessment of the client under the AML/CFT law, which forbids telling a client of the
// measures taken about them: it is left out here (staff see it in the review queue).
func stepsOf(steps []underwriting.Step) []Step {
	out := make([]Step, 0, len(steps))
	for _, st := range steps {
		if st.Name == underwriting.StepRiskLevel {
			continue
		}
		out = append(out, Step{Name: st.Name, Passed: st.Passed, At: st.At.UTC().Format("2006-01-02T15:04:05Z")})
	}
	return out
}
