package underwriting

import (
	"context"
	"fmt"
	"testing"

	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// BenchmarkAssess measures whole assessments on PostgreSQL: the screens, a signed report from
// the bureau simulator over HTTP, and the transaction recording eight steps and the decision.
func BenchmarkAssess(b *testing.B) {
	env := storetest.New(b, store.Postgres)
	r := newRig(b, env, DefaultConfig())
	r.svc.onDecided = nil
	s := overdueSubject(5)
	r.bureau.Set(applicantIIN, s)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := r.svc.Assess(ctx, request(b, fmt.Sprintf("bench-%d", i))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "assessments/s")
}
