package store

import (
	"context"
	"fmt"
	"regexp"

	"github.com/jackc/pgx/v5"
)

var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// appendOnlyTables may be read and appended to by the application, never changed.
var appendOnlyTables = []string{"audit_event", "audit_checkpoint", "biometric_check", "loan_document", "biometric_use"}

// GrantAppRole gives the PostgreSQL role the application connects as what it needs and no
// more: full use of the working tables, but only SELECT and INSERT on the audit trail, so
// that even a compromised application cannot rewrite history (R32). The migrating role owns
// the tables; run this after Migrate, as that owner. It is a no-op on SQLite.
func (db *DB) GrantAppRole(ctx context.Context, role string) error {
	if db.engine != Postgres {
		return nil
	}
	if !roleName.MatchString(role) {
		return fmt.Errorf("app role %q: want a lower-case SQL identifier", role)
	}
	r := pgx.Identifier{role}.Sanitize()
	stmts := []string{
		`GRANT USAGE ON SCHEMA public TO ` + r,
		`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ` + r,
		`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ` + r,
		`REVOKE UPDATE, DELETE, TRUNCATE ON schema_migration FROM ` + r,
	}
	for _, t := range appendOnlyTables {
		stmts = append(stmts, `REVOKE UPDATE, DELETE, TRUNCATE ON `+t+` FROM `+r)
	}
	for _, s := range stmts {
		if _, err := db.write.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("grant app role %s: %w", role, err)
		}
	}
	return nil
}
