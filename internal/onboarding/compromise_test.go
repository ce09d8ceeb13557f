package onboarding_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// markCompromised plays the staff member who learnt of the leak.
func (w *world) markCompromised(t *testing.T, clientID string) {
	t.Helper()
	staff := reqctx.WithActor(w.ctx, reqctx.Actor{Kind: reqctx.Staff, ID: "staff-7"})
	if err := w.env.DB.Transact(staff, func(ctx context.Context, tx *store.Tx) error {
		_, err := w.clients.MarkCompromised(ctx, tx, clientID, "found in a published leak")
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func TestR36_ClearCompromiseNeedsFreshBiometricsAndPhoneOwnership(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		c := w.activeClient(t, personIIN, personPhone)
		_, err := w.svc.BeginClearCompromise(w.ctx, c.ID)
		wantRefused(t, err, fault.ErrConflict, "not_compromised")

		env.Clock.Advance(time.Hour)
		w.markCompromised(t, c.ID)
		// Until the fresh checks pass, a sensitive change is refused.
		_, err = w.svc.BeginPhoneChange(w.ctx, c.ID, newPhone)
		wantRefused(t, err, fault.ErrForbidden, "fresh_verification_required")

		st, err := w.svc.BeginClearCompromise(w.ctx, c.ID)
		if err != nil {
			t.Fatalf("begin: %v", err)
		}
		if st.Statement != nil {
			t.Fatal("a compromise clearance has nothing to sign")
		}
		still := func() {
			t.Helper()
			if !client.RequiresFreshVerification(w.find(t, c.ID)) {
				t.Fatal("the mark was lifted by a refused clearance")
			}
		}
		// Another client cannot complete this client's clearance.
		if _, err := w.svc.ClearCompromise(w.ctx, "another-client", st.ID, st.BiometricSessionID); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("another client's clearance: %v", err)
		}
		// No biometrics performed: refused, whatever the registry would say.
		w.phones.Register(personPhone, personIIN)
		if _, err := w.svc.ClearCompromise(w.ctx, c.ID, st.ID, st.BiometricSessionID); err == nil {
			t.Fatal("cleared without biometrics")
		}
		still()
		w.perform(t, st, personIIN)
		// The registry cannot answer: refused (fail closed).
		w.phoneSv.SetMode(sim.Fail)
		_, err = w.svc.ClearCompromise(w.ctx, c.ID, st.ID, st.BiometricSessionID)
		wantRefused(t, err, fault.ErrUnavailable, "phone_registry_unavailable")
		still()
		w.phoneSv.SetMode(sim.Garbage)
		_, err = w.svc.ClearCompromise(w.ctx, c.ID, st.ID, st.BiometricSessionID)
		wantRefused(t, err, fault.ErrUnavailable, "phone_registry_unavailable")
		still()
		// The registry says the phone is someone else's: refused.
		w.phoneSv.SetMode(sim.Normal)
		w.phones.Register(personPhone, strangerIIN)
		_, err = w.svc.ClearCompromise(w.ctx, c.ID, st.ID, st.BiometricSessionID)
		wantRefused(t, err, fault.ErrForbidden, "phone_not_owned")
		still()
		// The stranger's attempt, no biometrics, the registry failing and answering garbage, the
		// phone not owned.
		if n := w.audited(t, "onboarding.compromise_clearance_refused", st.ID); n != 5 {
			t.Fatalf("%d refusal events, want 5", n)
		}

		w.phones.Register(personPhone, personIIN)
		got, err := w.svc.ClearCompromise(w.ctx, c.ID, st.ID, st.BiometricSessionID)
		if err != nil {
			t.Fatalf("clear: %v", err)
		}
		if client.RequiresFreshVerification(got) {
			t.Fatal("still marked after the fresh checks")
		}
		if n := w.audited(t, "client.compromise_cleared", c.ID); n != 1 {
			t.Fatalf("%d client.compromise_cleared events, want 1", n)
		}
		if n := w.count(t, `SELECT (SELECT count(*) FROM audit_pending WHERE action = $1) + (SELECT count(*) FROM audit_event WHERE action = $1)`,
			"onboarding.phone_ownership_confirmed"); n != 1 {
			t.Fatalf("%d phone-ownership records, want 1", n)
		}
		// Sensitive changes are open again.
		if _, err := w.svc.BeginPhoneChange(w.ctx, c.ID, newPhone); err != nil {
			t.Fatalf("phone change after clearing: %v", err)
		}
	})
}

func TestR36_BiometricsBeforeTheLeakDoNotCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		c := w.activeClient(t, personIIN, personPhone)
		w.phones.Register(personPhone, personIIN)
		// A phone-change flow passed biometrics before the leak became known; its session is
		// not a clearance's, and a clearance flow cannot begin before the mark.
		st, err := w.svc.BeginPhoneChange(w.ctx, c.ID, newPhone)
		if err != nil {
			t.Fatal(err)
		}
		w.perform(t, st, personIIN)
		env.Clock.Advance(time.Minute)
		w.markCompromised(t, c.ID)
		_, err = w.svc.ClearCompromise(w.ctx, c.ID, st.ID, st.BiometricSessionID)
		wantRefused(t, err, fault.ErrNotFound, "flow_not_found")
		if !client.RequiresFreshVerification(w.find(t, c.ID)) {
			t.Fatal("mark lifted with a session of another flow")
		}
	})
}
