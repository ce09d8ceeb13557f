// Package notify delivers messages to clients through an outbox: a message is written in the
// same database transaction as the event it reports (R25.9: a login, a password change or
// recovery, a change of the registered phone), so it exists exactly when the event committed;
// a Worker then sends it through the channel's gateway, retrying with exponential backoff and
// giving up after a bounded number of attempts (dead letter, audited). Several nodes may run
// workers: on PostgreSQL they claim messages with FOR UPDATE SKIP LOCKED, and every message
// carries an idempotency key the gateway deduplicates on, so a message is sent once.
package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// Channel is how a message travels.
type Channel string

// The channels. Push and e-mail have no provider yet; their messages fail with
// ErrNoProvider (and end dead-lettered) rather than pretending to be delivered.
const (
	SMS   Channel = "sms"
	Push  Channel = "push"
	Email Channel = "email"
)

// Status is where a message is in its life.
type Status string

// The statuses: pending until sent or given up on.
const (
	Pending Status = "pending"
	Sent    Status = "sent"
	Dead    Status = "dead"
)

// Message is a message to enqueue.
type Message struct {
	Channel Channel
	// ClientID is whom the message concerns ("" for a message to no client).
	ClientID string
	// Recipient is the address in the channel's terms: an E.164 phone for SMS.
	Recipient string
	// Kind names the template, e.g. "security.login".
	Kind string
	// TextRU and TextKK are the rendered text in Russian and Kazakh. Both are sent: the
	// client's language is not known at every event, and a security notice must be
	// understood.
	TextRU, TextKK string
	// IdempotencyKey makes Enqueue idempotent and is passed to the gateway; a random one is
	// made when empty.
	IdempotencyKey string
}

// Stored is a message as the outbox holds it.
type Stored struct {
	Message
	ID            string
	Status        Status
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time // zero until sent
}

// Enqueue writes m into the outbox inside tx, due at once, and returns its id. A message
// whose idempotency key is already in the outbox is not written again; the existing one's id
// is returned.
func Enqueue(ctx context.Context, tx *store.Tx, m Message) (string, error) {
	switch {
	case m.Channel != SMS && m.Channel != Push && m.Channel != Email:
		return "", fault.Field("channel", "must be sms, push or email, not %q", m.Channel)
	case m.Recipient == "":
		return "", fault.Field("recipient", "is empty")
	case m.Kind == "":
		return "", fault.Field("kind", "is empty")
	case m.TextRU == "" && m.TextKK == "":
		return "", fault.Field("text", "is empty")
	}
	if m.IdempotencyKey == "" {
		m.IdempotencyKey = newID()
	}
	id := newID()
	now := tx.Now().UnixMicro()
	// ON CONFLICT DO NOTHING rather than catching the unique violation: on PostgreSQL a
	// failed statement would abort the caller's whole transaction.
	const q = `INSERT INTO notify_outbox (id, channel, client_id, recipient, kind, text_ru, text_kk,
		status, attempts, next_attempt_at, idempotency_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, $9, $8)
		ON CONFLICT (idempotency_key) DO NOTHING`
	res, err := tx.ExecContext(ctx, q, id, string(m.Channel), m.ClientID, m.Recipient, m.Kind, m.TextRU, m.TextKK, now, m.IdempotencyKey)
	if err != nil {
		return "", fmt.Errorf("notify: enqueue %s: %w", m.Kind, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		if err := tx.QueryRowContext(ctx, `SELECT id FROM notify_outbox WHERE idempotency_key = $1`, m.IdempotencyKey).Scan(&id); err != nil {
			return "", fmt.Errorf("notify: enqueue %s: find existing: %w", m.Kind, err)
		}
	}
	return id, nil
}

// Find returns the message with id, fault.ErrNotFound when there is none.
func Find(ctx context.Context, tx *store.Tx, id string) (Stored, error) {
	rows, err := tx.QueryContext(ctx, selectStored+` WHERE id = $1`, id)
	if err != nil {
		return Stored{}, fmt.Errorf("notify: find %s: %w", id, err)
	}
	got, err := scanStored(rows)
	if err != nil {
		return Stored{}, fmt.Errorf("notify: find %s: %w", id, err)
	}
	if len(got) == 0 {
		return Stored{}, fault.New(fault.ErrNotFound, "notification_not_found", "No such notification.")
	}
	return got[0], nil
}

// ForClient returns the messages concerning clientID, oldest first.
func ForClient(ctx context.Context, tx *store.Tx, clientID string) ([]Stored, error) {
	rows, err := tx.QueryContext(ctx, selectStored+` WHERE client_id = $1 ORDER BY created_at, id`, clientID)
	if err != nil {
		return nil, fmt.Errorf("notify: messages of client: %w", err)
	}
	got, err := scanStored(rows)
	if err != nil {
		return nil, fmt.Errorf("notify: messages of client: %w", err)
	}
	return got, nil
}

const selectStored = `SELECT id, channel, client_id, recipient, kind, text_ru, text_kk, status, attempts,
	next_attempt_at, last_error, idempotency_key, created_at, sent_at FROM notify_outbox`

type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

func scanStored(rows rowScanner) ([]Stored, error) {
	defer rows.Close()
	var out []Stored
	for rows.Next() {
		var s Stored
		var channel, status string
		var next, created int64
		var sent *int64
		if err := rows.Scan(&s.ID, &channel, &s.ClientID, &s.Recipient, &s.Kind, &s.TextRU, &s.TextKK, &status,
			&s.Attempts, &next, &s.LastError, &s.IdempotencyKey, &created, &sent); err != nil {
			return nil, err
		}
		s.Channel, s.Status = Channel(channel), Status(status)
		s.NextAttemptAt, s.CreatedAt = time.UnixMicro(next).UTC(), time.UnixMicro(created).UTC()
		if sent != nil {
			s.SentAt = time.UnixMicro(*sent).UTC()
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
