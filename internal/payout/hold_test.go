package payout

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestR8_2_6_ReviewHoldsTheOrderUntilStaffReleaseIt: a review verdict holds the order — no
// transfer, no lease, not settled, on the staff's queue with its reasons, audited with the
// evidence's digest. A release without a note is refused; a release by staff puts it back,
// and the next run pays it once although the screen still says review (for the reasons staff
// saw); a second run pays nothing more, and a second release is refused.
func TestR8_2_6_ReviewHoldsTheOrderUntilStaffReleaseIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r, lists := newScreenedRig(t, env)
		ctx := context.Background()
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		lists.set("client-1", reviewPhone)
		o := r.enqueue(t, toOwnAccount(t, "loan-review", 45_000_00))
		r.runOnce(t, r.svc)
		heldAt := env.Clock.Now()
		got := r.find(t, o.ID)
		if got.Status != Held || got.Reason != ReasonFraudReview || !got.SettledAt.IsZero() || !got.HeldAt.Equal(heldAt) ||
			!slices.Equal(got.HeldReasons, []string{"list_phone"}) {
			t.Fatalf("reviewed order: %+v, want held for list_phone since %v", got, heldAt)
		}
		var lease *int64
		if err := env.Admin.QueryRow(`SELECT lease_until FROM payout_order WHERE id = $1`, o.ID).Scan(&lease); err != nil || lease != nil {
			t.Errorf("held order's lease %v (%v), want none", lease, err)
		}
		_, _, d, raw := r.auditEvent(t, o.ID, "payout.held")
		change, _ := d["change"].(map[string]any)
		if d["reason"] != ReasonFraudReview || change["evidence_sha256"] != sha256Hex(reviewPhone.Evidence) || strings.Contains(raw, "e-23") {
			t.Errorf("hold audited as %s, want the reasons and the evidence's digest only", raw)
		}
		env.Clock.Advance(time.Hour)
		if n := r.runOnce(t, r.svc); n != 0 || r.bank.Transfers() != 0 {
			t.Fatalf("a held order was claimed (%d) or sent (%d)", n, r.bank.Transfers())
		}
		queue, err := r.svc.Held(ctx)
		if err != nil || len(queue) != 1 || queue[0].ID != o.ID {
			t.Fatalf("held queue %+v, %v; want the order", queue, err)
		}

		if _, err := r.svc.Release(ctx, o.ID, "analyst-1", "  "); !isField(err, "note") {
			t.Errorf("release without a note: %v, want a field error on note", err)
		}
		if _, err := r.svc.Release(ctx, o.ID, "", "called the client"); !isField(err, "staff_id") {
			t.Errorf("release by nobody: %v, want a field error on staff_id", err)
		}
		if got := r.find(t, o.ID); got.Status != Held {
			t.Fatalf("after refused releases: %s, want held", got.Status)
		}
		rel, err := r.svc.Release(ctx, o.ID, "analyst-1", "called the client: the phone is theirs")
		if err != nil || rel.Status != Pending || rel.ReleasedBy != "analyst-1" {
			t.Fatalf("release: %+v, %v; want pending, released by analyst-1", rel, err)
		}
		if kind, who, d, raw := r.auditEvent(t, o.ID, "payout.released"); kind != "staff" || who != "analyst-1" || d["reason"] != "called the client: the phone is theirs" {
			t.Errorf("release audited as %s by %s:%s", raw, kind, who)
		}
		r.runOnce(t, r.svc)
		if got := r.find(t, o.ID); got.Status != Paid || r.bank.Transfers() != 1 || r.paidCount(o.ID) != 1 {
			t.Fatalf("after the release: %s, %d transfers, Paid %d; want paid once", got.Status, r.bank.Transfers(), r.paidCount(o.ID))
		}
		env.Clock.Advance(time.Hour)
		if n := r.runOnce(t, r.svc); n != 0 || r.bank.Transfers() != 1 || r.paidCount(o.ID) != 1 {
			t.Errorf("second run: claimed %d, %d transfers, Paid %d; want 0, 1, 1", n, r.bank.Transfers(), r.paidCount(o.ID))
		}
		if _, err := r.svc.Release(ctx, o.ID, "analyst-1", "again"); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("releasing a paid order: %v, want ErrConflict", err)
		}
		if _, err := r.svc.Reject(ctx, o.ID, "analyst-1", "too late"); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("rejecting a paid order: %v, want ErrConflict", err)
		}
		if got := r.find(t, o.ID); got.Status != Paid || r.failedCount(o.ID) != 0 {
			t.Errorf("after refused decisions: %s, Failed %d; want paid, 0", got.Status, r.failedCount(o.ID))
		}
	})
}

// TestR8_2_6_ReleaseOverridesOnlyTheReviewStaffSaw: after a release, a review for a new reason
// holds the order again (the release is cleared), and a deny fails it: no money leaves.
func TestR8_2_6_ReleaseOverridesOnlyTheReviewStaffSaw(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r, lists := newScreenedRig(t, env)
		ctx := context.Background()
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		lists.set("client-1", reviewPhone)
		o := r.enqueue(t, toOwnAccount(t, "loan-rereview", 20_000_00))
		r.runOnce(t, r.svc)
		if _, err := r.svc.Release(ctx, o.ID, "analyst-1", "checked the phone"); err != nil {
			t.Fatal(err)
		}
		lists.set("client-1", Verdict{Outcome: Review, Reasons: []string{"list_phone", "signal_biometric_failed"}})
		r.runOnce(t, r.svc)
		got := r.find(t, o.ID)
		if got.Status != Held || got.ReleasedBy != "" || !slices.Equal(got.HeldReasons, []string{"list_phone", "signal_biometric_failed"}) {
			t.Fatalf("review for a new reason after a release: %+v, want held again for both reasons, release cleared", got)
		}
		if _, err := r.svc.Release(ctx, o.ID, "analyst-2", "the failed identifications were the client's old phone"); err != nil {
			t.Fatal(err)
		}
		lists.set("client-1", denyIIN)
		r.runOnce(t, r.svc)
		if got := r.find(t, o.ID); got.Status != Failed || got.Reason != ReasonFraudSuspected || r.failedCount(o.ID) != 1 {
			t.Errorf("deny after a release: %s %q, Failed %d; want failed fraud_suspected once", got.Status, got.Reason, r.failedCount(o.ID))
		}
		if r.bank.Transfers() != 0 {
			t.Errorf("%d transfers, want 0", r.bank.Transfers())
		}
	})
}

// TestR8_2_6_StaffRejectFailsAHeldOrder: a rejection needs a reason; it fails the held order
// with "fraud_rejected" through the Failed hook, audited under the staff member. Deciding an
// order that is not held — pending, failed — changes nothing and errs; an unknown order is
// not found. Refused decisions are audited.
func TestR8_2_6_StaffRejectFailsAHeldOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r, lists := newScreenedRig(t, env)
		ctx := context.Background()
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		lists.set("client-1", reviewPhone)
		o := r.enqueue(t, toOwnAccount(t, "loan-reject", 60_000_00))
		r.runOnce(t, r.svc)
		if _, err := r.svc.Reject(ctx, o.ID, "analyst-1", ""); !isField(err, "reason") {
			t.Errorf("rejection without a reason: %v, want a field error on reason", err)
		}
		f, err := r.svc.Reject(ctx, o.ID, "analyst-1", "the phone belongs to a mule network")
		if err != nil || f.Status != Failed || f.Reason != ReasonFraudRejected {
			t.Fatalf("reject: %+v, %v; want failed fraud_rejected", f, err)
		}
		if got := r.find(t, o.ID); got.Status != Failed || got.Reason != ReasonFraudRejected || r.failedCount(o.ID) != 1 || got.SettledAt.IsZero() {
			t.Errorf("rejected order: %+v, Failed %d; want failed fraud_rejected, hook once", got, r.failedCount(o.ID))
		}
		if kind, who, d, raw := r.auditEvent(t, o.ID, "payout.failed"); kind != "staff" || who != "analyst-1" || d["reason"] != ReasonFraudRejected {
			t.Errorf("rejection audited as %s by %s:%s", raw, kind, who)
		}
		if _, err := r.svc.Reject(ctx, o.ID, "analyst-1", "twice"); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("second rejection: %v, want ErrConflict", err)
		}
		if _, err := r.svc.Release(ctx, o.ID, "analyst-2", "changed my mind"); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("releasing a rejected order: %v, want ErrConflict", err)
		}

		lists.set("client-1", Verdict{Outcome: Allow})
		r.srv.SetMode(sim.Fail) // keep the next order pending
		pending := r.enqueue(t, toOwnAccount(t, "loan-pending", 1_000_00))
		r.runOnce(t, r.svc)
		for name, decide := range map[string]func() (Order, error){
			"release": func() (Order, error) { return r.svc.Release(ctx, pending.ID, "analyst-1", "ok") },
			"reject":  func() (Order, error) { return r.svc.Reject(ctx, pending.ID, "analyst-1", "no") },
		} {
			if _, err := decide(); !errors.Is(err, fault.ErrConflict) {
				t.Errorf("%s of a pending order: %v, want ErrConflict", name, err)
			}
		}
		if got := r.find(t, pending.ID); got.Status != Pending || got.ReleasedBy != "" {
			t.Errorf("pending order after refused decisions: %+v", got)
		}
		if _, err := r.svc.Release(ctx, "no-such-order", "analyst-1", "ok"); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("release of an unknown order: %v, want ErrNotFound", err)
		}
		var refused int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM audit_pending WHERE action IN ('payout.release_refused', 'payout.reject_refused')
			AND actor_kind = 'staff'`).Scan(&refused); err != nil || refused != 5 {
			t.Errorf("%d refused decisions audited (%v), want 5", refused, err)
		}
		if r.bank.Transfers() != 0 || r.failedCount(o.ID) != 1 {
			t.Errorf("%d transfers, Failed %d; want 0, 1", r.bank.Transfers(), r.failedCount(o.ID))
		}
	})
}
