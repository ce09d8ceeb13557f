package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// PostgreSQL keeps single-column rules as domains (migration 0012 and later): flag over
// SMALLINT, sealed_bytes over BYTEA, loan_status over TEXT… pgx knows the built-in types by
// their fixed numbers but not a database's own, so without being told it sends and reads every
// value of a domain as text: a sealed value or a digest goes out hex-encoded and comes back
// hex-encoded, each encoding planned again on every call. registerDomains tells a new
// connection what each domain of the schema is made of, so its values travel in the base
// type's binary form, as the base type's would. A connection opened before a migration adds a
// domain keeps working as before: an unknown type is still sent as text.
func registerDomains(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, `SELECT t.oid, t.typname, t.typbasetype FROM pg_type t
		WHERE t.typtype = 'd' AND t.typnamespace = current_schema()::regnamespace`)
	if err != nil {
		return fmt.Errorf("read the schema's domains: %w", err)
	}
	type domain struct {
		oid, base uint32
		name      string
	}
	var found []domain
	for rows.Next() {
		var d domain
		if err := rows.Scan(&d.oid, &d.name, &d.base); err != nil {
			rows.Close()
			return fmt.Errorf("read the schema's domains: %w", err)
		}
		found = append(found, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the schema's domains: %w", err)
	}
	types := conn.TypeMap()
	for _, d := range found {
		if base, ok := types.TypeForOID(d.base); ok {
			types.RegisterType(&pgtype.Type{Name: d.name, OID: d.oid, Codec: base.Codec})
		}
	}
	return nil
}
