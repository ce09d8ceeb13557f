package storetest

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/store"
)

// Unmigrated is an empty database for a test of one migration: the test applies the
// migrations before it (Apply), writes rows as they were then, applies the one it tests and
// opens the store on the result (Config).
type Unmigrated struct {
	// Admin is the owner's connection, for the rows written as they were.
	Admin *sql.DB
	// Config opens the store on the database.
	Config store.Config
	// Migrations are the engine's, in order.
	Migrations []store.Migration
	engine     store.Engine
}

// NewUnmigrated returns an empty database of engine, with only the table that records the
// migrations applied.
func NewUnmigrated(t *testing.T, engine store.Engine) *Unmigrated {
	t.Helper()
	migs, err := store.Migrations(engine)
	if err != nil {
		t.Fatal(err)
	}
	u := &Unmigrated{Migrations: migs, engine: engine}
	switch engine {
	case store.SQLite:
		path := filepath.Join(t.TempDir(), "nesie.db")
		u.Admin, err = sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)")
		u.Config.SQLitePath = path
	case store.Postgres:
		adminURL, _ := EmptyPostgres(t)
		u.Admin, err = sql.Open("pgx", adminURL)
		u.Config.URL = adminURL
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Admin.Close() })
	if _, err := u.Admin.Exec(`CREATE TABLE schema_migration (version TEXT PRIMARY KEY, sum TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return u
}

// Apply applies m as store.Migrate would, in a transaction of its own.
func (u *Unmigrated) Apply(t *testing.T, m store.Migration) {
	t.Helper()
	tx, err := u.Admin.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(m.SQL); err != nil {
		t.Fatalf("%s: %v", m.Version, err)
	}
	if _, err := tx.Exec(`INSERT INTO schema_migration (version, sum, applied_at) VALUES ($1, $2, 0)`, m.Version, m.Sum); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// UpTo applies every migration before version and returns the index of version in
// Migrations; a version the engine does not have fails the test.
func (u *Unmigrated) UpTo(t *testing.T, version string) int {
	t.Helper()
	i := 0
	for ; i < len(u.Migrations) && u.Migrations[i].Version < version; i++ {
		u.Apply(t, u.Migrations[i])
	}
	if i == len(u.Migrations) || u.Migrations[i].Version != version {
		t.Fatalf("no migration %s", version)
	}
	return i
}

// Open opens the store on the database, as the owner, with a test clock at Start, and applies
// the migrations not yet applied, as a deployment would.
func (u *Unmigrated) Open(t *testing.T) *Env {
	t.Helper()
	clk := clock.NewTest(Start)
	cfg := u.Config
	cfg.Clock = clk
	ctx := context.Background()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return &Env{Engine: u.engine, DB: db, Clock: clk, Admin: u.Admin}
}
