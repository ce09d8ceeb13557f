package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestR6_5_RecoveryNeedsBiometricsAndOTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-rec", "+77010000030", 30)
		_, token := f.login(t, a, "192.0.2.100")
		proof := BiometricProof{ClientID: a.ClientID, CheckID: "bio-1", PassedAt: env.Clock.Now().Add(-time.Minute)}
		begin := func(p BiometricProof) (Challenge, error) {
			return f.svc.BeginRecovery(f.ctx, RecoveryRequest{Login: a.Phone, Proof: p, IP: "192.0.2.100", UserAgent: "ua"})
		}
		// Another client's check, a stale one and one from the future are refused.
		for _, bad := range []BiometricProof{
			{ClientID: "c-someone-else", CheckID: "bio-x", PassedAt: env.Clock.Now()},
			{ClientID: a.ClientID, CheckID: "bio-old", PassedAt: env.Clock.Now().Add(-11 * time.Minute)},
			{ClientID: a.ClientID, CheckID: "bio-future", PassedAt: env.Clock.Now().Add(time.Minute)},
		} {
			if _, err := begin(bad); err != ErrProofRefused {
				t.Fatalf("proof %+v: %v", bad, err)
			}
		}
		ch, err := begin(proof)
		if err != nil {
			t.Fatal(err)
		}
		// One biometric check opens one recovery (R11).
		if _, err := begin(proof); err != ErrProofRefused {
			t.Fatalf("proof reused: %v", err)
		}
		code := f.sms.lastCode(t, a.Phone)
		// A weak new password is refused before the code is spent.
		if err := f.svc.CompleteRecovery(f.ctx, ch.ID, code, NewPassword("password123")); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("weak password: %v", err)
		}
		const newPassword = "tulip field at dawn 2026"
		// A login challenge's id does not complete a recovery.
		lc, err := f.begin(a.Phone, goodPassword, "192.0.2.100")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.CompleteRecovery(f.ctx, lc.ID, code, NewPassword(newPassword)); err != ErrChallengeUnknown {
			t.Fatalf("login challenge used for recovery: %v", err)
		}
		if err := f.svc.CompleteRecovery(f.ctx, ch.ID, code, NewPassword(newPassword)); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.CompleteRecovery(f.ctx, ch.ID, code, NewPassword(newPassword+"!")); err != ErrCodeUsed {
			t.Fatalf("recovery code replayed: %v", err)
		}
		if _, err := f.svc.Authenticate(f.ctx, token); err != ErrSessionInvalid {
			t.Fatalf("session survived recovery: %v", err)
		}
		if _, err := f.begin(a.Phone, goodPassword, "192.0.2.100"); err != ErrInvalidCredentials {
			t.Fatalf("old password after recovery: %v", err)
		}
		if _, err := f.begin(a.Phone, newPassword, "192.0.2.100"); err != nil {
			t.Fatalf("new password: %v", err)
		}
		notes := strings.Join(f.notes.list(), ",")
		if !strings.Contains(notes, "c-rec:"+EventPasswordRecovered) {
			t.Errorf("notifications %s", notes)
		}
		if len(f.actions(t, "password.recovered")) != 1 || len(f.actions(t, "recovery.refused")) != 6 {
			t.Errorf("audit: recovered %d, refused %d", len(f.actions(t, "password.recovered")), len(f.actions(t, "recovery.refused")))
		}
	})
}

func TestR6_5_RecoveryLiftsLockout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-reclock", "+77010000031", 31)
		for range 5 {
			f.begin(a.Phone, "not the password at all", "192.0.2.101")
		}
		ch, err := f.svc.BeginRecovery(f.ctx, RecoveryRequest{Login: a.Phone, IP: "192.0.2.101",
			Proof: BiometricProof{ClientID: a.ClientID, CheckID: "bio-2", PassedAt: env.Clock.Now()}})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.CompleteRecovery(f.ctx, ch.ID, f.sms.lastCode(t, a.Phone), NewPassword("blue yurt under stars")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.begin(a.Phone, "blue yurt under stars", "192.0.2.101"); err != nil {
			t.Fatalf("after recovery the lock is lifted: %v", err)
		}
	})
}
