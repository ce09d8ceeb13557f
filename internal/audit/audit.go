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
	"strings"

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
	group
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
// written the transaction fails, so no change is ever left unaudited. The events of one
// transaction are written together just before it commits, in the order recorded: one
// statement instead of one an event.
func (t *Trail) Record(ctx context.Context, tx *store.Tx, ev Event) error {
	p, err := newPending(ctx, ev)
	if err != nil {
		return err
	}
	p.OccurredAt = tx.Now().UnixMicro()
	batch, _ := tx.Value(t).(*txEvents)
	if batch == nil {
		batch = &txEvents{}
		tx.SetValue(t, batch)
		tx.BeforeCommit(func(ctx context.Context, tx *store.Tx) error {
			for start := 0; start < len(batch.rows); start += maxGroup {
				// Nothing in the transaction reads the events back: they go out with its COMMIT.
				q, args := pendingInsert(batch.rows[start:min(start+maxGroup, len(batch.rows))])
				if err := tx.ExecAtCommit(ctx, q, args...); err != nil {
					return fmt.Errorf("audit %s: %w", batch.rows[start].Action, err)
				}
			}
			return nil
		})
		tx.AfterCommit(t.wake)
	}
	batch.rows = append(batch.rows, p)
	return nil
}

// txEvents are the events a transaction has recorded so far.
type txEvents struct{ rows []row }

// newPending builds the inbox row of ev: who and on which request from ctx, the details as
// JSON and their digest. The time is the recording transaction's.
func newPending(ctx context.Context, ev Event) (row, error) {
	if ev.Action == "" {
		return row{}, fmt.Errorf("%w: action is empty", ErrInvalid)
	}
	body, err := json.Marshal(details{Reason: ev.Reason, Change: ev.Change})
	if err != nil {
		return row{}, fmt.Errorf("%w: change of %s: %v", ErrInvalid, ev.Action, err)
	}
	digest := sha256.Sum256(body)
	info := reqctx.From(ctx)
	return row{
		ActorKind: string(info.Actor.Kind), ActorID: info.Actor.ID, Action: ev.Action,
		ObjectType: ev.ObjectType, ObjectID: ev.ObjectID, RequestID: info.RequestID, IP: info.IP,
		Details: string(body), ChangeDigest: digest[:],
	}, nil
}

// pendingInsert is the statement that adds rows to the inbox, one multi-row INSERT (a group
// is at most maxGroup rows, well inside either engine's limit on parameters).
func pendingInsert(rs []row) (string, []any) {
	const insert = `INSERT INTO audit_pending
		(occurred_at, actor_kind, actor_id, action, object_type, object_id, request_id, ip, details, change_digest) `
	var q strings.Builder
	q.WriteString(insert + "VALUES ")
	args := make([]any, 0, 10*len(rs))
	for i, r := range rs {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", 10*i+1, 10*i+2, 10*i+3, 10*i+4, 10*i+5, 10*i+6, 10*i+7, 10*i+8, 10*i+9, 10*i+10)
		args = append(args, r.OccurredAt, r.ActorKind, r.ActorID, r.Action, r.ObjectType, r.ObjectID, r.RequestID, r.IP, r.Details, r.ChangeDigest)
	}
	return q.String(), args
}

// Refused records an operation that was refused — a failed login, a request rejected as
// invalid or forbidden — with Append. The refused operation's own transaction rolled back,
// taking anything it wrote with it, so the refusal needs a transaction of its own.
func (t *Trail) Refused(ctx context.Context, ev Event, cause error) error {
	if ev.Reason == "" && cause != nil {
		ev.Reason = cause.Error()
	}
	return t.Append(ctx, ev)
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
