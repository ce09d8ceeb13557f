package biometric_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

func TestBiometricResultSignedByForeignKeyRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		sess := h.start(t, demoIIN)
		_, foreign, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		h.sim.SetSigningKey(foreign)
		h.perform(t, sess, sess.Movements, h.reference(t, demoIIN))
		check := h.refusedWith(t, sess, "biometric_signature_invalid")
		// Everything else about the result is right: the signature alone refuses it.
		if _, err := biometric.ParseResult(check.Raw, foreign.Public().(ed25519.PublicKey)); err != nil {
			t.Fatalf("the foreign result should verify under the foreign key: %v", err)
		}
		if _, err := biometric.ParseResult(check.Raw, h.cfg.ProviderKey); !errors.Is(err, biometric.ErrSignature) {
			t.Fatalf("ParseResult under the trusted key: %v, want ErrSignature", err)
		}
	})
}

func TestBiometricLowSimilarityRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		sess := h.start(t, demoIIN)
		// Another seeded person's reference photo: a real face, the wrong one.
		h.perform(t, sess, sess.Movements, h.reference(t, otherIIN))
		check := h.refusedWith(t, sess, "biometric_similarity_low")
		if check.SimilarityPermille >= h.cfg.MinSimilarity {
			t.Fatalf("similarity %d kept, want below %d", check.SimilarityPermille, h.cfg.MinSimilarity)
		}
	})
}

func TestBiometricStaleResultRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		sess := h.start(t, demoIIN)
		h.perform(t, sess, sess.Movements, h.reference(t, demoIIN))
		env.Clock.Advance(h.cfg.Freshness + time.Second)
		h.refusedWith(t, sess, "biometric_result_stale")
	})
}

func TestR35_ThreeFailuresEndSessionAndRaiseFraudSignal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		sess := h.start(t, demoIIN)
		for attempt := 1; attempt <= 3; attempt++ {
			h.perform(t, sess, sess.Movements, []byte("a printed photo of somebody"))
			check, err := h.svc.Complete(h.ctx, sess.ID)
			if !errors.Is(err, fault.ErrForbidden) || check.Attempt != attempt {
				t.Fatalf("attempt %d: %+v, %v", attempt, check, err)
			}
			signals := h.count(t, `SELECT count(*) FROM antifraud_signal WHERE object_id = $1`, sess.ID)
			want := 0
			if attempt == 3 {
				want = 1
			}
			if signals != want {
				t.Fatalf("after attempt %d: %d anti-fraud signals, want %d", attempt, signals, want)
			}
		}
		got, err := h.svc.FindSession(h.ctx, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != biometric.StatusFailed || got.Attempts != 3 || got.EndedAt.IsZero() {
			t.Fatalf("session after three failures: %+v", got)
		}
		var signalID, kind string
		var index, sealed []byte
		if err := env.Admin.QueryRow(`SELECT id, kind, iin_index, iin_sealed FROM antifraud_signal WHERE object_id = $1`,
			sess.ID).Scan(&signalID, &kind, &index, &sealed); err != nil {
			t.Fatal(err)
		}
		signalIIN, err := h.vault.Open(sealed, vault.AAD("antifraud_signal", "iin_sealed", signalID))
		if kind != biometric.FraudSignalKind || !bytes.Equal(index, h.iinIndex(demoIIN)) || err != nil || string(signalIIN) != demoIIN {
			t.Fatalf("signal: kind %q, index matches %v, iin %q (%v)", kind, bytes.Equal(index, h.iinIndex(demoIIN)), signalIIN, err)
		}
		if n := h.audited(t, "biometric.fraud_suspected", sess.ID); n != 1 {
			t.Fatalf("%d fraud_suspected events, want 1", n)
		}
		// The ended session cannot be rescued by a right performance.
		h.perform(t, sess, sess.Movements, h.reference(t, demoIIN))
		if _, err := h.svc.Complete(h.ctx, sess.ID); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("completion after the end: %v, want ErrConflict", err)
		}
		if n := h.count(t, `SELECT count(*) FROM biometric_check WHERE session_id = $1 AND outcome = 'passed'`, sess.ID); n != 0 {
			t.Fatalf("%d passed checks on a failed session", n)
		}
	})
}

func TestBiometricSessionExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		sess := h.start(t, demoIIN)
		h.perform(t, sess, sess.Movements, h.reference(t, demoIIN))
		env.Clock.Set(sess.ExpiresAt)
		if _, err := h.svc.Complete(h.ctx, sess.ID); !errors.Is(err, fault.ErrConflict) || code(err) != "biometric_session_expired" {
			t.Fatalf("complete after expiry: %v", err)
		}
		if got, _ := h.svc.FindSession(h.ctx, sess.ID); got.Status != biometric.StatusExpired {
			t.Fatalf("status %s, want expired", got.Status)
		}
	})
}

func TestBiometricProviderFailureFailsClosed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		for _, mode := range []sim.Mode{sim.Fail, sim.Hang, sim.Garbage} {
			t.Run(mode.String(), func(t *testing.T) {
				// Starting a session.
				h.server.SetMode(mode)
				before := h.count(t, `SELECT count(*) FROM biometric_session`)
				if _, err := h.svc.Start(h.ctx, iin(t, demoIIN)); !errors.Is(err, fault.ErrUnavailable) {
					t.Fatalf("start: %v, want ErrUnavailable", err)
				}
				if after := h.count(t, `SELECT count(*) FROM biometric_session`); after != before {
					t.Fatal("a session was stored although the provider failed")
				}
				// Completing a session the client performed correctly.
				h.server.SetMode(sim.Normal)
				sess := h.start(t, demoIIN)
				h.perform(t, sess, sess.Movements, h.reference(t, demoIIN))
				h.server.SetMode(mode)
				check, err := h.svc.Complete(h.ctx, sess.ID)
				if !errors.Is(err, fault.ErrUnavailable) || check.Passed {
					t.Fatalf("complete: %+v, %v, want ErrUnavailable", check, err)
				}
				h.server.SetMode(sim.Normal)
				got, err := h.svc.FindSession(h.ctx, sess.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != biometric.StatusOpen || got.Attempts != 0 {
					t.Fatalf("session after a provider failure: %s, %d attempts", got.Status, got.Attempts)
				}
				if n := h.count(t, `SELECT count(*) FROM biometric_check WHERE session_id = $1`, sess.ID); n != 0 {
					t.Fatalf("%d checks kept from a failed provider", n)
				}
				if n := h.audited(t, "biometric.check_unavailable", sess.ID); n != 1 {
					t.Fatalf("%d check_unavailable events, want 1", n)
				}
			})
		}
	})
}

func TestBiometricUnknownPersonRefusedNamingIIN(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		// A valid IIN (check digit computed) that the simulated state database does not hold.
		_, err := h.svc.Start(h.ctx, iin(t, "921115300347"))
		var fe *fault.FieldError
		if !errors.As(err, &fe) || fe.Field != "iin" {
			t.Fatalf("start for an unknown person: %v, want a field error on iin", err)
		}
		if n := h.count(t, `SELECT count(*) FROM biometric_session`); n != 0 {
			t.Fatalf("%d sessions stored", n)
		}
	})
}
