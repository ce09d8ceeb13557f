package underwriting

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/store"
)

// QueueItem is an application waiting for staff review.
type QueueItem struct {
	ApplicationID string
	ClientID      string
	ProductCode   string
	Amount        money.Amount
	Score         int
	RiskLevel     RiskLevel // the customer's AML/CFT risk level; empty if decided before it was kept
	Reasons       []Reason  // why it is in review
	Since         time.Time
	Approvals     int // approvals given so far
	Needed        int // approvals needed: 2 above Config.FourEyesAbove, else 1
}

// Queue returns the applications waiting for review, oldest first.
func (s *Service) Queue(ctx context.Context, tx *store.Tx) ([]QueueItem, error) {
	rows, err := tx.QueryContext(ctx, `SELECT application_id FROM underwriting_decision
		WHERE outcome = 'review' ORDER BY assessed_at, application_id`)
	if err != nil {
		return nil, fmt.Errorf("underwriting: queue: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("underwriting: queue: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("underwriting: queue: %w", err)
	}
	out := make([]QueueItem, 0, len(ids))
	for _, id := range ids {
		row, err := loadDecisionRow(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		votes, err := loadVotes(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, QueueItem{ApplicationID: id, ClientID: row.clientID, ProductCode: row.productCode, Amount: row.amount,
			Score: row.score, RiskLevel: row.riskLevel, Reasons: row.reasons, Since: row.assessedAt, Approvals: len(votes), Needed: s.approvalsNeeded(row.amount)})
	}
	return out, nil
}

func (s *Service) approvalsNeeded(amount money.Amount) int {
	if amount > s.cfg.FourEyesAbove {
		return 2
	}
	return 1
}

// vote is an underwriting_vote row.
type vote struct {
	staffID string
	approve bool
}

// loadVotes returns the votes on an application in the order cast. Only approvals can be
// there while it is in review: a refusal vote ends the review at once.
func loadVotes(ctx context.Context, tx *store.Tx, applicationID string) ([]vote, error) {
	rows, err := tx.QueryContext(ctx, `SELECT staff_id, approve FROM underwriting_vote WHERE application_id = $1 ORDER BY at, staff_id`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("underwriting: votes: %w", err)
	}
	defer rows.Close()
	var out []vote
	for rows.Next() {
		var v vote
		var approve int
		if err := rows.Scan(&v.staffID, &approve); err != nil {
			return nil, fmt.Errorf("underwriting: votes: %w", err)
		}
		v.approve = approve == 1
		out = append(out, v)
	}
	return out, rows.Err()
}

// Review records one staff member's vote on an application in review and returns the
// decision in force after it. A refusal vote refuses at once. An approval decides when the
// amount is at or below Config.FourEyesAbove; above it, two approvals by different staff are
// needed, and a second vote by the same person is fault.ErrForbidden ("four_eyes_required").
// The final decision calls the hook in the same transaction.
func (s *Service) Review(ctx context.Context, applicationID, staffID string, approve bool, reason string) (Decision, error) {
	switch {
	case applicationID == "":
		return Decision{}, fault.Field("application_id", "is required")
	case staffID == "":
		return Decision{}, fault.Field("staff_id", "is required")
	case !approve && strings.TrimSpace(reason) == "":
		return Decision{}, fault.Field("reason", "is required to refuse")
	}
	ev := audit.Event{Action: "underwriting.review_vote", ObjectType: "application", ObjectID: applicationID, Reason: reason,
		Change: map[string]any{"staff_id": staffID, "approve": approve}}
	var d Decision
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		row, err := loadDecisionRow(ctx, tx, applicationID)
		if err != nil {
			return err
		}
		if row.outcome != Review {
			return fault.New(fault.ErrConflict, "not_in_review", "This application is not waiting for review.")
		}
		votes, err := loadVotes(ctx, tx, applicationID)
		if err != nil {
			return err
		}
		for _, v := range votes {
			if v.staffID == staffID {
				return fourEyes()
			}
		}
		now := tx.Now().UTC().Truncate(time.Microsecond)
		if _, err := tx.ExecContext(ctx, `INSERT INTO underwriting_vote (application_id, staff_id, approve, reason, at) VALUES ($1, $2, $3, $4, $5)`,
			applicationID, staffID, boolInt(approve), reason, now.UnixMicro()); err != nil {
			if store.IsUniqueViolation(err) {
				return fourEyes()
			}
			return fmt.Errorf("underwriting: record vote: %w", err)
		}
		if err := s.trail.Record(ctx, tx, ev); err != nil {
			return err
		}
		var voters []string
		for _, v := range votes {
			voters = append(voters, v.staffID)
		}
		voters = append(voters, staffID)
		d = row.decision()
		switch {
		case !approve:
			d.Outcome = Refused
			d.Reasons = append(d.Reasons, Reason{Code: "staff_refused", Law: LawInternal, Text: reason})
		case len(votes)+1 >= s.approvalsNeeded(row.amount):
			d.Outcome, d.Reasons = Approved, nil
		default:
			d.Steps, err = s.Steps(ctx, tx, applicationID)
			return err // one approval of two given: still in review
		}
		d.DecidedBy, d.At = strings.Join(voters, ","), now
		return s.finish(ctx, tx, &d)
	})
	if err != nil {
		var k *fault.Kinded
		if errors.As(err, &k) && k.Code == "four_eyes_required" {
			s.trail.Refused(ctx, ev, err)
		}
		return Decision{}, err
	}
	return d, nil
}

// finish records the final decision of a review, guarded so that two racing votes cannot
// both decide.
func (s *Service) finish(ctx context.Context, tx *store.Tx, d *Decision) error {
	reasons, err := jsonReasons(d.Reasons)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE underwriting_decision SET outcome = $1, reasons = $2, decided_by = $3, decided_at = $4
		WHERE application_id = $5 AND outcome = 'review'`, string(d.Outcome), reasons, d.DecidedBy, d.At.UnixMicro(), d.ApplicationID)
	if err != nil {
		return fmt.Errorf("underwriting: decide review: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fault.New(fault.ErrConflict, "not_in_review", "This application is not waiting for review.")
	}
	if err := s.trail.Record(ctx, tx, audit.Event{Action: "underwriting.decided", ObjectType: "application", ObjectID: d.ApplicationID,
		Reason: reasonText(d.Reasons), Change: map[string]any{"outcome": d.Outcome, "risk_level": riskOrNil(d.RiskLevel), "reasons": reasonCodes(d.Reasons),
			"decided_by": d.DecidedBy, "after": "review"}}); err != nil {
		return err
	}
	if d.Steps, err = s.Steps(ctx, tx, d.ApplicationID); err != nil {
		return err
	}
	if s.onDecided != nil {
		if err := s.onDecided(ctx, tx, *d); err != nil {
			return fmt.Errorf("underwriting: on decided: %w", err)
		}
	}
	return nil
}

// riskOrNil is the level for the audit trail: null, not "", for a decision recorded before
// the level was kept.
func riskOrNil(l RiskLevel) any {
	if l == "" {
		return nil
	}
	return l
}

func fourEyes() error {
	return fault.New(fault.ErrForbidden, "four_eyes_required", "Another member of staff must give the second approval.")
}
