package storetest

import (
	"database/sql"
	"fmt"
	"testing"
)

// RawRows returns every value of every row query yields as bytes, one after another with a
// zero byte between values: what a test searches to prove that a value is not at rest in
// clear (R37). Run it on the Admin connection to read what the application cannot hide.
func RawRows(t testing.TB, db *sql.DB, query string) []byte {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			switch v := v.(type) {
			case []byte:
				out = append(out, v...)
			case string:
				out = append(out, v...)
			case nil:
			default:
				out = fmt.Append(out, v)
			}
			out = append(out, 0)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
