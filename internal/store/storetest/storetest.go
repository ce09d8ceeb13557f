// Package storetest gives tests real databases: a fresh, migrated SQLite file and a fresh,
// migrated PostgreSQL database per test, so one conformance suite runs every store test on
// both engines. Nothing here is a mock.
//
// PostgreSQL comes from NESIE_TEST_POSTGRES_URL when set, or from a throwaway cluster this
// process starts with the machine's initdb and pg_ctl. When neither is possible the
// PostgreSQL half is skipped with a loud message — or fails, with NESIE_REQUIRE_POSTGRES=1.
//
// A package that uses PostgreSQL must call Main from its TestMain so the cluster is stopped
// when its tests end.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/store"
)

// Start is the instant test clocks show before a test moves them: a Monday morning in
// Almaty (09:00 +05), far from any holiday.
var Start = time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)

var mainCalled atomic.Bool

// Main runs the package's tests and then stops the PostgreSQL cluster if one was started.
// Call it from TestMain: func TestMain(m *testing.M) { storetest.Main(m) }.
func Main(m *testing.M) {
	mainCalled.Store(true)
	code := m.Run()
	if pgCluster != nil {
		pgCluster.close(tmplName)
	}
	os.Exit(code)
}

// Env is one test's database.
type Env struct {
	Engine store.Engine
	// DB is the store as the application sees it: on PostgreSQL connected as the
	// unprivileged application role.
	DB *store.DB
	// Clock is the clock DB's transactions read; tests move it forward.
	Clock *clock.Test
	// Admin is a raw connection with the owner's (superuser's) rights, for tests that play an
	// attacker or inspect rows directly.
	Admin *sql.DB
	// URL is the application's connection URL (PostgreSQL) and Path the file (SQLite).
	URL, AdminURL, Path string
}

// Each runs fn as two subtests, "sqlite" and "postgres", each with its own fresh database.
func Each(t *testing.T, fn func(t *testing.T, env *Env)) {
	t.Helper()
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			fn(t, New(t, engine))
		})
	}
}

// New returns a fresh, migrated database on engine, closed and removed when t ends.
func New(t testing.TB, engine store.Engine) *Env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	clk := clock.NewTest(Start)
	env := &Env{Engine: engine, Clock: clk}
	switch engine {
	case store.SQLite:
		env.Path = filepath.Join(t.TempDir(), "nesie.db")
		db, err := store.Open(ctx, store.Config{SQLitePath: env.Path, Clock: clk})
		if err != nil {
			t.Fatalf("open sqlite: %v", err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate sqlite: %v", err)
		}
		env.DB = db
		admin, err := sql.Open("sqlite", "file:"+env.Path+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		env.Admin = admin
	case store.Postgres:
		c := RequirePostgres(t)
		tmpl, err := migratedTemplate(ctx, c)
		if err != nil {
			t.Fatalf("postgres template: %v", err)
		}
		name, err := c.createDatabase(ctx, tmpl)
		if err != nil {
			t.Fatal(err)
		}
		env.URL, env.AdminURL = c.dbURL(name, false), c.dbURL(name, true)
		db, err := store.Open(ctx, store.Config{URL: env.URL, Clock: clk})
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		env.DB = db
		admin, err := sql.Open("pgx", env.AdminURL)
		if err != nil {
			t.Fatal(err)
		}
		env.Admin = admin
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := c.dropDatabase(ctx, name); err != nil {
				t.Logf("drop database %s: %v", name, err)
			}
		})
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	t.Cleanup(func() {
		env.DB.Close()
		env.Admin.Close()
	})
	return env
}

var (
	loudOnce sync.Once
	tmplOnce sync.Once
	tmplName string
	tmplErr  error
)

// RequirePostgres returns the cluster or ends the test: skipped with a loud message, or
// failed when NESIE_REQUIRE_POSTGRES=1.
func RequirePostgres(t testing.TB) *cluster {
	t.Helper()
	if !mainCalled.Load() {
		t.Fatal("storetest: call storetest.Main(m) from this package's TestMain so the PostgreSQL cluster is stopped")
	}
	c, err := postgresCluster()
	if err == nil {
		return c
	}
	msg := fmt.Sprintf("PostgreSQL unavailable, its half of the suite NOT TESTED: %v", err)
	if os.Getenv("NESIE_REQUIRE_POSTGRES") == "1" {
		t.Fatalf("%s (NESIE_REQUIRE_POSTGRES=1)", msg)
	}
	loudOnce.Do(func() { shout(msg) })
	t.Skip(msg)
	return nil
}

// migratedTemplate creates, once per process, a database with every migration applied and
// the application role granted, which each test's database is copied from.
func migratedTemplate(ctx context.Context, c *cluster) (string, error) {
	tmplOnce.Do(func() {
		name, err := c.createDatabase(ctx, "")
		if err != nil {
			tmplErr = err
			return
		}
		db, err := store.Open(ctx, store.Config{URL: c.dbURL(name, true)})
		if err != nil {
			tmplErr = err
			return
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			tmplErr = err
			return
		}
		tmplErr = db.GrantAppRole(ctx, AppRole)
		tmplName = name
	})
	return tmplName, tmplErr
}

// EmptyPostgres creates a database with nothing in it — for testing migration itself — and
// returns its URLs for the owner (superuser) and for the application role.
func EmptyPostgres(t testing.TB) (adminURL, appURL string) {
	t.Helper()
	c := RequirePostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name, err := c.createDatabase(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.dropDatabase(ctx, name); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	return c.dbURL(name, true), c.dbURL(name, false)
}

// shout tells the person running the tests that half the suite did not run. `go test ./...`
// shows a passing package's output only with -v, so the message also goes straight to the
// terminal when there is one.
func shout(msg string) {
	banner := fmt.Sprintf("\n!!!!!!!!\n!!! %s\n!!! set NESIE_REQUIRE_POSTGRES=1 to make this a failure\n!!!!!!!!\n\n", msg)
	fmt.Fprint(os.Stderr, banner)
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		fmt.Fprint(tty, banner)
		tty.Close()
	}
}
