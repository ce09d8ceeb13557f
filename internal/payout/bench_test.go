package payout

import (
	"context"
	"fmt"
	"testing"

	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// BenchmarkPayout measures orders per second through RunOnce on PostgreSQL against the bank
// simulator over HTTP: claim, ownership check, transfer, settlement, audit. The orders are
// enqueued outside the timer.
func BenchmarkPayout(b *testing.B) {
	env := storetest.New(b, store.Postgres)
	r := newRig(b, env)
	r.bank.OpenAccount(clientIIN, iban(b, ownIBAN))
	for i := range b.N {
		r.enqueue(b, toOwnAccount(b, fmt.Sprintf("bench-%d", i), int64(1_000_00+i)))
	}
	b.ResetTimer()
	done := 0
	for done < b.N {
		n, err := r.svc.RunOnce(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			b.Fatalf("nothing due with %d of %d paid", done, b.N)
		}
		done += n
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
	if r.bank.Transfers() != b.N {
		b.Fatalf("%d transfers for %d orders", r.bank.Transfers(), b.N)
	}
}
