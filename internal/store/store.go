// Package store opens Nesie's database — PostgreSQL in production, embedded SQLite for the
// demo and small installations — applies the embedded migrations, and runs every unit of work
// in a transaction with a fixed "now".
//
// One Tx type carries a business transaction through the domain packages on either engine:
// SQLite through database/sql, PostgreSQL on the pgx connection beneath database/sql's pool,
// so that a transaction pipelines its BEGIN with its first statement and its audit events
// with its COMMIT (pgtx.go). Where the dialects differ, callers branch on Tx.Engine and keep
// the SQL each engine sees visible in the code.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"nesie.kz/nesie/internal/clock"
)

// Engine names a database engine.
type Engine string

// The engines Nesie runs on.
const (
	Postgres Engine = "postgres"
	SQLite   Engine = "sqlite"
)

// Config says which database to open.
type Config struct {
	// URL is a postgres:// URL; empty means SQLite at SQLitePath.
	URL string
	// SQLitePath is the SQLite database file, used when URL is empty.
	SQLitePath string
	// Clock tells "now" for every transaction; clock.System when nil.
	Clock clock.Clock
	// MaxConns caps PostgreSQL connections (default 16).
	MaxConns int
}

// DB is an open database.
type DB struct {
	engine Engine
	// write runs transactions that may write. On SQLite it has one connection and begins
	// IMMEDIATE, so writers queue in Go instead of failing with SQLITE_BUSY on lock upgrade.
	write *sql.DB
	// read runs read-only transactions; on PostgreSQL it is the same pool as write.
	read  *sql.DB
	clock clock.Clock
	// writes and reads count the committed transactions (autocommit statements among the
	// writes), and eachReads the reads outside a transaction (ReadEach), for the benchmarks
	// that quote transactions per operation.
	writes, reads, eachReads atomic.Int64
	// roundTrips counts the exchanges with PostgreSQL of the transactions and reads.
	roundTrips atomic.Int64
}

// TxCounts are the transactions a DB has committed since it was opened, its reads outside a
// transaction (ReadEach), and on PostgreSQL the round trips they took.
type TxCounts struct{ Writes, Reads, ReadEach, RoundTrips int64 }

// Counts returns the transactions committed so far.
func (db *DB) Counts() TxCounts {
	return TxCounts{Writes: db.writes.Load(), Reads: db.reads.Load(), ReadEach: db.eachReads.Load(), RoundTrips: db.roundTrips.Load()}
}

// Open connects to the database cfg names. It does not migrate: call Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	clk := cfg.Clock
	if clk == nil {
		clk = clock.System{}
	}
	var db *DB
	var err error
	if cfg.URL != "" {
		db, err = openPostgres(cfg)
	} else {
		db, err = openSQLite(cfg.SQLitePath)
	}
	if err != nil {
		return nil, err
	}
	db.clock = clk
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func openPostgres(cfg Config) (*DB, error) {
	if !strings.HasPrefix(cfg.URL, "postgres://") && !strings.HasPrefix(cfg.URL, "postgresql://") {
		return nil, errors.New("database url: want postgres://user:password@host:port/dbname")
	}
	conn, err := pgx.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("database url: %w", err)
	}
	pool := stdlib.OpenDB(*conn, stdlib.OptionAfterConnect(registerDomains))
	n := cfg.MaxConns
	if n <= 0 {
		n = 16
	}
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{engine: Postgres, write: pool, read: pool}, nil
}

// sqlitePragmas make the embedded database safe for money: foreign keys enforced, WAL so
// readers never block the writer, FULL sync so a committed payment survives a power cut.
const sqlitePragmas = "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)"

func openSQLite(path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("database: neither a PostgreSQL url nor a SQLite path is set")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("database directory: %w", err)
		}
	}
	u := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + sqlitePragmas
	write, err := sql.Open("sqlite", u+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	read, err := sql.Open("sqlite", u+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(4)
	return &DB{engine: SQLite, write: write, read: read}, nil
}

// Engine tells which engine db runs on.
func (db *DB) Engine() Engine { return db.engine }

// Clock returns the clock transactions take "now" from.
func (db *DB) Clock() clock.Clock { return db.clock }

// Ping checks that the database answers; /readyz calls it.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	return nil
}

// Close closes every connection.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Raw returns the underlying pool that may write. It exists for the migrator, the audit
// verifier's streaming read and tests that must act as an attacker with raw SQL; domain code
// uses Transact.
func (db *DB) Raw() *sql.DB { return db.write }
