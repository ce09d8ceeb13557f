package underwriting

import (
	"context"
	"testing"
	"time"

	"nesie.kz/nesie/internal/obs"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestBacklogCountsTheReviewQueueWithItsAge: the operator sees how many applications
// wait for staff and since when the oldest waits; a decided one leaves the count.
func TestBacklogCountsTheReviewQueueWithItsAge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, reviewConfig())
		ctx := context.Background()
		backlog := func(t *testing.T, want obs.Backlog) {
			t.Helper()
			got, err := r.svc.Backlog(ctx)
			if err != nil || len(got) != 1 || got[0] != want {
				t.Errorf("backlog %+v, %v; want %+v", got, err, want)
			}
		}
		backlog(t, obs.Backlog{Queue: "application_review"})
		r.assessForReview(t, "app-old", 100_000)
		env.Clock.Advance(time.Minute)
		r.assessForReview(t, "app-new", 100_000)
		env.Clock.Advance(2 * time.Minute)
		backlog(t, obs.Backlog{Queue: "application_review", Items: 2, Oldest: 3 * time.Minute})
		if _, err := r.svc.Review(ctx, "app-old", "officer-1", true, "income confirmed"); err != nil {
			t.Fatal(err)
		}
		backlog(t, obs.Backlog{Queue: "application_review", Items: 1, Oldest: 2 * time.Minute})
	})
}
