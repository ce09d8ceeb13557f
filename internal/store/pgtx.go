package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// On PostgreSQL a transaction runs on the pgx connection beneath database/sql, which lets it
// pipeline: what need not be answered before the next statement waits and goes out with it in
// one round trip — the BEGIN, the statements run with ExecDeferred (guarded updates, inserts)
// — and the statements queued for the commit (ExecAtCommit: the audit trail's events) go out
// with the COMMIT. A transaction then costs a round trip for each statement whose answer the
// code needs before going on, and one for the commit, instead of one for every statement
// plus three.

// pgTx is the PostgreSQL side of a Tx.
type pgTx struct {
	conn *pgx.Conn
	// trips counts the round trips, for the benchmarks.
	trips *atomic.Int64
	// waiting are the statements still to send, in order, with the next one: the BEGIN
	// until the first round trip (none for a ReadEach, which has no transaction), then the
	// deferred ones.
	waiting []queued
	// began says the BEGIN has been sent, so there is a transaction to commit.
	began bool
	// atCommit are the statements to send with the COMMIT.
	atCommit []queued
}

// queued is a statement waiting to go out, and what its failure means (nil: the error as
// it is).
type queued struct {
	query   string
	args    []any
	onError func(error) error
}

// beginStatement is the BEGIN of a transaction with opts.
func beginStatement(opts TxOptions) string {
	switch {
	case opts.ReadOnly:
		// One snapshot for the whole read, without the predicate locks of SERIALIZABLE: a
		// read that writes nothing needs no protection from write skew, and its locks would
		// only make concurrent writers abort.
		return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
	case opts.ReadCommitted:
		return "BEGIN ISOLATION LEVEL READ COMMITTED"
	}
	return "BEGIN ISOLATION LEVEL SERIALIZABLE"
}

// onPgConn runs fn on a pgx connection of db's pool. A connection left broken (its context
// ended mid-statement) is told to database/sql as bad, so the pool drops it.
func (db *DB) onPgConn(ctx context.Context, fn func(conn *pgx.Conn) error) error {
	c, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("database connection: %w", err)
	}
	defer c.Close()
	var ferr error
	err = c.Raw(func(dc any) error {
		conn := dc.(*stdlib.Conn).Conn()
		ferr = fn(conn)
		// Never hand the pool a connection still inside a transaction or with an answer
		// unread (rows a caller left open): the next user would run in it.
		if !conn.IsClosed() && (conn.PgConn().IsBusy() || conn.PgConn().TxStatus() != 'I') {
			_ = conn.Close(context.Background())
		}
		if conn.IsClosed() {
			return driver.ErrBadConn
		}
		return nil
	})
	if ferr != nil {
		return ferr
	}
	if errors.Is(err, driver.ErrBadConn) {
		return nil // fn's own outcome stands; only the connection is gone
	}
	return err
}

// attemptPostgres runs one attempt of a transaction on PostgreSQL.
func (db *DB) attemptPostgres(ctx context.Context, opts TxOptions, fn func(ctx context.Context, tx *Tx) error) error {
	var tx *Tx
	err := db.onPgConn(ctx, func(conn *pgx.Conn) (err error) {
		tx = &Tx{pg: &pgTx{conn: conn, trips: &db.roundTrips, waiting: []queued{{query: beginStatement(opts)}}}, engine: Postgres, now: db.Now()}
		defer func() {
			if p := recover(); p != nil {
				tx.pg.rollback()
				panic(p)
			}
		}()
		err = fn(ctx, tx)
		for i := 0; err == nil && i < len(tx.beforeCommit); i++ {
			err = tx.beforeCommit[i](ctx, tx)
		}
		if err == nil {
			err = tx.pg.commit(ctx)
		}
		if err != nil {
			tx.pg.rollback()
		}
		return err
	})
	if err != nil {
		return err
	}
	db.count(opts)
	for _, f := range tx.afterCommit {
		f()
	}
	return nil
}

// readEachPostgres runs fn's statements each on its own on one connection.
func (db *DB) readEachPostgres(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	return db.onPgConn(ctx, func(conn *pgx.Conn) error {
		return fn(ctx, &Tx{pg: &pgTx{conn: conn, trips: &db.roundTrips}, each: true, engine: Postgres, now: db.Now()})
	})
}

// send runs query after the statements waiting, in the same round trip, and returns its
// rows; the caller closes them.
func (t *pgTx) send(ctx context.Context, query string, args []any) (Rows, error) {
	if len(t.waiting) == 0 {
		t.trips.Add(1)
		rows, err := t.conn.Query(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		return pgRows{Rows: rows}, nil
	}
	br := t.sendWaiting(ctx, queued{query: query, args: args})
	if err := t.settleWaiting(br); err != nil {
		br.Close()
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return pgRows{Rows: rows, batch: br}, nil
}

// batch runs qs after the statements waiting, all in one round trip, and hands each its
// rows in order.
func (t *pgTx) batch(ctx context.Context, qs []Query) error {
	more := make([]queued, len(qs))
	for i, q := range qs {
		more[i] = queued{query: q.SQL, args: q.Args}
	}
	br := t.sendWaiting(ctx, more...)
	err := t.settleWaiting(br)
	for i := 0; err == nil && i < len(qs); i++ {
		var rows pgx.Rows
		if rows, err = br.Query(); err == nil {
			err = qs[i].read(pgRows{Rows: rows})
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// exec runs a statement that returns no rows, after the statements waiting.
func (t *pgTx) exec(ctx context.Context, query string, args []any) (Result, error) {
	if len(t.waiting) == 0 {
		t.trips.Add(1)
		tag, err := t.conn.Exec(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		return pgResult(tag), nil
	}
	br := t.sendWaiting(ctx, queued{query: query, args: args})
	err := t.settleWaiting(br)
	var tag pgconn.CommandTag
	if err == nil {
		tag, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return pgResult(tag), nil
}

// sendWaiting sends the statements waiting and then more, in one batch.
func (t *pgTx) sendWaiting(ctx context.Context, more ...queued) pgx.BatchResults {
	b := &pgx.Batch{}
	for _, q := range t.waiting {
		b.Queue(q.query, q.args...)
	}
	for _, q := range more {
		b.Queue(q.query, q.args...)
	}
	t.began = true // a transaction's first batch is led by its BEGIN
	t.trips.Add(1)
	return t.conn.SendBatch(ctx, b)
}

// settleWaiting reads the answers to the statements that were waiting, in order, and runs
// their checks; the first error stops it. They are sent either way: the queue is emptied.
func (t *pgTx) settleWaiting(br pgx.BatchResults) error {
	waiting := t.waiting
	t.waiting = nil
	for _, q := range waiting {
		if _, err := br.Exec(); err != nil {
			return explain(err, q.onError)
		}
	}
	return nil
}

// commit sends the statements waiting, those queued for the commit and the COMMIT, in one
// round trip. A transaction that never sent anything has nothing to commit.
func (t *pgTx) commit(ctx context.Context) error {
	if !t.began && len(t.waiting) <= 1 && len(t.atCommit) == 0 {
		return nil // at most the BEGIN waits: nothing was done
	}
	more := append(t.atCommit, queued{query: "COMMIT"})
	br := t.sendWaiting(ctx, more...)
	err := t.settleWaiting(br)
	if err == nil {
		err = commitResults(br, len(more))
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// commitResults reads the answers to the n statements sent for a commit, the COMMIT last.
func commitResults(br pgx.BatchResults, n int) error {
	for range n - 1 {
		if _, err := br.Exec(); err != nil {
			return err
		}
	}
	tag, err := br.Exec()
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if tag.String() != "COMMIT" {
		// PostgreSQL answers a COMMIT of a failed transaction with ROLLBACK.
		return fmt.Errorf("commit: the transaction was rolled back (%s)", tag)
	}
	return nil
}

// rollback ends a transaction still open on the connection. On a connection that broke, the
// server has already ended it.
func (t *pgTx) rollback() {
	if t.conn.IsClosed() || t.conn.PgConn().TxStatus() == 'I' {
		return
	}
	t.trips.Add(1)
	_, _ = t.conn.Exec(context.Background(), "ROLLBACK")
}

// pgResult is a statement's command tag as a Result.
type pgResult pgconn.CommandTag

func (r pgResult) RowsAffected() (int64, error) { return pgconn.CommandTag(r).RowsAffected(), nil }

// pgRows are a query's rows, and the batch they came in, closed with them.
type pgRows struct {
	pgx.Rows
	batch pgx.BatchResults
}

func (r pgRows) Close() error {
	r.Rows.Close()
	err := r.Rows.Err()
	if r.batch != nil {
		err = errors.Join(err, r.batch.Close())
	}
	return err
}

// firstRow is a query expected to return at most one row, read when scanned, with
// database/sql's meaning: no row is sql.ErrNoRows.
type firstRow struct {
	rows Rows
	err  error
}

func (r firstRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	if !r.rows.Next() {
		err := r.rows.Close()
		if err == nil {
			err = sql.ErrNoRows
		}
		return err
	}
	err := r.rows.Scan(dest...)
	return errors.Join(err, r.rows.Close())
}
