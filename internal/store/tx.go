package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// Tx is one business transaction. Every statement of a unit of work, and the audit event
// that records it, goes through the same Tx, so they commit or vanish together.
type Tx struct {
	// tx runs the statements on SQLite (database/sql); pg on PostgreSQL.
	tx querier
	pg *pgTx
	// each marks a read whose statements run each on its own, outside a transaction
	// (ReadEach); it refuses writes.
	each        bool
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

// querier is what a Tx runs its statements on with database/sql: a transaction, or for
// ReadEach the pool itself.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Result is what a statement that returns no rows tells.
type Result interface {
	RowsAffected() (int64, error)
}

// Rows are a query's rows (as database/sql's): Next, Scan, and Close when done.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Close() error
	Err() error
}

// Row is a query expected to return at most one row; Scan says sql.ErrNoRows for none.
type Row interface {
	Scan(dest ...any) error
}

// errReadEach refuses a write in a read outside a transaction: nothing would undo it.
var errReadEach = errors.New("store: a write in a read outside a transaction (ReadEach)")

// ExecContext runs a statement that returns no rows.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (Result, error) {
	switch {
	case tx.each:
		return nil, errReadEach
	case tx.pg != nil:
		return tx.pg.exec(ctx, query, args)
	}
	return tx.tx.ExecContext(ctx, query, args...)
}

// ExecDeferred runs a statement whose answer the transaction does not need before its next
// statement — an insert, a lock: on PostgreSQL it goes out with that next statement, or with
// the COMMIT, in the same round trip, and its error comes back from there. onError, if not
// nil, tells what a failure means in the caller's words (a key that clashed); nothing can
// make a failure pass. On SQLite the statement runs at once. A write whose success depends on
// how many rows it changed is ExecExpect.
func (tx *Tx) ExecDeferred(ctx context.Context, onError func(error) error, query string, args ...any) error {
	switch {
	case tx.each:
		return errReadEach
	case tx.pg != nil:
		tx.pg.waiting = append(tx.pg.waiting, queued{query: query, args: args, onError: onError})
		return nil
	}
	_, err := tx.tx.ExecContext(ctx, query, args...)
	return explain(err, onError)
}

// explain is err in onError's words, when it has some.
func explain(err error, onError func(error) error) error {
	if err == nil || onError == nil {
		return err
	}
	if m := onError(err); m != nil {
		return m
	}
	return err
}

// ExecExpect is ExecDeferred for a write that must change exactly want rows — a guarded
// UPDATE whose guard is the check that nothing moved meanwhile. When it changes another
// number the transaction fails with mismatch. query is an INSERT, UPDATE or DELETE without
// RETURNING. On PostgreSQL the count is checked in the server (expect_rows, migration 0013),
// so that the statement may go out with the COMMIT: a check in the client would come after it.
func (tx *Tx) ExecExpect(ctx context.Context, want int64, mismatch error, query string, args ...any) error {
	switch {
	case tx.each:
		return errReadEach
	case tx.pg != nil:
		wrapped := "WITH changed AS (" + query + " RETURNING 1) SELECT expect_rows(count(*), $" + strconv.Itoa(len(args)+1) + ") FROM changed"
		return tx.ExecDeferred(ctx, func(err error) error {
			if isExpectRows(err) {
				return mismatch
			}
			return nil
		}, wrapped, append(slices.Clip(args), want)...)
	}
	res, err := tx.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != want {
		return mismatch
	}
	return nil
}

// ExecAtCommit runs a statement as the last of the transaction: on PostgreSQL it goes out
// with the COMMIT, in the same round trip, and its error is the commit's. For writes that
// nothing in the transaction reads back (the audit trail's events, written in a BeforeCommit).
func (tx *Tx) ExecAtCommit(ctx context.Context, query string, args ...any) error {
	switch {
	case tx.each:
		return errReadEach
	case tx.pg != nil:
		tx.pg.atCommit = append(tx.pg.atCommit, queued{query: query, args: args})
		return nil
	}
	_, err := tx.tx.ExecContext(ctx, query, args...)
	return err
}

// QueryContext runs a query; the caller closes the rows.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (Rows, error) {
	if tx.pg != nil {
		return tx.pg.send(ctx, query, args)
	}
	return tx.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query expected to return at most one row.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) Row {
	if tx.pg != nil {
		rows, err := tx.pg.send(ctx, query, args)
		return firstRow{rows: rows, err: err}
	}
	return tx.tx.QueryRowContext(ctx, query, args...)
}

// Query is one read of a batch run by Tx.QueryBatch: its SQL and arguments, and what reads
// its answer — Row for a query of at most one row (sql.ErrNoRows when there is none), Rows
// for any number, read before the function returns.
type Query struct {
	SQL  string
	Args []any
	Row  func(Row) error
	Rows func(Rows) error
}

// read hands rows to q's reader and closes them.
func (q Query) read(rows Rows) error {
	var err error
	if q.Row != nil {
		err = q.Row(firstRow{rows: rows})
	} else {
		err = q.Rows(rows)
	}
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// QueryBatch runs reads that do not depend on one another's answers: on PostgreSQL all in
// one round trip (with the statements waiting), each then handed its answer in order; on
// SQLite one after another. The first error stops it.
func (tx *Tx) QueryBatch(ctx context.Context, qs ...Query) error {
	for _, q := range qs {
		if (q.Row == nil) == (q.Rows == nil) {
			return errors.New("store: a batched query needs exactly one of Row and Rows")
		}
	}
	if tx.pg != nil && len(qs) > 0 {
		return tx.pg.batch(ctx, qs)
	}
	for _, q := range qs {
		rows, err := tx.tx.QueryContext(ctx, q.SQL, q.Args...)
		if err != nil {
			return err
		}
		if err := q.read(rows); err != nil {
			return err
		}
	}
	return nil
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
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (Result, error) {
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

// ReadEach runs fn's statements each on its own, outside any transaction: one round trip a
// statement instead of two more for BEGIN and COMMIT. Each statement sees the database as of
// its own start, so ReadEach is for a read of one statement, or of statements that need not
// agree with each other (a later write re-checks what it relies on). fn may not write.
func (db *DB) ReadEach(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	var err error
	if db.engine == Postgres {
		err = db.readEachPostgres(ctx, fn)
	} else {
		err = fn(ctx, &Tx{tx: db.read, each: true, engine: db.engine, now: db.Now()})
	}
	if err == nil {
		db.eachReads.Add(1)
	}
	return err
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
	if db.engine == Postgres {
		return db.attemptPostgres(ctx, opts, fn)
	}
	// SQLite: serializable always; the read pool is query-only.
	pool := db.write
	if opts.ReadOnly {
		pool = db.read
	}
	stx, err := pool.BeginTx(ctx, &sql.TxOptions{})
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
	db.count(opts)
	for _, f := range tx.afterCommit {
		f()
	}
	return nil
}

// count counts a committed transaction.
func (db *DB) count(opts TxOptions) {
	if opts.ReadOnly {
		db.reads.Add(1)
	} else {
		db.writes.Add(1)
	}
}
