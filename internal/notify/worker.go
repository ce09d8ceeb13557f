package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
)

// WorkerConfig tunes delivery. Zero fields take the defaults shown.
type WorkerConfig struct {
	// MaxAttempts is how many times a message is tried before it is dead-lettered (5).
	MaxAttempts int
	// BaseBackoff is the wait after the first failure; each further failure doubles it (30s).
	BaseBackoff time.Duration
	// MaxBackoff caps the wait (1h).
	MaxBackoff time.Duration
	// Lease is how long a claimed message is kept from other workers while it is being sent;
	// a worker that dies mid-send lets the message be retried after it (2m). It must exceed
	// the senders' timeouts.
	Lease time.Duration
	// Batch is how many messages one round claims (50).
	Batch int
	// Logger receives delivery failures (slog.Default when nil).
	Logger *slog.Logger
}

func (c WorkerConfig) withDefaults() WorkerConfig {
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 5
	}
	if c.BaseBackoff <= 0 {
		c.BaseBackoff = 30 * time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = time.Hour
	}
	if c.Lease <= 0 {
		c.Lease = 2 * time.Minute
	}
	if c.Batch <= 0 {
		c.Batch = 50
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Worker delivers the outbox. Time — what is due, the backoff — comes from the database's
// clock, so tests move it forward instead of waiting.
type Worker struct {
	db      *store.DB
	trail   *audit.Trail
	senders Senders
	cfg     WorkerConfig
	wake    chan struct{}
}

// NewWorker returns a worker delivering db's outbox through senders, recording dead letters
// in trail.
func NewWorker(db *store.DB, trail *audit.Trail, senders Senders, cfg WorkerConfig) *Worker {
	return &Worker{db: db, trail: trail, senders: senders, cfg: cfg.withDefaults(), wake: make(chan struct{}, 1)}
}

// Backoff is the wait after the attempt-th failed attempt: BaseBackoff doubled per earlier
// failure, capped at MaxBackoff.
func (w *Worker) Backoff(attempt int) time.Duration {
	d := w.cfg.BaseBackoff
	for i := 1; i < attempt && d < w.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, w.cfg.MaxBackoff)
}

// Wake asks a running worker to look at the outbox now (give it to tx.AfterCommit after
// enqueueing, so notices go out at once rather than at the next poll).
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, looking at the outbox every poll and whenever woken.
func (w *Worker) Run(ctx context.Context, poll time.Duration) error {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.cfg.Logger.ErrorContext(ctx, "notify: delivery round failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		case <-w.wake:
		}
	}
}

// Round counts what one round did.
type Round struct {
	Sent, Failed, Dead int
}

// RunOnce claims the messages due now, tries each once and records the outcome.
func (w *Worker) RunOnce(ctx context.Context) (Round, error) {
	ctx = reqctx.WithActor(ctx, reqctx.SystemActor("notify.worker"))
	var round Round
	claimed, err := w.claim(ctx)
	if err != nil {
		return round, err
	}
	for _, m := range claimed {
		sender := w.senders.of(m.Channel)
		var sendErr error
		if sender == nil {
			sendErr = fmt.Errorf("%s: %w", m.Channel, ErrNoProvider)
		} else {
			sendErr = sender.Deliver(ctx, m)
		}
		dead, err := w.record(ctx, m, sendErr)
		if err != nil {
			return round, err
		}
		switch {
		case sendErr == nil:
			round.Sent++
		case dead:
			round.Dead++
		default:
			round.Failed++
		}
		if sendErr != nil {
			w.cfg.Logger.WarnContext(ctx, "notify: delivery failed", "message", m.ID, "channel", m.Channel,
				"attempt", m.Attempts, "dead", dead, "err", sendErr)
		}
	}
	return round, nil
}

// claim takes up to Batch due messages: it counts the attempt and pushes their next attempt
// a lease ahead, so that no other worker takes them while they are being sent. On PostgreSQL
// FOR UPDATE SKIP LOCKED lets workers on several nodes claim disjoint messages without
// waiting for each other (READ COMMITTED, so a row another worker just claimed is re-read and
// no longer due); SQLite has one writer at a time. The conditional UPDATE is a second guard:
// it claims only a message still due and still at the attempt count read.
func (w *Worker) claim(ctx context.Context) ([]Stored, error) {
	var claimed []Stored
	err := w.db.TransactWith(ctx, store.TxOptions{ReadCommitted: true}, func(ctx context.Context, tx *store.Tx) error {
		claimed = claimed[:0]
		now := tx.Now()
		q := selectStored + ` WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2`
		if tx.Engine() == store.Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := tx.QueryContext(ctx, q, now.UnixMicro(), w.cfg.Batch)
		if err != nil {
			return err
		}
		due, err := scanStored(rows)
		if err != nil {
			return err
		}
		leaseEnd := now.Add(w.cfg.Lease)
		for _, m := range due {
			res, err := tx.ExecContext(ctx, `UPDATE notify_outbox SET attempts = attempts + 1, next_attempt_at = $1
				WHERE id = $2 AND status = 'pending' AND attempts = $3 AND next_attempt_at <= $4`,
				leaseEnd.UnixMicro(), m.ID, m.Attempts, now.UnixMicro())
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				continue
			}
			m.Attempts++
			m.NextAttemptAt = leaseEnd
			claimed = append(claimed, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("notify: claim: %w", err)
	}
	return claimed, nil
}

// record writes the outcome of attempt m.Attempts of m: sent; failed, due again after the
// backoff; or, at the last attempt, dead and audited. It reports whether m died. A message
// whose claim another worker took over (the lease ran out) is left to that worker.
func (w *Worker) record(ctx context.Context, m Stored, sendErr error) (dead bool, err error) {
	err = w.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		now := tx.Now().UnixMicro()
		guard := ` WHERE id = $1 AND status = 'pending' AND attempts = $2`
		if sendErr == nil {
			dead = false
			_, err := tx.ExecContext(ctx, `UPDATE notify_outbox SET status = 'sent', sent_at = $3, last_error = ''`+guard, m.ID, m.Attempts, now)
			return err
		}
		reason := sendErr.Error()
		if len(reason) > 500 {
			reason = reason[:500]
		}
		if m.Attempts < w.cfg.MaxAttempts {
			dead = false
			next := tx.Now().Add(w.Backoff(m.Attempts)).UnixMicro()
			_, err := tx.ExecContext(ctx, `UPDATE notify_outbox SET next_attempt_at = $3, last_error = $4`+guard, m.ID, m.Attempts, next, reason)
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE notify_outbox SET status = 'dead', last_error = $3`+guard, m.ID, m.Attempts, reason)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n != 1 {
			dead = false
			return err
		}
		dead = true
		return w.trail.Record(ctx, tx, audit.Event{
			Action: "notification.dead_lettered", ObjectType: "notification", ObjectID: m.ID,
			Reason: reason,
			Change: map[string]any{"channel": m.Channel, "kind": m.Kind, "client_id": m.ClientID, "attempts": m.Attempts},
		})
	})
	if err != nil {
		return false, fmt.Errorf("notify: record attempt %d of %s: %w", m.Attempts, m.ID, err)
	}
	return dead, nil
}
