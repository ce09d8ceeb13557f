package aml

import (
	"context"
	"fmt"
	"strings"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/store"
)

type versionRef struct{ id, listID string }

// activeVersions lists the active version of each list.
func activeVersions(ctx context.Context, db *store.DB) ([]versionRef, error) {
	var out []versionRef
	err := db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, list_id FROM aml_list_version WHERE active = 1 ORDER BY list_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v versionRef
			if err := rows.Scan(&v.id, &v.listID); err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read active AML list versions: %w", err)
	}
	return out, nil
}

// versionEntries reads the entries of a list version.
func versionEntries(ctx context.Context, db *store.DB, versionID string) ([]Entry, error) {
	var out []Entry
	err := db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, `SELECT e.ref, e.name, e.aliases, e.birth_dates, e.birth_year, e.iin, e.bin, e.kind, v.list_id
			FROM aml_entry e JOIN aml_list_version v ON v.id = e.version_id
			WHERE e.version_id = $1 ORDER BY e.seq`, versionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e Entry
			var aliases, births string
			var year int64
			if err := rows.Scan(&e.Ref, &e.Name, &aliases, &births, &year, &e.IIN, &e.BIN, &e.Kind, &e.ListID); err != nil {
				return err
			}
			e.BirthYear = int(year)
			if aliases != "" {
				e.Aliases = strings.Split(aliases, "\n")
			}
			for _, b := range strings.Split(births, ",") {
				if b == "" {
					continue
				}
				d, err := date.Parse(b)
				if err != nil {
					return fmt.Errorf("entry %s: stored birth date %q: %w", e.Ref, b, err)
				}
				e.BirthDates = append(e.BirthDates, d)
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read AML list version %s: %w", versionID, err)
	}
	return out, nil
}

// entryBatch rows go into one INSERT: 20 000 entries in single-row statements would take
// seconds on PostgreSQL.
const entryBatch = 200

// replaceVersion deactivates listID's active version, inserts the new one active with its
// entries, and returns the id of the version replaced (empty if none).
func replaceVersion(ctx context.Context, tx *store.Tx, s LoadSummary, actor string, sum []byte, entries []Entry) (string, error) {
	var replaced string
	rows, err := tx.QueryContext(ctx, `SELECT id FROM aml_list_version WHERE list_id = $1 AND active = 1`, s.ListID)
	if err != nil {
		return "", fmt.Errorf("find active version of %s: %w", s.ListID, err)
	}
	for rows.Next() {
		if err := rows.Scan(&replaced); err != nil {
			rows.Close()
			return "", err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE aml_list_version SET active = 0 WHERE list_id = $1 AND active = 1`, s.ListID); err != nil {
		return "", fmt.Errorf("deactivate version of %s: %w", s.ListID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO aml_list_version
		(id, list_id, format, file_sha256, entry_count, loaded_by, loaded_at, active) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)`,
		s.VersionID, s.ListID, string(s.Format), sum, len(entries), actor, tx.Now().UnixMicro()); err != nil {
		return "", fmt.Errorf("insert list version: %w", err)
	}
	for start := 0; start < len(entries); start += entryBatch {
		end := min(start+entryBatch, len(entries))
		var q strings.Builder
		q.WriteString(`INSERT INTO aml_entry (version_id, seq, ref, name, aliases, birth_dates, birth_year, iin, bin, kind) VALUES `)
		args := make([]any, 0, (end-start)*10)
		for i := start; i < end; i++ {
			if i > start {
				q.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10)
			e := entries[i]
			births := make([]string, len(e.BirthDates))
			for j, d := range e.BirthDates {
				births[j] = d.String()
			}
			args = append(args, s.VersionID, i, e.Ref, e.Name, strings.Join(e.Aliases, "\n"), strings.Join(births, ","),
				e.BirthYear, e.IIN, e.BIN, e.Kind)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return "", fmt.Errorf("insert list entries %d–%d: %w", start+1, end, err)
		}
	}
	return replaced, nil
}
