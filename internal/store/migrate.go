package store

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/stdlib"
)

//go:embed migrations
var migrationFiles embed.FS

// Migration is one embedded schema change.
type Migration struct {
	Version string // the file name without .sql, e.g. "0001_foundation"
	SQL     string
	Sum     string // hex SHA-256 of the file, to notice a shipped migration edited later
}

// Migrations returns the embedded migrations for engine in the order they apply.
func Migrations(engine Engine) ([]Migration, error) {
	dir := path.Join("migrations", string(engine))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := migrationFiles.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		out = append(out, Migration{Version: strings.TrimSuffix(e.Name(), ".sql"), SQL: string(b), Sum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// migrateLockKey is the PostgreSQL advisory lock that lets several nodes start at once
// while only one of them migrates.
const migrateLockKey = 7_301_205_001

// Migrate applies, in order and each in its own transaction, every embedded migration the
// database has not seen, and returns the versions it applied. Migrations only go forward: a
// database that has a version this binary does not know (it was migrated by a newer
// release), or whose applied migration differs from the embedded file, is refused.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	migs, err := Migrations(db.engine)
	if err != nil {
		return nil, err
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if db.engine == Postgres {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLockKey); err != nil {
			return nil, fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLockKey)
	}
	// Look before creating: the application role may not create tables, and on an
	// up-to-date database it need not.
	exists := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'`
	if db.engine == Postgres {
		exists = `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migration'`
	}
	var n int
	if err := conn.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if n == 0 {
		if _, err := conn.ExecContext(ctx, `CREATE TABLE schema_migration (
			version    TEXT PRIMARY KEY,
			sum        TEXT NOT NULL,
			applied_at BIGINT NOT NULL
		)`); err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
	}
	applied := map[string]string{}
	rows, err := conn.QueryContext(ctx, `SELECT version, sum FROM schema_migration`)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	for rows.Next() {
		var v, s string
		if err := rows.Scan(&v, &s); err != nil {
			rows.Close()
			return nil, err
		}
		applied[v] = s
	}
	rows.Close()
	known := map[string]bool{}
	for _, m := range migs {
		known[m.Version] = true
		if s, ok := applied[m.Version]; ok && s != m.Sum {
			return nil, fmt.Errorf("migrate: migration %s was changed after it was applied (database has %.12s…, binary has %.12s…)", m.Version, s, m.Sum)
		}
	}
	for v := range applied {
		if !known[v] {
			return nil, fmt.Errorf("migrate: the database has migration %s that this binary does not know: it was migrated by a newer release", v)
		}
	}
	var done []string
	for _, m := range migs {
		if _, ok := applied[m.Version]; ok {
			continue
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return done, err
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			tx.Rollback()
			return done, fmt.Errorf("migrate: %s: %w", m.Version, err)
		}
		now := db.clock.Now().UnixMicro()
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migration (version, sum, applied_at) VALUES ($1, $2, $3)`, m.Version, m.Sum, now); err != nil {
			tx.Rollback()
			return done, fmt.Errorf("migrate: record %s: %w", m.Version, err)
		}
		if err := tx.Commit(); err != nil {
			return done, fmt.Errorf("migrate: commit %s: %w", m.Version, err)
		}
		done = append(done, m.Version)
	}
	if db.engine == Postgres && len(done) > 0 {
		// This connection goes back to the pool: it learns the domains just created, as a
		// connection opened now would.
		if err := conn.Raw(func(dc any) error { return registerDomains(ctx, dc.(*stdlib.Conn).Conn()) }); err != nil {
			return done, fmt.Errorf("migrate: %w", err)
		}
	}
	return done, nil
}

// Pending returns the versions Migrate would apply, without applying them.
func (db *DB) Pending(ctx context.Context) ([]string, error) {
	migs, err := Migrations(db.engine)
	if err != nil {
		return nil, err
	}
	applied := map[string]bool{}
	rows, err := db.read.QueryContext(ctx, `SELECT version FROM schema_migration`)
	if err == nil {
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, err
			}
			applied[v] = true
		}
		rows.Close()
	}
	var out []string
	for _, m := range migs {
		if !applied[m.Version] {
			out = append(out, m.Version)
		}
	}
	return out, nil
}
