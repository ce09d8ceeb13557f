package notify

import (
	"context"
	"testing"
	"time"

	"nesie.kz/nesie/internal/obs"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestBacklogCountsDueMessagesFromWhenTheyFellDue: a message waiting for its backoff is not
// due yet; once due and undelivered it counts, aged from when it fell due; sent, it is gone.
func TestBacklogCountsDueMessagesFromWhenTheyFellDue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		ctx := context.Background()
		w := f.worker(WorkerConfig{BaseBackoff: time.Minute, MaxAttempts: 5})
		backlog := func(t *testing.T, want obs.Backlog) {
			t.Helper()
			got, err := w.Backlog(ctx)
			if err != nil || len(got) != 1 || got[0] != want {
				t.Errorf("backlog %+v, %v; want %+v", got, err, want)
			}
		}
		backlog(t, obs.Backlog{Queue: "notify_due"})
		f.enqueue(t, smsTo("+77011234567", "first"))
		f.srv.SetMode(sim.Fail)
		if r, err := w.RunOnce(ctx); err != nil || r.Failed != 1 {
			t.Fatalf("round = %+v, %v; want one failure", r, err)
		}
		env.Clock.Advance(20 * time.Second)
		f.enqueue(t, smsTo("+77011234567", "second"))
		env.Clock.Advance(10 * time.Second)
		backlog(t, obs.Backlog{Queue: "notify_due", Items: 1, Oldest: 10 * time.Second}) // the first waits for its backoff
		env.Clock.Advance(time.Minute)
		backlog(t, obs.Backlog{Queue: "notify_due", Items: 2, Oldest: 70 * time.Second})
		f.srv.SetMode(sim.Normal)
		if r, err := w.RunOnce(ctx); err != nil || r.Sent != 2 {
			t.Fatalf("round = %+v, %v; want both sent", r, err)
		}
		backlog(t, obs.Backlog{Queue: "notify_due"})
	})
}
