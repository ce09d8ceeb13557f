// Package audit keeps Nesie's audit trail (R32, R11): every state change writes an event in
// the same database transaction as the change; a sealer links the events into a SHA-256 hash
// chain and periodically signs the chain head with an Ed25519 key the database does not hold,
// writing each signed checkpoint both to the database and to an append-only file outside it.
// Verify recomputes everything and names the first event that does not fit.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"

	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
)

// Event is what a caller says about a change. Who acted, on which request and from which
// address come from the context (package reqctx); when comes from the transaction.
type Event struct {
	// Action names what happened, as object.verb: "organization.created", "login.refused".
	Action string
	// ObjectType and ObjectID name what it happened to.
	ObjectType string
	ObjectID   string
	// Reason is why, in words, when there is one (a refusal's cause, a staff member's note).
	Reason string
	// Change describes the change (before/after, the fields set); it is stored as JSON and
	// its SHA-256 digest enters the chain. It must not hold secrets.
	Change any
}

// Trail records events. One Trail serves the whole process; it wakes the sealer after each
// commit so events are chained within milliseconds.
type Trail struct {
	db   *store.DB
	wake func()
}

// NewTrail returns a Trail writing to db. wake, when not nil, is called after every commit
// that recorded events (Sealer.Wake).
func NewTrail(db *store.DB, wake func()) *Trail {
	if wake == nil {
		wake = func() {}
	}
	return &Trail{db: db, wake: wake}
}

// ErrInvalid marks an event that cannot be recorded; the transaction it belongs to must fail.
var ErrInvalid = errors.New("audit: invalid event")

// details is the stored form of Reason and Change.
type details struct {
	Reason string `json:"reason,omitempty"`
	Change any    `json:"change,omitempty"`
}

// Record writes ev inside tx. If tx rolls back the event goes with it; if the event cannot be
// written the caller must abandon the transaction, so no change is ever left unaudited.
func (t *Trail) Record(ctx context.Context, tx *store.Tx, ev Event) error {
	if ev.Action == "" {
		return fmt.Errorf("%w: action is empty", ErrInvalid)
	}
	body, err := json.Marshal(details{Reason: ev.Reason, Change: ev.Change})
	if err != nil {
		return fmt.Errorf("%w: change of %s: %v", ErrInvalid, ev.Action, err)
	}
	digest := sha256.Sum256(body)
	info := reqctx.From(ctx)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_pending
		(occurred_at, actor_kind, actor_id, action, object_type, object_id, request_id, ip, details, change_digest)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		tx.Now().UnixMicro(), string(info.Actor.Kind), info.Actor.ID, ev.Action, ev.ObjectType, ev.ObjectID,
		info.RequestID, info.IP, string(body), digest[:])
	if err != nil {
		return fmt.Errorf("audit %s: %w", ev.Action, err)
	}
	tx.AfterCommit(t.wake)
	return nil
}

// Refused records, in a transaction of its own, an operation that was refused — a failed
// login, a request rejected as invalid or forbidden. The refused operation's own transaction
// rolled back, taking anything it wrote with it, so the refusal needs its own.
func (t *Trail) Refused(ctx context.Context, ev Event, cause error) error {
	if ev.Reason == "" && cause != nil {
		ev.Reason = cause.Error()
	}
	return t.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		return t.Record(ctx, tx, ev)
	})
}

// Do runs fn in a transaction and, should fn refuse the operation (return an error for which
// refused reports true), records ev with the refusal's reason in a separate transaction. fn
// records its own success events through Record.
func (t *Trail) Do(ctx context.Context, ev Event, refused func(error) bool, fn func(ctx context.Context, tx *store.Tx) error) error {
	err := t.db.Transact(ctx, fn)
	if err != nil && refused != nil && refused(err) {
		if aerr := t.Refused(ctx, ev, err); aerr != nil {
			return errors.Join(err, aerr)
		}
	}
	return err
}
