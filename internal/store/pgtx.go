package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// On PostgreSQL a transaction runs on the pgx connection beneath database/sql, which lets it
// pipeline: the BEGIN goes out with the first statement, and the statements queued for the
// commit (ExecAtCommit: the audit trail's events) go out with the COMMIT. A transaction of n
// statements then costs about n round trips instead of n + 3, on both sides of the wire.

// pgTx is the PostgreSQL side of a Tx.
type pgTx struct {
	conn *pgx.Conn
	// begin is the BEGIN still to send with the first statement; empty once sent, and for a
	// ReadEach, which has no transaction.
	begin string
	// atCommit are the statements to send with the COMMIT.
	atCommit []queued
}

type queued struct {
	query string
	args  []any
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
		tx = &Tx{pg: &pgTx{conn: conn, begin: beginStatement(opts)}, engine: Postgres, now: db.Now()}
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
		return fn(ctx, &Tx{pg: &pgTx{conn: conn}, each: true, engine: Postgres, now: db.Now()})
	})
}

// send runs query — after the BEGIN, in the same round trip, if it is the first — and
// returns its rows; the caller closes them.
func (t *pgTx) send(ctx context.Context, query string, args []any) (Rows, error) {
	if t.begin == "" {
		rows, err := t.conn.Query(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		return pgRows{Rows: rows}, nil
	}
	b := &pgx.Batch{}
	b.Queue(t.begin)
	b.Queue(query, args...)
	t.begin = ""
	br := t.conn.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return pgRows{Rows: rows, batch: br}, nil
}

// exec runs a statement that returns no rows.
func (t *pgTx) exec(ctx context.Context, query string, args []any) (Result, error) {
	if t.begin == "" {
		tag, err := t.conn.Exec(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		return pgResult(tag), nil
	}
	b := &pgx.Batch{}
	b.Queue(t.begin)
	b.Queue(query, args...)
	t.begin = ""
	br := t.conn.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return pgResult(tag), nil
}

// commit sends the statements queued for the commit and the COMMIT, in one round trip. A
// transaction that never sent anything has nothing to commit.
func (t *pgTx) commit(ctx context.Context) error {
	if t.begin != "" && len(t.atCommit) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	if t.begin != "" {
		b.Queue(t.begin)
		t.begin = ""
	}
	for _, q := range t.atCommit {
		b.Queue(q.query, q.args...)
	}
	b.Queue("COMMIT")
	br := t.conn.SendBatch(ctx, b)
	err := t.commitResults(br, b.Len())
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// commitResults reads the answers to a commit's batch of n statements, the COMMIT last.
func (t *pgTx) commitResults(br pgx.BatchResults, n int) error {
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
