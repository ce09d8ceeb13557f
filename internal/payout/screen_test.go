package payout

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/store/storetest"
)

// listScreen is an anti-fraud screen that answers as the lists would after an analyst's
// change: the verdict set for the order's client, allow for a client not named, an error for
// everyone while down. It counts its calls by order.
type listScreen struct {
	mu       sync.Mutex
	verdicts map[string]Verdict
	down     error
	calls    map[string]int
}

func (l *listScreen) screen(_ context.Context, o Order) (Verdict, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls[o.ID]++
	if l.down != nil {
		return Verdict{}, l.down
	}
	if v, ok := l.verdicts[o.ClientID]; ok {
		return v, nil
	}
	return Verdict{Outcome: Allow}, nil
}

func (l *listScreen) set(clientID string, v Verdict) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.verdicts[clientID] = v
}

func (l *listScreen) fail(err error) { l.mu.Lock(); defer l.mu.Unlock(); l.down = err }

func (l *listScreen) callsFor(id string) int { l.mu.Lock(); defer l.mu.Unlock(); return l.calls[id] }

// newScreenedRig is newRig with the list screen in front of the money.
func newScreenedRig(t *testing.T, env *storetest.Env) (*rig, *listScreen) {
	t.Helper()
	r := newRig(t, env)
	l := &listScreen{verdicts: map[string]Verdict{}, calls: map[string]int{}}
	r.screen = l.screen
	r.svc = r.newService(t)
	return r, l
}

// The verdicts the tests give, with evidence as a screen would attach it.
var (
	denyIIN     = Verdict{Outcome: Deny, Reasons: []string{"list_iin"}, Evidence: []byte(`{"Outcome":"deny","ListEntryIDs":["e-17"]}`)}
	reviewPhone = Verdict{Outcome: Review, Reasons: []string{"list_phone"}, Evidence: []byte(`{"Outcome":"review","ListEntryIDs":["e-23"]}`)}
)

// auditEvent returns the actor and details of the latest event action recorded for the order
// id; the details are nil when there is none.
func (r *rig) auditEvent(t testing.TB, id, action string) (actorKind, actorID string, details map[string]any, raw string) {
	t.Helper()
	err := r.env.Admin.QueryRow(`SELECT actor_kind, actor_id, details FROM audit_pending WHERE object_id = $1 AND action = $2
		ORDER BY id DESC LIMIT 1`, id, action).Scan(&actorKind, &actorID, &raw)
	if err != nil {
		return "", "", nil, ""
	}
	if err := json.Unmarshal([]byte(raw), &details); err != nil {
		t.Fatalf("audit details of %s: %v", action, err)
	}
	return actorKind, actorID, details, raw
}

// sha256Hex is the digest the audit trail should keep of evidence.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestR8_2_6_ClientDeniedAfterEnqueueGetsNoTransfer: the client is put on a deny list after
// the order was enqueued (during the cooling-off): the worker sends nothing — not even the
// ownership check, which would have put the order back while the gateway is down — and fails
// the order with "fraud_suspected" through the Failed hook, once, audited with the evidence's
// digest only.
func TestR8_2_6_ClientDeniedAfterEnqueueGetsNoTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r, lists := newScreenedRig(t, env)
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		o := r.enqueue(t, toOwnAccount(t, "loan-denied", 150_000_00))
		env.Clock.Advance(24 * time.Hour) // the cooling-off
		lists.set("client-1", denyIIN)
		r.srv.SetMode(sim.Fail) // any call to the gateway would leave the order pending
		r.runOnce(t, r.svc)
		got := r.find(t, o.ID)
		if got.Status != Failed || got.Reason != ReasonFraudSuspected || got.SettledAt.IsZero() {
			t.Fatalf("denied order: %s %q settled %v, want failed fraud_suspected", got.Status, got.Reason, got.SettledAt)
		}
		r.srv.SetMode(sim.Normal)
		env.Clock.Advance(time.Hour)
		if n := r.runOnce(t, r.svc); n != 0 {
			t.Errorf("a later run claimed %d, want 0", n)
		}
		if r.bank.Transfers() != 0 || r.bank.Balance(iban(t, ownIBAN)) != 0 || r.failedCount(o.ID) != 1 || r.paidCount(o.ID) != 0 {
			t.Errorf("%d transfers, balance %d, Failed hook %d, Paid hook %d; want 0, 0, 1, 0",
				r.bank.Transfers(), r.bank.Balance(iban(t, ownIBAN)), r.failedCount(o.ID), r.paidCount(o.ID))
		}
		if want := []string{"payout.enqueued", "payout.sending", "payout.failed"}; !slices.Equal(r.auditActions(t, o.ID), want) {
			t.Errorf("audit %v, want %v", r.auditActions(t, o.ID), want)
		}
		_, _, d, raw := r.auditEvent(t, o.ID, "payout.failed")
		change, _ := d["change"].(map[string]any)
		if d["reason"] != "fraud_suspected" || change["evidence_sha256"] != sha256Hex(denyIIN.Evidence) || change["screen_outcome"] != "deny" {
			t.Errorf("audited failure %s, want the reason, the outcome and the evidence's digest", raw)
		}
		if strings.Contains(raw, "e-17") {
			t.Errorf("the audit keeps the evidence itself: %s", raw)
		}
	})
}

// TestR8_2_6_ScreenWithoutAnswerSendsNothing: a screen that errs, or answers nothing an order
// can act on, puts the order back (pending, due after Retry, reason antifraud_unavailable),
// audited; nothing is sent until a real allow comes.
func TestR8_2_6_ScreenWithoutAnswerSendsNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r, lists := newScreenedRig(t, env)
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		o := r.enqueue(t, toOwnAccount(t, "loan-unscreened", 70_000_00))
		for _, tc := range []struct {
			name string
			set  func()
		}{
			{"error", func() { lists.fail(errors.New("anti-fraud database unreachable")) }},
			{"no outcome", func() { lists.fail(nil); lists.set("client-1", Verdict{}) }},
			{"unknown outcome", func() { lists.set("client-1", Verdict{Outcome: "maybe"}) }},
			{"reason not a code", func() { lists.set("client-1", Verdict{Outcome: Review, Reasons: []string{"list_iin,list_phone"}}) }},
		} {
			tc.set()
			env.Clock.Advance(2 * time.Minute) // due again
			if n := r.runOnce(t, r.svc); n != 1 {
				t.Fatalf("%s: claimed %d, want 1", tc.name, n)
			}
			got := r.find(t, o.ID)
			if got.Status != Pending || got.Reason != ReasonAntifraudUnavailable {
				t.Errorf("%s: %s %q, want pending antifraud_unavailable", tc.name, got.Status, got.Reason)
			}
			if n := r.runOnce(t, r.svc); n != 0 {
				t.Errorf("%s: claimed %d again before Retry, want 0", tc.name, n)
			}
		}
		if r.bank.Transfers() != 0 || r.failedCount(o.ID) != 0 {
			t.Fatalf("%d transfers, Failed hook %d while the screen gave no answer; want 0, 0", r.bank.Transfers(), r.failedCount(o.ID))
		}
		if _, _, d, raw := r.auditEvent(t, o.ID, "payout.deferred"); d["reason"] != ReasonAntifraudUnavailable {
			t.Errorf("deferral audited as %s", raw)
		}
		lists.set("client-1", Verdict{Outcome: Allow})
		env.Clock.Advance(2 * time.Minute)
		r.runOnce(t, r.svc)
		if got := r.find(t, o.ID); got.Status != Paid || r.bank.Transfers() != 1 || r.paidCount(o.ID) != 1 {
			t.Errorf("after an allow: %s, %d transfers, Paid %d; want paid once", got.Status, r.bank.Transfers(), r.paidCount(o.ID))
		}
	})
}

// TestR8_2_6_UncertainOrderIsReconciledNotScreened: an order whose transfer may have been sent
// (its answer was lost) is settled by the gateway's account of it, however the lists changed:
// the screen is not asked again. An order claimed by a worker that died before the gateway
// (the gateway never saw its key) is certainly unsent, and screened before it is sent.
func TestR8_2_6_UncertainOrderIsReconciledNotScreened(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r, lists := newScreenedRig(t, env)
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		o := r.enqueue(t, toOwnAccount(t, "loan-maybe-sent", 30_000_00))
		r.bank.SetLoseResponses(1)
		r.runOnce(t, r.svc)
		if got := r.find(t, o.ID); got.Status != Sending || lists.callsFor(o.ID) != 1 {
			t.Fatalf("after a lost answer: %s, screened %d times; want sending, 1", got.Status, lists.callsFor(o.ID))
		}
		lists.set("client-1", denyIIN)
		env.Clock.Advance(3 * time.Minute) // past the lease
		r.runOnce(t, r.svc)
		if got := r.find(t, o.ID); got.Status != Paid || r.bank.Transfers() != 1 || r.paidCount(o.ID) != 1 || r.failedCount(o.ID) != 0 {
			t.Errorf("reconciled: %s, %d transfers, Paid %d, Failed %d; want paid by the one transfer", got.Status, r.bank.Transfers(), r.paidCount(o.ID), r.failedCount(o.ID))
		}
		if n := lists.callsFor(o.ID); n != 1 {
			t.Errorf("screened %d times, want 1 (never while the order may have been sent)", n)
		}

		// A worker claims, and dies before the gateway: the next claim finds the key unknown.
		dead := r.enqueue(t, Order{Reference: "loan-dead-worker", ClientID: "client-1", BeneficiaryID: clientIIN, Amount: 9_000_00,
			Kind: KindBank, To: toOwnAccount(t, "x", 1).To})
		if cs, err := r.svc.claim(context.Background()); err != nil || len(cs) != 1 {
			t.Fatalf("claim: %v, %v", cs, err)
		}
		env.Clock.Advance(3 * time.Minute)
		r.runOnce(t, r.svc)
		if got := r.find(t, dead.ID); got.Status != Failed || got.Reason != ReasonFraudSuspected || r.bank.Transfers() != 1 {
			t.Errorf("order of the dead worker: %s %q, %d transfers; want failed fraud_suspected, still 1", got.Status, got.Reason, r.bank.Transfers())
		}
	})
}
