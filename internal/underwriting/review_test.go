package underwriting

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// reviewConfig sends the clean applicant (score 380) to review: approve only from 400.
func reviewConfig() Config {
	cfg := DefaultConfig()
	cfg.Scorecard.ApproveAt = 400
	return cfg
}

func (r *rig) queue(t *testing.T) []QueueItem {
	t.Helper()
	var q []QueueItem
	if err := r.env.DB.Read(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		var err error
		q, err = r.svc.Queue(ctx, tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return q
}

func (r *rig) assessForReview(t *testing.T, id string, amountTenge int64) {
	t.Helper()
	req := request(t, id)
	req.Amount = tenge(amountTenge)
	d, err := r.svc.Assess(context.Background(), req)
	if err != nil || d.Outcome != Review || !hasReason(d, "score_review", LawInternal) {
		t.Fatalf("assess %s: %s %v %v; want review by score", id, d.Outcome, d.Reasons, err)
	}
}

func TestR8_1_ReviewOneVoteAtOrBelowThreshold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, reviewConfig())
		// 500 000 ₸ is the threshold itself: one vote decides.
		r.assessForReview(t, "app-1", 500_000)
		if q := r.queue(t); len(q) != 1 || q[0].Needed != 1 || q[0].Amount != tenge(500_000) {
			t.Fatalf("queue = %+v, want app-1 needing one approval", q)
		}
		d, err := r.svc.Review(context.Background(), "app-1", "staff-a", true, "income documents seen")
		if err != nil || d.Outcome != Approved || d.DecidedBy != "staff-a" || len(d.Steps) != len(allSteps) {
			t.Fatalf("one approval: %s by %q (%d steps) %v", d.Outcome, d.DecidedBy, len(d.Steps), err)
		}
		if len(r.hooked) != 2 || r.hooked[0].Outcome != Review || r.hooked[1].Outcome != Approved {
			t.Errorf("hook saw %d decisions, want review then approved", len(r.hooked))
		}
		if q := r.queue(t); len(q) != 0 {
			t.Errorf("queue after decision = %+v", q)
		}
		if _, err := r.svc.Review(context.Background(), "app-1", "staff-b", false, "late"); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("vote after decision: %v, want ErrConflict", err)
		}
	})
}

func TestR8_1_ReviewFourEyesAboveThreshold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, reviewConfig())
		ctx := context.Background()
		r.assessForReview(t, "app-big", 500_001)
		d, err := r.svc.Review(ctx, "app-big", "staff-a", true, "ok")
		if err != nil || d.Outcome != Review {
			t.Fatalf("first approval: %s %v; want still in review", d.Outcome, err)
		}
		if q := r.queue(t); len(q) != 1 || q[0].Approvals != 1 || q[0].Needed != 2 {
			t.Errorf("queue = %+v, want 1 of 2 approvals", q)
		}
		// The same person twice is not four eyes.
		_, err = r.svc.Review(ctx, "app-big", "staff-a", true, "ok again")
		var k *fault.Kinded
		if !errors.Is(err, fault.ErrForbidden) || !errors.As(err, &k) || k.Code != "four_eyes_required" {
			t.Errorf("same staff twice: %v, want forbidden four_eyes_required", err)
		}
		if d, _ := r.decision(t, "app-big"); d.Outcome != Review {
			t.Errorf("after the refused vote: %s, want review", d.Outcome)
		}
		d, err = r.svc.Review(ctx, "app-big", "staff-b", true, "ok")
		if err != nil || d.Outcome != Approved || d.DecidedBy != "staff-a,staff-b" {
			t.Errorf("second approval: %s by %q %v", d.Outcome, d.DecidedBy, err)
		}
		// The database holds the rule too: one vote per person per application.
		_, err = env.Admin.Exec(`INSERT INTO underwriting_vote (application_id, staff_id, approve, reason, at) VALUES ('app-big', 'staff-a', 1, 'x', 1)`)
		if err == nil {
			t.Error("a second vote row by staff-a was accepted")
		}
	})
}

func TestR8_1_ReviewRefusalVoteRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, reviewConfig())
		ctx := context.Background()
		r.assessForReview(t, "app-big", 900_000)
		if _, err := r.svc.Review(ctx, "app-big", "staff-a", true, ""); err != nil {
			t.Fatal(err)
		}
		var fe *fault.FieldError
		if _, err := r.svc.Review(ctx, "app-big", "staff-b", false, " "); !errors.As(err, &fe) || fe.Field != "reason" {
			t.Errorf("refusal without reason: %v, want field reason", err)
		}
		d, err := r.svc.Review(ctx, "app-big", "staff-b", false, "income not confirmed")
		if err != nil || d.Outcome != Refused || !hasReason(d, "staff_refused", LawInternal) {
			t.Errorf("refusal vote: %s %v %v", d.Outcome, d.Reasons, err)
		}
		stored, _ := r.decision(t, "app-big")
		if stored.Outcome != Refused || stored.Reasons[len(stored.Reasons)-1].Text != "income not confirmed" {
			t.Errorf("stored = %s %v", stored.Outcome, stored.Reasons)
		}
		if _, err := r.svc.Review(ctx, "nope", "staff-a", true, ""); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("unknown application: %v", err)
		}
	})
}

func TestR8_1_QueueOldestFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, reviewConfig())
		r.assessForReview(t, "app-b", 100_000)
		env.Clock.Advance(time.Minute)
		r.assessForReview(t, "app-a", 100_000)
		q := r.queue(t)
		if len(q) != 2 || q[0].ApplicationID != "app-b" || q[1].ApplicationID != "app-a" || !q[0].Since.Before(q[1].Since) {
			t.Errorf("queue = %+v, want app-b then app-a", q)
		}
	})
}

func TestHookErrorRollsTheDecisionBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		r.svc.onDecided = func(ctx context.Context, tx *store.Tx, d Decision) error {
			return fault.New(fault.ErrConflict, "application_moved", "moved")
		}
		if _, err := r.svc.Assess(context.Background(), request(t, "app-1")); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("hook error: %v", err)
		}
		if n := r.count(t, `SELECT count(*) FROM underwriting_step`); n != 0 {
			t.Errorf("%d steps left behind", n)
		}
	})
}

// Racing assessments of one application and racing votes on one review: exactly one wins
// each time, the others get a conflict, and the database holds one decision.
func TestR8_1_RacesDecideOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, reviewConfig())
		const n = 4
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := r.svc.Assess(context.Background(), request(t, "app-race"))
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, fault.ErrConflict):
				t.Errorf("racing assessment: %v", err)
			}
		}
		if ok != 1 || r.count(t, `SELECT count(*) FROM underwriting_decision`) != 1 || r.count(t, `SELECT count(*) FROM underwriting_step`) != len(allSteps) {
			t.Fatalf("%d assessments won; want exactly one decision with its steps", ok)
		}
		// app-race is 300 000 ₸: one approval decides; two staff racing, one wins.
		votes := make(chan error, 2)
		for _, staff := range []string{"staff-a", "staff-b"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := r.svc.Review(context.Background(), "app-race", staff, true, "")
				votes <- err
			}()
		}
		wg.Wait()
		close(votes)
		won := 0
		for err := range votes {
			if err == nil {
				won++
			} else if !errors.Is(err, fault.ErrConflict) {
				t.Errorf("racing vote: %v", err)
			}
		}
		if d, _ := r.decision(t, "app-race"); won != 1 || d.Outcome != Approved {
			t.Errorf("%d votes won, outcome %s; want one, approved", won, d.Outcome)
		}
	})
}
