package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Tx is one business transaction. Every statement of a unit of work, and the audit event
// that records it, goes through the same Tx, so they commit or vanish together.
type Tx struct {
	tx          *sql.Tx
	engine      Engine
	now         time.Time
	afterCommit []func()
	// beforeCommit and values let a package gather what a transaction writes and write it
	// in one statement just before the commit (the audit trail's events).
	beforeCommit []func(ctx context.Context, tx *Tx) error
	values       map[any]any
}

// Now is the instant this transaction happens at: read once from the clock when it began, so
// that every row it writes carries the same time (microsecond precision, the finest both
// engines keep).
func (tx *Tx) Now() time.Time { return tx.now }

// Engine tells which engine the transaction runs on, for the few statements whose SQL differs.
func (tx *Tx) Engine() Engine { return tx.engine }

// ExecContext runs a statement that returns no rows.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query expected to return at most one row.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, query, args...)
}

// BeforeCommit registers fn to run just before the transaction commits, in the order
// registered; an error rolls the transaction back and is the transaction's error.
func (tx *Tx) BeforeCommit(fn func(ctx context.Context, tx *Tx) error) {
	tx.beforeCommit = append(tx.beforeCommit, fn)
}

// Value returns what SetValue kept under key in this transaction, or nil.
func (tx *Tx) Value(key any) any { return tx.values[key] }

// SetValue keeps v under key for the rest of this transaction (its attempt: a retried
// transaction starts empty).
func (tx *Tx) SetValue(key, v any) {
	if tx.values == nil {
		tx.values = map[any]any{}
	}
	tx.values[key] = v
}

// AfterCommit registers fn to run once the transaction has committed (never on rollback or
// before a retry); used to wake workers that act on what the transaction wrote.
func (tx *Tx) AfterCommit(fn func()) { tx.afterCommit = append(tx.afterCommit, fn) }

// ExecContext runs one statement in a transaction of its own (the database's autocommit): one
// round trip instead of three, for appends that read nothing and need no retry.
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := db.write.ExecContext(ctx, query, args...)
	if err == nil {
		db.writes.Add(1)
	}
	return res, err
}

// Now is the clock's instant at the precision transactions use.
func (db *DB) Now() time.Time { return db.clock.Now().UTC().Truncate(time.Microsecond) }

// TxOptions tune a transaction.
type TxOptions struct {
	// ReadOnly runs the transaction on the read pool and refuses writes; on PostgreSQL at
	// REPEATABLE READ: one snapshot, without the predicate locks of SERIALIZABLE.
	ReadOnly bool
	// ReadCommitted lowers PostgreSQL's isolation from SERIALIZABLE for work that guards its
	// own consistency with explicit locks (the audit sealer). SQLite is always serializable.
	ReadCommitted bool
}

// maxAttempts bounds the retries of a transaction that lost a serialization race.
const maxAttempts = 8

// Transact runs fn in a serializable transaction and commits it. When the database aborts
// it for a serialization failure or deadlock, fn is run again from the start in a fresh
// transaction (so fn must not have effects outside tx). An error from fn rolls back.
func (db *DB) Transact(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	return db.TransactWith(ctx, TxOptions{}, fn)
}

// Read runs fn in a read-only transaction.
func (db *DB) Read(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	return db.TransactWith(ctx, TxOptions{ReadOnly: true}, fn)
}

// TransactWith is Transact with options.
func (db *DB) TransactWith(ctx context.Context, opts TxOptions, fn func(ctx context.Context, tx *Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.attempt(ctx, opts, fn)
		if err == nil || !IsRetryable(err) || attempt == maxAttempts {
			if err != nil && IsRetryable(err) {
				return fmt.Errorf("transaction gave up after %d attempts: %w", attempt, err)
			}
			return err
		}
		// Jittered exponential backoff so that racing transactions do not collide again in
		// lockstep.
		backoff := time.Duration(1<<min(attempt, 6)) * time.Millisecond
		backoff += time.Duration(rand.Int64N(int64(backoff)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
	}
}

func (db *DB) attempt(ctx context.Context, opts TxOptions, fn func(ctx context.Context, tx *Tx) error) (err error) {
	pool := db.write
	sqlOpts := &sql.TxOptions{}
	if opts.ReadOnly {
		pool = db.read
	}
	if db.engine == Postgres {
		sqlOpts.ReadOnly = opts.ReadOnly
		switch {
		case opts.ReadCommitted:
			sqlOpts.Isolation = sql.LevelReadCommitted
		case opts.ReadOnly:
			// One snapshot for the whole read, without the predicate locks of SERIALIZABLE:
			// a read that writes nothing needs no protection from write skew, and its locks
			// would only make concurrent writers abort.
			sqlOpts.Isolation = sql.LevelRepeatableRead
		default:
			sqlOpts.Isolation = sql.LevelSerializable
		}
	}
	stx, err := pool.BeginTx(ctx, sqlOpts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{tx: stx, engine: db.engine, now: db.Now()}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
	}()
	err = fn(ctx, tx)
	for i := 0; err == nil && i < len(tx.beforeCommit); i++ {
		err = tx.beforeCommit[i](ctx, tx)
	}
	if err != nil {
		if rbErr := stx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if opts.ReadOnly {
		db.reads.Add(1)
	} else {
		db.writes.Add(1)
	}
	for _, f := range tx.afterCommit {
		f()
	}
	return nil
}
