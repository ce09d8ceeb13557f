package auth

import (
	"encoding/base32"
	"errors"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestR6_5_LoginWithPasswordAndSMSCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-sms", "+77010000001", 1)
		// By phone number; no TOTP enrolled, so the code comes by SMS.
		ch, err := f.begin(a.Phone, goodPassword, "198.51.100.7")
		if err != nil {
			t.Fatal(err)
		}
		if ch.Factor != FactorSMS || ch.SentTo != "***0001" || f.sms.count() != 1 {
			t.Fatalf("challenge %+v, %d SMS sent", ch, f.sms.count())
		}
		if want := storetest.Start.Add(5 * time.Minute); !ch.ExpiresAt.Equal(want) {
			t.Errorf("expires %v, want %v", ch.ExpiresAt, want)
		}
		code := f.sms.lastCode(t, a.Phone)
		sess, token, err := f.svc.CompleteLogin(f.ctx, ch.ID, code)
		if err != nil {
			t.Fatal(err)
		}
		if sess.ClientID != "c-sms" || sess.Factor != FactorSMS || sess.IP != "198.51.100.7" || len(token) != 43 {
			t.Fatalf("session %+v token %q", sess, token)
		}
		if !sess.ExpiresAt.Equal(storetest.Start.Add(12*time.Hour)) || !sess.IdleExpiresAt.Equal(storetest.Start.Add(15*time.Minute)) {
			t.Errorf("expiry: %+v", sess)
		}
		got, err := f.svc.Authenticate(f.ctx, token)
		if err != nil || got.ID != sess.ID {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		if _, err := f.svc.Authenticate(f.ctx, token+"x"); err != ErrSessionInvalid {
			t.Fatalf("altered token: %v", err)
		}
		// Only the token's hash is stored.
		var n int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM auth_session WHERE token_hash = $1`, tokenHash(token)).Scan(&n); err != nil || n != 1 {
			t.Fatalf("token hash rows %d: %v", n, err)
		}
		// Login by client id works too.
		if _, err := f.begin("c-sms", goodPassword, "198.51.100.7"); err != nil {
			t.Fatal(err)
		}
		if notes := f.notes.list(); len(notes) != 1 || notes[0] != "c-sms:"+EventLogin {
			t.Errorf("notifications %v", notes)
		}
		if len(f.actions(t, "login.succeeded")) != 1 || len(f.actions(t, "login.challenged")) != 2 {
			t.Errorf("audit: %+v", f.auditRows(t))
		}
	})
}

// totpNow computes the authenticator's code from the base32 secret the client was shown.
func totpNow(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return hotp(raw, uint64(at.Unix()/30), 6)
}

func enrolTOTP(t *testing.T, f *fixture, clientID string) string {
	t.Helper()
	e, err := f.svc.EnrollTOTP(f.ctx, clientID)
	if err != nil {
		t.Fatal(err)
	}
	right := totpNow(t, e.Secret, f.env.Clock.Now())
	wrong := "000000"
	if right == wrong {
		wrong = "111111"
	}
	if err := f.svc.ConfirmTOTP(f.ctx, clientID, wrong); err != ErrCodeInvalid {
		t.Fatalf("wrong confirmation code: %v", err)
	}
	if err := f.svc.ConfirmTOTP(f.ctx, clientID, right); err != nil {
		t.Fatal(err)
	}
	return e.Secret
}

func TestR6_5_LoginWithTOTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-totp", "+77010000002", 2)
		secret := enrolTOTP(t, f, a.ClientID)
		env.Clock.Advance(30 * time.Second) // the confirmation spent this step
		ch, err := f.begin(a.Phone, goodPassword, "198.51.100.8")
		if err != nil {
			t.Fatal(err)
		}
		if ch.Factor != FactorTOTP || f.sms.count() != 0 {
			t.Fatalf("challenge %+v, %d SMS", ch, f.sms.count())
		}
		if _, _, err := f.svc.CompleteLogin(f.ctx, ch.ID, totpNow(t, secret, env.Clock.Now().Add(-90*time.Second))); err != ErrCodeInvalid {
			t.Fatalf("stale TOTP code: %v", err)
		}
		sess, _, err := f.svc.CompleteLogin(f.ctx, ch.ID, totpNow(t, secret, env.Clock.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if sess.Factor != FactorTOTP {
			t.Errorf("factor %s", sess.Factor)
		}
		notes := f.notes.list()
		if len(notes) != 2 || notes[0] != "c-totp:"+EventSecondFactorAdded || notes[1] != "c-totp:"+EventLogin {
			t.Errorf("notifications %v", notes)
		}
		// The client may still choose SMS.
		ch, err = f.svc.BeginLogin(f.ctx, LoginRequest{Login: a.Phone, Password: NewPassword(goodPassword), Factor: FactorSMS, IP: "198.51.100.8"})
		if err != nil || ch.Factor != FactorSMS {
			t.Fatalf("sms by choice: %+v %v", ch, err)
		}
	})
}

func TestR11_OTPReuseRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-replay", "+77010000003", 3)
		ch, err := f.begin(a.Phone, goodPassword, "198.51.100.9")
		if err != nil {
			t.Fatal(err)
		}
		code := f.sms.lastCode(t, a.Phone)
		if _, _, err := f.svc.CompleteLogin(f.ctx, ch.ID, code); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.CompleteLogin(f.ctx, ch.ID, code); err != ErrCodeUsed {
			t.Fatalf("SMS code replayed: %v", err)
		}
		// The code of one challenge does not open another.
		ch2, err := f.begin(a.Phone, goodPassword, "198.51.100.9")
		if err != nil {
			t.Fatal(err)
		}
		if code2 := f.sms.lastCode(t, a.Phone); code2 != code {
			if _, _, err := f.svc.CompleteLogin(f.ctx, ch2.ID, code); err != ErrCodeInvalid {
				t.Fatalf("old code on a new challenge: %v", err)
			}
		}

		// TOTP: a code accepted once is refused on a new challenge within the same 30 s.
		secret := enrolTOTP(t, f, a.ClientID)
		env.Clock.Advance(30 * time.Second)
		totp := totpNow(t, secret, env.Clock.Now())
		ch3, err := f.begin(a.Phone, goodPassword, "198.51.100.9")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.CompleteLogin(f.ctx, ch3.ID, totp); err != nil {
			t.Fatal(err)
		}
		ch4, err := f.begin(a.Phone, goodPassword, "198.51.100.9")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.CompleteLogin(f.ctx, ch4.ID, totp); err != ErrCodeInvalid {
			t.Fatalf("TOTP code replayed: %v", err)
		}
		if refused := f.actions(t, "login.refused"); len(refused) < 2 {
			t.Errorf("replays not audited: %+v", refused)
		}
	})
}

func TestR6_5_OTPExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-exp", "+77010000004", 4)
		ch, err := f.begin(a.Phone, goodPassword, "198.51.100.10")
		if err != nil {
			t.Fatal(err)
		}
		env.Clock.Advance(5 * time.Minute)
		if _, _, err := f.svc.CompleteLogin(f.ctx, ch.ID, f.sms.lastCode(t, a.Phone)); err != ErrCodeExpired {
			t.Fatalf("expired code: %v", err)
		}
		// Just inside the lifetime it works.
		ch, err = f.begin(a.Phone, goodPassword, "198.51.100.10")
		if err != nil {
			t.Fatal(err)
		}
		env.Clock.Advance(5*time.Minute - time.Microsecond)
		if _, _, err := f.svc.CompleteLogin(f.ctx, ch.ID, f.sms.lastCode(t, a.Phone)); err != nil {
			t.Fatalf("code within its lifetime: %v", err)
		}
	})
}

func TestR6_5_OTPTriesExhausted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-tries", "+77010000005", 5)
		ch, err := f.begin(a.Phone, goodPassword, "198.51.100.11")
		if err != nil {
			t.Fatal(err)
		}
		code := f.sms.lastCode(t, a.Phone)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for i, want := range []error{ErrCodeInvalid, ErrCodeInvalid, ErrCodeTriesExhausted} {
			if _, _, err := f.svc.CompleteLogin(f.ctx, ch.ID, wrong); err != want {
				t.Fatalf("wrong code %d: %v, want %v", i+1, err, want)
			}
		}
		if _, _, err := f.svc.CompleteLogin(f.ctx, ch.ID, code); err != ErrCodeTriesExhausted {
			t.Fatalf("right code after the tries ran out: %v", err)
		}
		var err2 error
		if _, _, err2 = f.svc.CompleteLogin(f.ctx, ch.ID, "12345"); !errors.Is(err2, fault.ErrInvalid) {
			t.Fatalf("malformed code: %v", err2)
		}
		if _, _, err := f.svc.CompleteLogin(f.ctx, "no-such-challenge", code); err != ErrChallengeUnknown {
			t.Fatalf("unknown challenge: %v", err)
		}
	})
}

func TestR29_LockoutGrowsAndReleases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		cfg := testConfig()
		cfg.AccountLimit.Max = 1000
		f := newFixture(t, env, cfg)
		a := f.client(t, "c-lock", "+77010000006", 6)
		fail := func(n int) {
			t.Helper()
			for i := range n {
				if _, err := f.begin(a.Phone, "wrong password "+string(rune('a'+i)), "198.51.100.12"); err != ErrInvalidCredentials {
					t.Fatalf("wrong password %d: %v", i+1, err)
				}
			}
		}
		fail(5)
		if _, err := f.begin(a.Phone, goodPassword, "198.51.100.12"); err != ErrAccountLocked {
			t.Fatalf("right password while locked: %v", err)
		}
		env.Clock.Advance(59 * time.Second)
		if _, err := f.begin(a.Phone, goodPassword, "198.51.100.12"); err != ErrAccountLocked {
			t.Fatalf("after 59 s: %v", err)
		}
		env.Clock.Advance(time.Second)
		if _, err := f.begin(a.Phone, goodPassword, "198.51.100.12"); err != nil {
			t.Fatalf("after the 1-minute lock: %v", err)
		}
		// The second lock lasts twice as long.
		fail(5)
		env.Clock.Advance(time.Minute + 59*time.Second)
		if _, err := f.begin(a.Phone, goodPassword, "198.51.100.12"); err != ErrAccountLocked {
			t.Fatalf("second lock after 1m59s: %v", err)
		}
		env.Clock.Advance(time.Second)
		// Wrong second-factor codes count as failures too; then a full login resets the delay.
		ch, err := f.begin(a.Phone, goodPassword, "198.51.100.12")
		if err != nil {
			t.Fatalf("after the 2-minute lock: %v", err)
		}
		if _, _, err := f.svc.CompleteLogin(f.ctx, ch.ID, f.sms.lastCode(t, a.Phone)); err != nil {
			t.Fatal(err)
		}
		fail(5)
		env.Clock.Advance(time.Minute)
		if _, err := f.begin(a.Phone, goodPassword, "198.51.100.12"); err != nil {
			t.Fatalf("after a success the first lock is 1 minute again: %v", err)
		}
		// The cap: the delay stops doubling at LockMax.
		for lvl, want := range map[int]time.Duration{0: time.Minute, 1: 2 * time.Minute, 3: 8 * time.Minute, 10: 1024 * time.Minute, 11: 24 * time.Hour, 40: 24 * time.Hour} {
			if got := cfg.lockDelay(lvl); got != want {
				t.Errorf("lock %d lasts %v, want %v", lvl, got, want)
			}
		}
		locks := 0
		for _, r := range f.actions(t, "login.refused") {
			if strings.Contains(r.details, "locked_until") {
				locks++
			}
		}
		if locks != 3 {
			t.Errorf("%d refusals recorded a lock, want 3", locks)
		}
	})
}

func TestR29_RateLimitPerIP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		cfg := testConfig()
		cfg.IPLimit = Limit{Max: 3, Window: time.Minute}
		f := newFixture(t, env, cfg)
		a := f.client(t, "c-ip", "+77010000007", 7)
		b := f.client(t, "c-ip2", "+77010000008", 8)
		const ip = "192.0.2.50"
		for _, login := range []string{"+77019999999", "+77019999998", b.Phone} {
			f.begin(login, "guess guess guess", ip)
		}
		if _, err := f.begin(a.Phone, goodPassword, ip); err != ErrTooManyAttempts {
			t.Fatalf("fourth attempt from one address: %v", err)
		}
		if _, err := f.begin(a.Phone, goodPassword, "192.0.2.51"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		env.Clock.Advance(time.Minute)
		if _, err := f.begin(a.Phone, goodPassword, ip); err != nil {
			t.Fatalf("next window: %v", err)
		}
		if len(f.actions(t, "login.refused")) < 4 {
			t.Errorf("refusals not audited: %+v", f.auditRows(t))
		}
		// The windows of the first minute end with the hour-long account windows.
		if n, err := f.svc.PurgeRateLimits(f.ctx); err != nil || n != 0 {
			t.Fatalf("purge within the hour: %d %v", n, err)
		}
		env.Clock.Advance(time.Hour + time.Minute)
		if n, err := f.svc.PurgeRateLimits(f.ctx); err != nil || n == 0 {
			t.Fatalf("purge after the hour: %d %v", n, err)
		}
		var left int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM auth_rate`).Scan(&left); err != nil || left != 0 {
			t.Fatalf("%d rate rows left: %v", left, err)
		}
	})
}

func TestR29_RateLimitPerAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		cfg := testConfig()
		cfg.AccountLimit = Limit{Max: 2, Window: time.Hour}
		cfg.LockAfter = 100
		f := newFixture(t, env, cfg)
		a := f.client(t, "c-acct", "+77010000009", 9)
		f.begin(a.Phone, "guess guess guess", "192.0.2.60")
		f.begin(a.ClientID, "guess guess guess", "192.0.2.61")
		if _, err := f.begin(a.Phone, goodPassword, "192.0.2.62"); err != ErrTooManyAttempts {
			t.Fatalf("third attempt on one account from a third address: %v", err)
		}
	})
}

func TestR32_FailedLoginsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-aud", "+77010000010", 10)
		const wrong = "Wrong-Secret-Phrase-123"
		if _, err := f.begin(a.Phone, wrong, "192.0.2.70"); err != ErrInvalidCredentials {
			t.Fatal(err)
		}
		if _, err := f.begin("+77015555555", wrong, "192.0.2.70"); err != ErrInvalidCredentials {
			t.Fatalf("unknown login must look like a wrong password: %v", err)
		}
		refused := f.actions(t, "login.refused")
		if len(refused) != 2 || refused[0].objectID != "c-aud" || refused[1].objectID != "" ||
			!strings.Contains(refused[0].details, "invalid_credentials") {
			t.Fatalf("refusals: %+v", refused)
		}
		var ip, actor string
		if err := env.Admin.QueryRow(`SELECT ip, actor_kind FROM audit_pending WHERE action = 'login.refused' LIMIT 1`).Scan(&ip, &actor); err != nil || ip != "203.0.113.5" || actor != "anonymous" {
			t.Fatalf("refusal ip %q actor %q: %v", ip, actor, err)
		}
	})
}
