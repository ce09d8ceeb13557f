package client

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
)

var errFreshVerification = fault.New(fault.ErrForbidden, "fresh_verification_required",
	"Your personal data may have leaked: confirm your identity with biometrics and your phone number first.")

// RequiresFreshVerification reports whether c's personal data leaked and the fresh checks of
// R36 (biometrics, phone ownership) are not yet recorded: until they are, sensitive
// operations are refused.
func RequiresFreshVerification(c Client) bool { return !c.CompromisedAt.IsZero() }

// callReasonLeak is the reason of the call task a leak raises.
const callReasonLeak = "personal_data_leak"

// staffActor returns the staff member acting, or refuses anyone else.
func staffActor(ctx context.Context) (reqctx.Actor, error) {
	a := reqctx.From(ctx).Actor
	if a.Kind != reqctx.Staff || a.ID == "" {
		return reqctx.Actor{}, fault.New(fault.ErrForbidden, "staff_only", "Only staff can do this.")
	}
	return a, nil
}

// MarkCompromised records that staff learned the client's personal data leaked (R36): the
// client must pass fresh checks before any sensitive operation, and a call task is opened. The
// acting staff member comes from ctx (reqctx); anyone else is refused. It returns the call
// task's id.
func (s *Service) MarkCompromised(ctx context.Context, tx *store.Tx, clientID, reason string) (string, error) {
	staff, err := staffActor(ctx)
	if err != nil {
		return "", err
	}
	if reason == "" {
		return "", fault.Field("reason", "is required: say how the leak became known")
	}
	c, err := s.Find(ctx, tx, clientID)
	if err != nil {
		return "", err
	}
	if c.Status == Rejected {
		return "", fault.New(fault.ErrConflict, "client_rejected", "The registration was rejected; there is no client to protect.")
	}
	now := tx.Now().UnixMicro()
	// A second report of a leak moves the mark forward: checks made before it are stale.
	if _, err := tx.ExecContext(ctx, `UPDATE client SET compromised_at = $1 WHERE id = $2`, now, clientID); err != nil {
		return "", fmt.Errorf("mark compromised: %w", err)
	}
	taskID := newID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO call_task (id, client_id, reason, status, created_at, created_by)
		VALUES ($1, $2, $3, 'open', $4, $5)`, taskID, clientID, callReasonLeak, now, staff.ID); err != nil {
		return "", fmt.Errorf("open call task: %w", err)
	}
	return taskID, s.trail.Record(ctx, tx, audit.Event{Action: "client.marked_compromised", ObjectType: "client", ObjectID: clientID,
		Reason: reason, Change: map[string]any{"call_task_id": taskID, "already_marked": !c.CompromisedAt.IsZero()}})
}

// FreshVerificationProof is what clears a leak mark (R36.1, R36.2): a biometric check and a
// check with the mobile operator or the e-government phone registry that the phone belongs to
// the client's IIN, both made after the mark.
type FreshVerificationProof struct {
	BiometricCheckID      string
	BiometricCheckedAt    time.Time
	PhoneOwnershipCheckID string
	PhoneCheckedAt        time.Time
}

// ClearCompromise records the fresh checks and lifts the mark. Checks older than the mark
// are refused: they prove nothing about who holds the leaked data now.
func (s *Service) ClearCompromise(ctx context.Context, tx *store.Tx, clientID string, proof FreshVerificationProof) (Client, error) {
	c, err := s.Find(ctx, tx, clientID)
	if err != nil {
		return Client{}, err
	}
	if !RequiresFreshVerification(c) {
		return Client{}, fault.New(fault.ErrConflict, "not_compromised", "The client is not marked as compromised.")
	}
	if proof.BiometricCheckID == "" || proof.BiometricCheckedAt.Before(c.CompromisedAt) {
		return Client{}, fault.Field("biometric_check_id", "a biometric check made after the leak was reported is required")
	}
	if proof.PhoneOwnershipCheckID == "" || proof.PhoneCheckedAt.Before(c.CompromisedAt) {
		return Client{}, fault.Field("phone_ownership_check_id", "a phone-ownership check made after the leak was reported is required")
	}
	res, err := tx.ExecContext(ctx, `UPDATE client SET compromised_at = NULL WHERE id = $1 AND compromised_at = $2`,
		clientID, c.CompromisedAt.UnixMicro())
	if err != nil {
		return Client{}, fmt.Errorf("clear compromise: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return Client{}, fault.New(fault.ErrConflict, "compromise_changed", "The leak mark changed meanwhile; check again.")
	}
	if err := s.trail.Record(ctx, tx, audit.Event{Action: "client.compromise_cleared", ObjectType: "client", ObjectID: clientID,
		Change: map[string]any{"biometric_check_id": proof.BiometricCheckID, "phone_ownership_check_id": proof.PhoneOwnershipCheckID}}); err != nil {
		return Client{}, err
	}
	return s.Find(ctx, tx, clientID)
}

// CallOutcome is how a call went.
type CallOutcome string

// The call outcomes.
const (
	Reached     CallOutcome = "reached"
	NotReached  CallOutcome = "not_reached"
	WrongNumber CallOutcome = "wrong_number"
)

// CallTask is a call staff owe a client (R36.3).
type CallTask struct {
	ID          string
	ClientID    string
	Reason      string
	Open        bool
	CreatedAt   time.Time
	CreatedBy   string
	CompletedAt time.Time
	CompletedBy string
	Outcome     CallOutcome
	// RefusalRecommended records whether the client was advised to set the voluntary refusal
	// of credits.
	RefusalRecommended bool
}

// CompleteCallTask records the outcome of a call by the staff member in ctx. A task is
// completed once.
func (s *Service) CompleteCallTask(ctx context.Context, tx *store.Tx, taskID string, outcome CallOutcome, refusalRecommended bool) (CallTask, error) {
	staff, err := staffActor(ctx)
	if err != nil {
		return CallTask{}, err
	}
	if outcome != Reached && outcome != NotReached && outcome != WrongNumber {
		return CallTask{}, fault.Field("outcome", "must be reached, not_reached or wrong_number")
	}
	if outcome != Reached && refusalRecommended {
		return CallTask{}, fault.Field("refusal_recommended", "a recommendation needs a call that reached the client")
	}
	t, err := s.CallTask(ctx, tx, taskID)
	if err != nil {
		return CallTask{}, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE call_task SET status = 'done', completed_at = $1, completed_by = $2,
		outcome = $3, refusal_recommended = $4 WHERE id = $5 AND status = 'open'`,
		tx.Now().UnixMicro(), staff.ID, string(outcome), boolInt(refusalRecommended), taskID)
	if err != nil {
		return CallTask{}, fmt.Errorf("complete call task: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return CallTask{}, fault.New(fault.ErrConflict, "call_task_done", "This call task is already completed.")
	}
	if err := s.trail.Record(ctx, tx, audit.Event{Action: "client.call_task_completed", ObjectType: "client", ObjectID: t.ClientID,
		Change: map[string]any{"call_task_id": taskID, "outcome": outcome, "refusal_recommended": refusalRecommended}}); err != nil {
		return CallTask{}, err
	}
	return s.CallTask(ctx, tx, taskID)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const selectCallTask = `SELECT id, client_id, reason, status, created_at, created_by, completed_at, completed_by,
	outcome, refusal_recommended FROM call_task `

// CallTask returns one call task.
func (s *Service) CallTask(ctx context.Context, tx *store.Tx, id string) (CallTask, error) {
	rows, err := tx.QueryContext(ctx, selectCallTask+`WHERE id = $1`, id)
	if err != nil {
		return CallTask{}, fmt.Errorf("read call task: %w", err)
	}
	tasks, err := scanCallTasks(rows)
	if err != nil {
		return CallTask{}, err
	}
	if len(tasks) == 0 {
		return CallTask{}, fault.New(fault.ErrNotFound, "call_task_not_found", "No such call task.")
	}
	return tasks[0], nil
}

// OpenCallTasks lists the calls not yet made, oldest first, at most limit of them.
func (s *Service) OpenCallTasks(ctx context.Context, tx *store.Tx, limit int) ([]CallTask, error) {
	rows, err := tx.QueryContext(ctx, selectCallTask+`WHERE status = 'open' ORDER BY created_at, id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list call tasks: %w", err)
	}
	return scanCallTasks(rows)
}

func scanCallTasks(rows store.Rows) ([]CallTask, error) {
	defer rows.Close()
	var out []CallTask
	for rows.Next() {
		var t CallTask
		var status string
		var created int64
		var completed, refusal sql.NullInt64
		var by, outcome sql.NullString
		if err := rows.Scan(&t.ID, &t.ClientID, &t.Reason, &status, &created, &t.CreatedBy, &completed, &by, &outcome, &refusal); err != nil {
			return nil, fmt.Errorf("read call task: %w", err)
		}
		t.Open, t.CreatedAt = status == "open", time.UnixMicro(created).UTC()
		if completed.Valid {
			t.CompletedAt = time.UnixMicro(completed.Int64).UTC()
		}
		t.CompletedBy, t.Outcome, t.RefusalRecommended = by.String, CallOutcome(outcome.String), refusal.Int64 == 1
		out = append(out, t)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return out, nil
}
