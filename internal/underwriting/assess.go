package underwriting

import (
	"context"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// SystemDecider is Decision.DecidedBy for a decision the checks made alone.
const SystemDecider = "system"

// Assess makes the checks of r and records them with the decision. The outside services
// (AML, bureau, anti-fraud) are called first, outside any transaction; then one transaction
// records every step with its evidence, the decision, its audit event, and calls the hook.
// A check that errors leaves nothing recorded and returns the error (fail closed); an
// application already decided is a conflict ("already_assessed").
func (s *Service) Assess(ctx context.Context, r Request) (Decision, error) {
	if err := validateRequest(r); err != nil {
		return Decision{}, err
	}
	// Refuse a second assessment before asking anyone: a bureau report is not free and is
	// itself recorded in the person's history.
	if err := s.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		_, err := loadDecisionRow(ctx, tx, r.ApplicationID)
		if err == nil {
			return alreadyAssessed()
		}
		if errors.Is(err, fault.ErrNotFound) {
			return nil
		}
		return err
	}); err != nil {
		return Decision{}, err
	}
	a, err := s.check(ctx, r)
	if err != nil {
		return Decision{}, err
	}
	var d Decision
	// The decision's transaction only inserts (one decision per application is the primary
	// key) and hands the loan its move, which the loan guards by its status: it needs no
	// SERIALIZABLE predicate locks, whose page-level conflicts between concurrent decisions
	// on small tables made them abort each other.
	err = s.db.TransactWith(ctx, store.TxOptions{ReadCommitted: true}, func(ctx context.Context, tx *store.Tx) error {
		d = Decision{ApplicationID: r.ApplicationID, Outcome: a.outcome, Reasons: a.reasons, Score: a.score, RiskLevel: a.risk, Steps: a.steps,
			DecidedBy: SystemDecider, At: tx.Now().UTC().Truncate(time.Microsecond)}
		if err := insertDecision(ctx, tx, r, d); err != nil {
			return err
		}
		if err := s.insertSteps(ctx, tx, r.ApplicationID, a.steps); err != nil {
			return err
		}
		if err := s.trail.Record(ctx, tx, audit.Event{
			Action: "underwriting.decided", ObjectType: "application", ObjectID: r.ApplicationID,
			Reason: reasonText(d.Reasons),
			Change: map[string]any{"outcome": d.Outcome, "score": d.Score, "risk_level": d.RiskLevel, "reasons": reasonCodes(d.Reasons), "steps": stepSummary(a.steps),
				"bureau_report_id": a.reportID, "product_code": r.ProductCode, "amount_tiyn": r.Amount.Tiyn(), "decided_by": d.DecidedBy},
		}); err != nil {
			return err
		}
		if s.onDecided != nil {
			if err := s.onDecided(ctx, tx, d); err != nil {
				return fmt.Errorf("underwriting: on decided: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return Decision{}, err
	}
	return d, nil
}

func alreadyAssessed() error {
	return fault.New(fault.ErrConflict, "already_assessed", "This application has already been assessed.")
}

func validateRequest(r Request) error {
	switch {
	case r.ApplicationID == "":
		return fault.Field("application_id", "is required")
	case r.Person.ClientID == "":
		return fault.Field("person.client_id", "is required")
	case r.Person.Kind != "individual" && r.Person.Kind != "entrepreneur" && r.Person.Kind != "legal_entity":
		return fault.Field("person.kind", "must be individual, entrepreneur or legal_entity")
	case r.Person.IIN.IsZero():
		return fault.Field("person.iin", "is required")
	case r.Amount <= 0:
		return fault.Field("amount", "must be positive")
	case r.MonthlyPayment <= 0:
		return fault.Field("monthly_payment", "must be positive")
	case r.MonthlyIncome < 0:
		return fault.Field("monthly_income", "must not be negative")
	case r.ProductCode == "":
		return fault.Field("product_code", "is required")
	}
	return nil
}

func reasonCodes(rs []Reason) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}

func reasonText(rs []Reason) string {
	s := ""
	for i, r := range rs {
		if i > 0 {
			s += " "
		}
		s += r.Text
	}
	return s
}

func stepSummary(steps []Step) []map[string]any {
	out := make([]map[string]any, 0, len(steps))
	for _, st := range steps {
		out = append(out, map[string]any{"name": st.Name, "passed": st.Passed})
	}
	return out
}
