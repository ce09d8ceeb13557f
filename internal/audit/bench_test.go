package audit

import (
	"context"
	"runtime"
	"testing"

	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// writers is the number of concurrent writers the audit benchmarks run.
const writers = 8

// parallelFor8 runs body from eight goroutines until b.N iterations are done.
func parallelFor8(b *testing.B, body func(pb *testing.PB)) {
	b.SetParallelism((writers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.RunParallel(body)
}

// BenchmarkPostgresBaselineInsert8Writers is the yardstick: one single-row insert per
// transaction, eight writers, no audit — what PostgreSQL itself commits on this machine.
func BenchmarkPostgresBaselineInsert8Writers(b *testing.B) {
	env := storetest.New(b, store.Postgres)
	ctx := context.Background()
	b.ResetTimer()
	parallelFor8(b, func(pb *testing.PB) {
		for pb.Next() {
			err := env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO audit_pending (occurred_at, actor_kind, actor_id, action, object_type, object_id, request_id, ip, details, change_digest)
					VALUES (0, 'system', 'bench', 'bench', '', '', '', '', '{}', $1)`, make([]byte, 32))
				return err
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
}

// BenchmarkPostgresAuditAppend8Writers appends events from eight writers with Append (each
// call returns once its event is committed; concurrent calls share commits) while the sealer
// chains them. The clock stops only when every event is sealed, so events/s counts the chain
// as well as the commits.
func BenchmarkPostgresAuditAppend8Writers(b *testing.B) {
	benchmarkAppend(b, func(ctx context.Context, f *fixture, ev Event) error {
		return f.trail.Append(ctx, ev)
	})
}

// BenchmarkPostgresAuditRecordInTransaction8Writers records one event in each of eight
// writers' own transactions — the audit's share of a business transaction. Compare with the
// baseline: the difference is what the audit costs a transaction.
func BenchmarkPostgresAuditRecordInTransaction8Writers(b *testing.B) {
	benchmarkAppend(b, func(ctx context.Context, f *fixture, ev Event) error {
		return f.env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
			return f.trail.Record(ctx, tx, ev)
		})
	})
}

func benchmarkAppend(b *testing.B, write func(ctx context.Context, f *fixture, ev Event) error) {
	env := storetest.New(b, store.Postgres)
	f := newFixture(b, env, 1000)
	ctx := reqctx.With(context.Background(), reqctx.Info{RequestID: "bench", IP: "127.0.0.1", Actor: reqctx.Actor{Kind: reqctx.Client, ID: "c-1"}})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- f.sealer.Run(runCtx) }()
	ev := Event{Action: "loan.status_changed", ObjectType: "loan", ObjectID: "L-000123",
		Change: map[string]any{"status": map[string]string{"from": "signed", "to": "cooling_off"}, "amount": 25000000}}
	b.ResetTimer()
	parallelFor8(b, func(pb *testing.PB) {
		for pb.Next() {
			if err := write(ctx, f, ev); err != nil {
				b.Error(err)
				return
			}
		}
	})
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if rep := f.verify(b); !rep.Intact() || rep.Events != int64(b.N) {
		b.Fatalf("after the benchmark: %+v %v", rep, rep.Problem)
	}
}

// BenchmarkPostgresVerify measures `audit verify` over a trail of 200 000 events.
func BenchmarkPostgresVerify(b *testing.B) {
	const events = 200_000
	env := storetest.New(b, store.Postgres)
	f := newFixture(b, env, 10_000)
	// Fill the inbox in bulk (the append path is measured above) and seal it.
	if _, err := env.Admin.Exec(`INSERT INTO audit_pending (occurred_at, actor_kind, actor_id, action, object_type, object_id, request_id, ip, details, change_digest)
		SELECT 1772424000000000 + g, 'client', 'c-' || g, 'loan.status_changed', 'loan', 'L-' || g, 'req-' || g, '10.0.0.1',
		       '{"change":{"amount":25000000,"status":{"from":"signed","to":"cooling_off"}}}',
		       sha256('{"change":{"amount":25000000,"status":{"from":"signed","to":"cooling_off"}}}'::bytea)
		FROM generate_series(1, $1) g`, events); err != nil {
		b.Fatal(err)
	}
	if _, err := f.sealer.SealAll(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep := f.verify(b)
		if !rep.Intact() || rep.Events != events {
			b.Fatalf("%+v %v", rep, rep.Problem)
		}
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
