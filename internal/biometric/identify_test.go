package biometric_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"slices"
	"testing"

	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

func TestR35_IdentificationWithLivenessPasses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		sess := h.start(t, demoIIN)
		if n := len(sess.Movements); n < 3 || n > 5 {
			t.Fatalf("issued %d movements, want 3 to 5", n)
		}
		if sess.Status != biometric.StatusOpen || sess.Nonce == "" || !sess.ExpiresAt.After(env.Clock.Now()) {
			t.Fatalf("new session: %+v", sess)
		}
		h.perform(t, sess, sess.Movements, h.reference(t, demoIIN))
		check, err := h.svc.Complete(h.ctx, sess.ID)
		if err != nil {
			t.Fatalf("complete: %v", err)
		}
		// The simulator scores a frame equal to the reference photo 987 per-mille (its doc).
		if !check.Passed || check.Reason != "" || check.SimilarityPermille != 987 || check.Attempt != 1 {
			t.Fatalf("check: %+v", check)
		}
		got, err := h.svc.FindSession(h.ctx, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != biometric.StatusPassed || got.EndedAt.IsZero() || got.Attempts != 0 {
			t.Fatalf("session after pass: %+v", got)
		}
		if h.audited(t, "biometric.session_started", sess.ID) != 1 || h.audited(t, "biometric.check_passed", sess.ID) != 1 {
			t.Fatal("start and pass not audited once each")
		}
		// A passed session is spent: checking it again is refused.
		if _, err := h.svc.Complete(h.ctx, sess.ID); !errors.Is(err, fault.ErrConflict) {
			t.Fatalf("second completion: %v, want ErrConflict", err)
		}
		// The demo selfie marker also matches (962 per-mille, above the 900 threshold).
		sess2 := h.start(t, demoIIN)
		h.perform(t, sess2, sess2.Movements, []byte("nesie-demo-selfie:"+demoIIN))
		if check, err := h.svc.Complete(h.ctx, sess2.ID); err != nil || check.SimilarityPermille != 962 {
			t.Fatalf("demo selfie: %+v, %v", check, err)
		}
	})
}

func TestR11_ReplayedBiometricResultRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		earlier := h.start(t, demoIIN)
		h.perform(t, earlier, earlier.Movements, h.reference(t, demoIIN))
		if _, err := h.svc.Complete(h.ctx, earlier.ID); err != nil {
			t.Fatalf("earlier session: %v", err)
		}
		later := h.start(t, demoIIN)
		h.perform(t, later, later.Movements, h.reference(t, demoIIN))
		// Someone on the wire answers the later session with the earlier, genuine result.
		if err := h.sim.ReplayResult(later.ProviderSessionID, earlier.ProviderSessionID); err != nil {
			t.Fatal(err)
		}
		check := h.refusedWith(t, later, "biometric_result_replayed")
		// The replayed bytes are a genuine result, signed by the trusted key: only the nonce
		// binding catches them.
		r, err := biometric.ParseResult(check.Raw, h.cfg.ProviderKey)
		if err != nil {
			t.Fatalf("replayed result should verify on its own: %v", err)
		}
		if r.Nonce != earlier.Nonce || r.Nonce == later.Nonce {
			t.Fatalf("replayed result carries nonce %q; earlier %q, later %q", r.Nonce, earlier.Nonce, later.Nonce)
		}
	})
}

func TestR35_MovementsOutOfOrderRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		sess := h.start(t, demoIIN)
		swapped := slices.Clone(sess.Movements)
		swapped[0], swapped[1] = swapped[1], swapped[0]
		h.perform(t, sess, swapped, h.reference(t, demoIIN))
		check := h.refusedWith(t, sess, "biometric_movements_mismatch")
		// The provider saw a live face doing every movement; only the order is wrong, and
		// that is Nesie's check.
		r, err := biometric.ParseResult(check.Raw, h.cfg.ProviderKey)
		if err != nil || !r.LivenessPassed || r.SimilarityPermille < h.cfg.MinSimilarity {
			t.Fatalf("result: %+v, %v", r, err)
		}
		// Performed in order on the next attempt, the same session passes.
		h.perform(t, sess, sess.Movements, h.reference(t, demoIIN))
		if check, err := h.svc.Complete(h.ctx, sess.ID); err != nil || !check.Passed || check.Attempt != 2 {
			t.Fatalf("second attempt: %+v, %v", check, err)
		}
	})
}

func TestR35_SequenceNeverReusedForAClient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		seen := map[string]bool{}
		var first biometric.Session
		for i := range 25 {
			sess := h.start(t, demoIIN)
			if i == 0 {
				first = sess
			}
			if seen[sess.Movements.String()] {
				t.Fatalf("sequence %s issued twice", sess.Movements)
			}
			seen[sess.Movements.String()] = true
		}
		// The provider breaks its promise and hands out the first sequence again.
		h.sim.ForceNextSequence(demoIIN, movementNames(first.Movements))
		_, err := h.svc.Start(h.ctx, iin(t, demoIIN))
		if !errors.Is(err, fault.ErrUnavailable) || code(err) != "biometric_sequence_reused" {
			t.Fatalf("repeated sequence: %v, want ErrUnavailable biometric_sequence_reused", err)
		}
		if n := h.count(t, `SELECT count(*) FROM biometric_session WHERE iin_index = $1`, h.iinIndex(demoIIN)); n != 25 {
			t.Fatalf("%d sessions stored, want 25: the refused one must not be", n)
		}
		if n := h.count(t, `SELECT count(*) FROM audit_pending WHERE action = 'biometric.session_refused'`); n != 1 {
			t.Fatalf("%d refusals audited, want 1", n)
		}
		// The rule is per client: another person may be given the same sequence.
		h.sim.ForceNextSequence(otherIIN, movementNames(first.Movements))
		if other := h.start(t, otherIIN); !other.Movements.Equal(first.Movements) {
			t.Fatalf("other client got %s, want %s", other.Movements, first.Movements)
		}
		// The database itself refuses a second row with the same client and sequence.
		_, err = env.Admin.Exec(`INSERT INTO biometric_session (id, provider_session_id, iin_index, iin_sealed, nonce,
			movements, status, attempts, max_attempts, created_at, expires_at)
			VALUES ('x', 'x', $1, $2, 'fresh-nonce', $3, 'open', 0, 3, 1, 2)`,
			h.iinIndex(demoIIN), []byte("sealed"), first.Movements.String())
		if err == nil {
			t.Fatal("the database accepted a repeated sequence for one client")
		}
	})
}

func movementNames(seq biometric.Sequence) []string {
	out := make([]string, len(seq))
	for i, m := range seq {
		out[i] = string(m)
	}
	return out
}

func TestR34_BiometricCheckKeptAsReceived(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		refused := h.start(t, demoIIN)
		h.perform(t, refused, refused.Movements, []byte("someone else's face"))
		h.refusedWith(t, refused, "biometric_similarity_low")
		passed := h.start(t, demoIIN)
		h.perform(t, passed, passed.Movements, h.reference(t, demoIIN))
		if _, err := h.svc.Complete(h.ctx, passed.ID); err != nil {
			t.Fatal(err)
		}
		for _, sess := range []biometric.Session{refused, passed} {
			// What the provider serves, fetched independently of the service.
			served, err := h.client.FetchResult(h.ctx, sess.ProviderSessionID)
			if err != nil {
				t.Fatal(err)
			}
			var sealed, digest, sig []byte
			var id, outcome string
			err = env.Admin.QueryRow(`SELECT id, raw_result, raw_digest, signature, outcome FROM biometric_check WHERE session_id = $1`,
				sess.ID).Scan(&id, &sealed, &digest, &sig, &outcome)
			if err != nil {
				t.Fatal(err)
			}
			// At rest the result is sealed (R37), bound to its check: opened, it is the
			// bytes received.
			if bytes.Contains(sealed, served) {
				t.Fatalf("%s: the raw result is stored in clear", outcome)
			}
			raw, err := h.vault.Open(sealed, vault.AAD("biometric_check", "raw_result", id))
			if err != nil {
				t.Fatalf("%s: open the kept result: %v", outcome, err)
			}
			sum := sha256.Sum256(served)
			if string(raw) != string(served) || string(digest) != string(sum[:]) {
				t.Fatalf("%s: stored bytes differ from the bytes received", outcome)
			}
			r, err := biometric.ParseResult(raw, h.cfg.ProviderKey)
			if err != nil || string(r.Signature) != string(sig) {
				t.Fatalf("%s: stored signature does not match the result's: %v", outcome, err)
			}
		}
		// The kept document cannot be altered or removed, even by the database owner.
		if _, err := env.Admin.Exec(`UPDATE biometric_check SET outcome = 'passed', reason = '' WHERE session_id = $1`, refused.ID); err == nil {
			t.Fatal("a kept check was updated")
		}
		if _, err := env.Admin.Exec(`DELETE FROM biometric_check WHERE session_id = $1`, refused.ID); err == nil {
			t.Fatal("a kept check was deleted")
		}
		checks, err := h.svc.Checks(h.ctx, refused.ID)
		if err != nil || len(checks) != 1 || checks[0].Passed || checks[0].Reason != "biometric_similarity_low" {
			t.Fatalf("checks of the refused session: %+v, %v", checks, err)
		}
		// The service reads the document back as received.
		served, err := h.client.FetchResult(h.ctx, refused.ProviderSessionID)
		if err != nil || !bytes.Equal(checks[0].Raw, served) {
			t.Fatalf("Checks returned %d raw bytes, not the %d served (%v)", len(checks[0].Raw), len(served), err)
		}
	})
}
