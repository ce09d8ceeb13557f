package audit

import (
	"context"
	"testing"
	"time"

	"nesie.kz/nesie/internal/obs"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestBacklogCountsTheEventsNotYetSealed: events wait in the inbox, aged from when they
// occurred, until the sealer links them into the chain.
func TestBacklogCountsTheEventsNotYetSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, 1000)
		ctx := context.Background()
		backlog := func(t *testing.T, want obs.Backlog) {
			t.Helper()
			got, err := f.sealer.Backlog(ctx)
			if err != nil || len(got) != 1 || got[0] != want {
				t.Errorf("backlog %+v, %v; want %+v", got, err, want)
			}
		}
		backlog(t, obs.Backlog{Queue: "audit_unsealed"})
		f.record(t, 2)
		env.Clock.Advance(45 * time.Second)
		f.record(t, 1)
		backlog(t, obs.Backlog{Queue: "audit_unsealed", Items: 3, Oldest: 45 * time.Second})
		if _, err := f.sealer.SealAll(ctx); err != nil {
			t.Fatal(err)
		}
		backlog(t, obs.Backlog{Queue: "audit_unsealed"})
	})
}
