package payout

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"nesie.kz/nesie/internal/obs"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestBacklogShowsDueUncertainAndHeldPayoutsWithTheirAge: the operator's metrics count the
// orders no worker has claimed, the ones whose bank answer was lost, and the ones held for
// staff, each with how long its oldest has waited on the injected clock.
func TestBacklogShowsDueUncertainAndHeldPayoutsWithTheirAge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r, lists := newScreenedRig(t, env)
		ctx := context.Background()
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		backlog := func(t *testing.T, want ...obs.Backlog) {
			t.Helper()
			got, err := r.svc.Backlog(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("backlog (-want +got):\n%s", diff)
			}
		}
		backlog(t, obs.Backlog{Queue: "payout_due"}, obs.Backlog{Queue: "payout_uncertain"}, obs.Backlog{Queue: "payout_held"})

		lists.set("client-1", reviewPhone)
		held := r.enqueue(t, toOwnAccount(t, "loan-held", 10_000_00))
		lost := toOwnAccount(t, "loan-lost", 20_000_00)
		lost.ClientID = "client-2"
		lost = r.enqueue(t, lost)
		env.Clock.Advance(30 * time.Second)
		backlog(t, obs.Backlog{Queue: "payout_due", Items: 2, Oldest: 30 * time.Second},
			obs.Backlog{Queue: "payout_uncertain"}, obs.Backlog{Queue: "payout_held"})

		r.bank.SetLoseResponses(1)
		r.runOnce(t, r.svc) // held by the screen; sent with its answer lost
		if h, l := r.find(t, held.ID), r.find(t, lost.ID); h.Status != Held || l.Status != Sending {
			t.Fatalf("orders %s and %s, want held and sending", h.Status, l.Status)
		}
		backlog(t, obs.Backlog{Queue: "payout_due"}, obs.Backlog{Queue: "payout_uncertain"}, obs.Backlog{Queue: "payout_held", Items: 1})

		// Past the lease (2 minutes) nobody has reconciled the lost one; a new order waits.
		env.Clock.Advance(10 * time.Minute)
		fresh := lost
		fresh.ID, fresh.Reference = "", "loan-fresh"
		r.enqueue(t, fresh)
		env.Clock.Advance(5 * time.Minute)
		backlog(t, obs.Backlog{Queue: "payout_due", Items: 1, Oldest: 5 * time.Minute},
			obs.Backlog{Queue: "payout_uncertain", Items: 1, Oldest: 13 * time.Minute},
			obs.Backlog{Queue: "payout_held", Items: 1, Oldest: 15 * time.Minute})

		r.runOnce(t, r.svc)
		if r.bank.Transfers() != 2 {
			t.Fatalf("%d transfers, want the lost one reconciled and the fresh one sent", r.bank.Transfers())
		}
		backlog(t, obs.Backlog{Queue: "payout_due"}, obs.Backlog{Queue: "payout_uncertain"},
			obs.Backlog{Queue: "payout_held", Items: 1, Oldest: 15 * time.Minute})
		if _, err := r.svc.Reject(ctx, held.ID, "analyst-1", "the phone is a mule's"); err != nil {
			t.Fatal(err)
		}
		backlog(t, obs.Backlog{Queue: "payout_due"}, obs.Backlog{Queue: "payout_uncertain"}, obs.Backlog{Queue: "payout_held"})
	})
}
