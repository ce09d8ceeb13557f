package onboarding_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/onboarding"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/biometricsim"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestR35_BiometricFailureLeavesNoClient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		app := individual(client.Individual, personIIN, personPhone)
		st := w.begin(t, app)
		sig := w.signAs(t, person(personIIN), st.Statement)
		// The movements out of order: liveness does not match the sequence issued.
		reversed := append(st.Movements[:0:0], st.Movements...)
		for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
			reversed[i], reversed[j] = reversed[j], reversed[i]
		}
		if err := w.bioHTTP.Perform(w.ctx, st.ProviderSessionID, reversed, biometricsim.DemoSelfie(personIIN)); err != nil {
			t.Fatal(err)
		}
		_, err := w.complete(st, app, sig)
		if !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("movements out of order: %v, want refused", err)
		}
		w.nothingRegistered(t)
		// Someone else's face: the similarity falls below the threshold.
		w.perform(t, st, strangerIIN)
		_, err = w.complete(st, app, sig)
		if !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("another face: %v, want refused", err)
		}
		w.nothingRegistered(t)
		if n := w.audited(t, "onboarding.registration_refused", st.ID); n != 2 {
			t.Fatalf("%d refusal events, want 2", n)
		}
		// The provider down: refused, never let through.
		w.perform(t, st, personIIN)
		w.bioSrv.SetMode(sim.Garbage)
		_, err = w.complete(st, app, sig)
		if !errors.Is(err, fault.ErrUnavailable) {
			t.Fatalf("provider answering garbage: %v, want unavailable", err)
		}
		w.nothingRegistered(t)
	})
}

func TestR6_3_BiometricIdentityMustMatchTheApplication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		mine := individual(client.Individual, personIIN, personPhone)
		theirs := individual(client.Individual, strangerIIN, otherPhone)
		st := w.begin(t, mine)
		other := w.begin(t, theirs)
		// The stranger passes their own biometrics; that session is offered for mine.
		w.perform(t, other, strangerIIN)
		_, err := w.svc.Complete(w.ctx, onboarding.CompleteRequest{RegistrationID: st.ID, BiometricSessionID: other.BiometricSessionID,
			Application: mine, Signature: w.signAs(t, person(personIIN), st.Statement)})
		wantRefused(t, err, fault.ErrForbidden, "biometric_session_foreign")
		w.nothingRegistered(t)
		// Nor can the application be switched to the stranger's IIN to match their session.
		switched := mine
		switched.Person.IIN = strangerIIN
		_, err = w.svc.Complete(w.ctx, onboarding.CompleteRequest{RegistrationID: st.ID, BiometricSessionID: st.BiometricSessionID,
			Application: switched, Signature: w.signAs(t, person(strangerIIN), st.Statement)})
		wantRefused(t, err, fault.ErrForbidden, "statement_mismatch")
		w.nothingRegistered(t)
		// Someone with write access to the database rebinds the flow to a session the stranger
		// passed: the session's IIN still decides (R6.3).
		sess, err := w.bioSvc.Start(w.ctx, mustIIN(t, strangerIIN))
		if err != nil {
			t.Fatal(err)
		}
		if err := w.bioHTTP.Perform(w.ctx, sess.ProviderSessionID, sess.Movements, biometricsim.DemoSelfie(strangerIIN)); err != nil {
			t.Fatal(err)
		}
		if _, err := env.Admin.Exec(`UPDATE onboarding_flow SET biometric_session_id = $1 WHERE id = $2`, sess.ID, st.ID); err != nil {
			t.Fatal(err)
		}
		rebound := onboarding.CompleteRequest{RegistrationID: st.ID, BiometricSessionID: sess.ID,
			Application: mine, Signature: w.signAs(t, person(personIIN), st.Statement)}
		// The statement names its session, so its digest no longer matches…
		_, err = w.svc.Complete(w.ctx, rebound)
		wantRefused(t, err, fault.ErrForbidden, "statement_mismatch")
		// …and with the digest rewritten too, the session's IIN refuses it.
		forged := sha256.Sum256(bytes.Replace(st.Statement, []byte(st.BiometricSessionID), []byte(sess.ID), 1))
		if _, err := env.Admin.Exec(`UPDATE onboarding_flow SET statement_sha256 = $1 WHERE id = $2`, forged[:], st.ID); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.Complete(w.ctx, rebound)
		wantRefused(t, err, fault.ErrForbidden, "biometric_identity_mismatch")
		w.nothingRegistered(t)
	})
}

func mustIIN(t *testing.T, s string) kz.IIN {
	t.Helper()
	n, err := kz.ParseIIN(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
