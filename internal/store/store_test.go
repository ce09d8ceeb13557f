package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestMigrateIsIdempotentAndForwardOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		ctx := context.Background()
		applied, err := env.DB.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v", applied)
		}
		pending, err := env.DB.Pending(ctx)
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending = %v, %v", pending, err)
		}
		// A version from a newer release makes this binary refuse the database.
		if _, err := env.Admin.Exec(`INSERT INTO schema_migration (version, sum, applied_at) VALUES ('9999_future', 'x', 0)`); err != nil {
			t.Fatal(err)
		}
		if _, err := env.DB.Migrate(ctx); err == nil {
			t.Fatal("migrate accepted a database migrated by a newer release")
		}
	})
}

func TestMigrateRefusesAnEditedMigration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		if _, err := env.Admin.Exec(`UPDATE schema_migration SET sum = 'edited' WHERE version = '0001_foundation'`); err != nil {
			t.Fatal(err)
		}
		if _, err := env.DB.Migrate(context.Background()); err == nil {
			t.Fatal("migrate accepted a changed migration")
		}
	})
}

func TestTransactFixesNowAndRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		ctx := context.Background()
		boom := errors.New("boom")
		var seen []time.Time
		err := env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
			seen = append(seen, tx.Now())
			env.Clock.Advance(time.Hour) // the clock moves, the transaction's now does not
			seen = append(seen, tx.Now())
			if _, err := tx.ExecContext(ctx, `INSERT INTO organization (id, name, bin, legal_address, actual_address, phones, email, head_name, created_at)
				VALUES (1, 'x', '000000000000', '', '', '', '', '', $1)`, tx.Now().UnixMicro()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		if !seen[0].Equal(seen[1]) || !seen[0].Equal(storetest.Start) {
			t.Fatalf("now moved within a transaction: %v", seen)
		}
		var n int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM organization`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("rolled-back row survived: n=%d err=%v", n, err)
		}
		committed := false
		err = env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
			tx.AfterCommit(func() { committed = true })
			if !tx.Now().Equal(storetest.Start.Add(time.Hour)) {
				t.Errorf("second transaction now = %v", tx.Now())
			}
			return nil
		})
		if err != nil || !committed {
			t.Fatalf("after-commit hook: committed=%v err=%v", committed, err)
		}
	})
}

// TestTransactRetriesSerializationFailures makes many transactions increment one counter
// after reading it. Under SERIALIZABLE (PostgreSQL) most of them fail with 40001 at least
// once and must be retried; on SQLite writers queue. Either way no increment is lost.
func TestTransactRetriesSerializationFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		ctx := context.Background()
		if _, err := env.Admin.Exec(`INSERT INTO organization (id, name, bin, legal_address, actual_address, phones, email, head_name, created_at)
			VALUES (1, 'counter', '000000000000', '', '', '', '', '', 0)`); err != nil {
			t.Fatal(err)
		}
		const workers, each = 6, 10
		var attempts atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					err := env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
						attempts.Add(1)
						var c int64
						if err := tx.QueryRowContext(ctx, `SELECT created_at FROM organization WHERE id = 1`).Scan(&c); err != nil {
							return err
						}
						_, err := tx.ExecContext(ctx, `UPDATE organization SET created_at = $1 WHERE id = 1`, c+1)
						return err
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var c int64
		if err := env.Admin.QueryRow(`SELECT created_at FROM organization WHERE id = 1`).Scan(&c); err != nil {
			t.Fatal(err)
		}
		if c != workers*each {
			t.Fatalf("counter = %d, want %d (lost updates)", c, workers*each)
		}
		t.Logf("%s: %d increments took %d attempts", env.Engine, c, attempts.Load())
	})
}

func TestReadRefusesWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		err := env.DB.Read(context.Background(), func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO organization (id, name, bin, legal_address, actual_address, phones, email, head_name, created_at)
				VALUES (2, 'x', '000000000000', '', '', '', '', '', 0)`)
			return err
		})
		if err == nil {
			t.Fatal("a read-only transaction wrote")
		}
	})
}

func TestReadEachReadsWithoutATransactionAndRefusesWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		ctx := context.Background()
		before := env.DB.Counts()
		var version string
		err := env.DB.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.QueryRowContext(ctx, `SELECT version FROM schema_migration WHERE version = '0001_foundation'`).Scan(&version); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `DELETE FROM schema_migration`)
			return err
		})
		if err == nil || version != "0001_foundation" {
			t.Fatalf("ReadEach: version %q, err %v; want the row read and the write refused", version, err)
		}
		var n int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM schema_migration`).Scan(&n); err != nil || n == 0 {
			t.Fatalf("the refused write deleted the migrations: %d rows, %v", n, err)
		}
		if err := env.DB.ReadEach(ctx, func(context.Context, *store.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		after := env.DB.Counts()
		if after.ReadEach != before.ReadEach+1 || after.Reads != before.Reads || after.Writes != before.Writes {
			t.Fatalf("counts %+v after %+v: want one read outside a transaction and nothing else", after, before)
		}
	})
}
