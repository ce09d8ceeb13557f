package store_test

import (
	"testing"

	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestIncompressibleDocumentsAreNotCompressedAgain: PostgreSQL keeps the sealed (encrypted)
// loan and client documents out of line as they are, instead of trying to compress each one
// on every insert.
func TestIncompressibleDocumentsAreNotCompressedAgain(t *testing.T) {
	env := storetest.New(t, store.Postgres)
	for table, column := range map[string]string{"loan_document": "content", "client_document": "content_enc"} {
		var storage string
		if err := env.Admin.QueryRow(`SELECT attstorage FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2`,
			table, column).Scan(&storage); err != nil {
			t.Fatal(err)
		}
		if storage != "e" {
			t.Errorf("%s.%s is stored %q, want external (e): uncompressed, out of line", table, column, storage)
		}
	}
}
