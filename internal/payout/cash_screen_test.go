package payout

import (
	"context"
	"errors"
	"testing"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestR8_2_6_CashDeskScreensTheHandOut: the cashier's hand-out is screened after the
// identification is checked. Deny refuses it and fails the order through the Failed hook;
// review refuses it and holds the order, which a release sends back to the cash desk (never to
// the worker); no answer refuses it and leaves the order waiting. Nothing is recorded as
// handed out but the released one.
func TestR8_2_6_CashDeskScreensTheHandOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r, lists := newScreenedRig(t, env)
		ctx := context.Background()
		idCard := CashIdentification{DocumentKind: "id_card", DocumentNumber: "012345678", DocumentValidUntil: date.In(env.Clock.Now()).AddDays(365)}
		cash := func(ref, clientID string) Order {
			return r.enqueue(t, Order{Reference: ref, ClientID: clientID, BeneficiaryID: clientIIN, Amount: 50_000_00, Kind: KindCashDesk})
		}
		handedOut := func(id string) int {
			var n int
			if err := env.Admin.QueryRow(`SELECT count(*) FROM payout_cash_identification WHERE order_id = $1`, id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		denied := cash("loan-cash-denied", "client-denied")
		lists.set("client-denied", denyIIN)
		if _, err := r.svc.RecordCashPayout(ctx, denied.ID, "cashier-1", CashIdentification{DocumentKind: "id_card"}); !isField(err, "document_number") {
			t.Fatalf("bad identification: %v, want a field error first", err)
		}
		if n := lists.callsFor(denied.ID); n != 0 {
			t.Errorf("screened %d times for a hand-out refused on its identification, want 0", n)
		}
		_, err := r.svc.RecordCashPayout(ctx, denied.ID, "cashier-1", idCard)
		var k *fault.Kinded
		if !errors.Is(err, fault.ErrForbidden) || !errors.As(err, &k) || k.Code != "payout_fraud_suspected" {
			t.Fatalf("hand-out to a denied client: %v, want ErrForbidden payout_fraud_suspected", err)
		}
		if got := r.find(t, denied.ID); got.Status != Failed || got.Reason != ReasonFraudSuspected || r.failedCount(denied.ID) != 1 || handedOut(denied.ID) != 0 {
			t.Errorf("denied cash order: %s %q, Failed %d, handed out %d; want failed fraud_suspected, hook once, none", got.Status, got.Reason, r.failedCount(denied.ID), handedOut(denied.ID))
		}

		reviewed := cash("loan-cash-review", "client-review")
		lists.set("client-review", reviewPhone)
		if _, err := r.svc.RecordCashPayout(ctx, reviewed.ID, "cashier-1", idCard); !errors.As(err, &k) || k.Code != "payout_held" {
			t.Fatalf("hand-out to a client under review: %v, want payout_held", err)
		}
		if got := r.find(t, reviewed.ID); got.Status != Held || handedOut(reviewed.ID) != 0 {
			t.Fatalf("reviewed cash order: %s, handed out %d; want held, none", got.Status, handedOut(reviewed.ID))
		}
		if _, err := r.svc.RecordCashPayout(ctx, reviewed.ID, "cashier-2", idCard); !errors.As(err, &k) || k.Code != "payout_held" {
			t.Errorf("second try at the desk while held: %v, want payout_held", err)
		}
		rel, err := r.svc.Release(ctx, reviewed.ID, "analyst-1", "identity confirmed in person")
		if err != nil || rel.Status != AwaitingCashDesk {
			t.Fatalf("release of a cash order: %+v, %v; want awaiting_cash_desk", rel, err)
		}
		if n := r.runOnce(t, r.svc); n != 0 {
			t.Errorf("the worker claimed %d orders after a cash release, want 0", n)
		}
		paid, err := r.svc.RecordCashPayout(ctx, reviewed.ID, "cashier-1", idCard)
		if err != nil || paid.Status != Paid || r.paidCount(reviewed.ID) != 1 || handedOut(reviewed.ID) != 1 {
			t.Errorf("hand-out after the release: %+v, %v, Paid %d; want paid once", paid, err, r.paidCount(reviewed.ID))
		}

		waiting := cash("loan-cash-down", "client-1")
		lists.fail(errors.New("anti-fraud database unreachable"))
		if _, err := r.svc.RecordCashPayout(ctx, waiting.ID, "cashier-1", idCard); !errors.Is(err, fault.ErrUnavailable) {
			t.Errorf("hand-out without an anti-fraud answer: %v, want ErrUnavailable", err)
		}
		if got := r.find(t, waiting.ID); got.Status != AwaitingCashDesk || handedOut(waiting.ID) != 0 || r.paidCount(waiting.ID) != 0 {
			t.Errorf("cash order without an answer: %s, handed out %d; want still awaiting, none", got.Status, handedOut(waiting.ID))
		}
		var refusals int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM audit_pending WHERE action = 'payout.cash_refused'`).Scan(&refusals); err != nil || refusals != 5 {
			t.Errorf("%d refused hand-outs audited (%v), want 5", refusals, err)
		}
	})
}
