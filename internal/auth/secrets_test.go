package auth

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestR11_PasswordAndCodesNeverInLogsOrAudit runs successful and failed logins, a password
// change and a recovery, then searches every audit row and every log line for the passwords
// and codes used.
func TestR11_PasswordAndCodesNeverInLogsOrAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-secret", "+77010000040", 40)
		secrets := []string{goodPassword}
		const wrong = "Almost-The-Password-77"
		secrets = append(secrets, wrong)
		f.begin(a.Phone, wrong, "192.0.2.110")
		ch, err := f.begin(a.Phone, goodPassword, "192.0.2.110")
		if err != nil {
			t.Fatal(err)
		}
		code := f.sms.lastCode(t, a.Phone)
		secrets = append(secrets, code)
		f.svc.CompleteLogin(f.ctx, ch.ID, "999999")
		_, token, err := f.svc.CompleteLogin(f.ctx, ch.ID, code)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, token)
		const changed = "granite mountain lake 8"
		if err := f.svc.SetPassword(f.ctx, a.ClientID, NewPassword(changed)); err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, changed)
		rc, err := f.svc.BeginRecovery(f.ctx, RecoveryRequest{Login: a.ClientID, IP: "192.0.2.110",
			Proof: BiometricProof{ClientID: a.ClientID, CheckID: "bio-s", PassedAt: env.Clock.Now()}})
		if err != nil {
			t.Fatal(err)
		}
		rcode := f.sms.lastCode(t, a.Phone)
		const recovered = "silver river horse 13"
		if err := f.svc.CompleteRecovery(f.ctx, rc.ID, rcode, NewPassword(recovered)); err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, rcode, recovered)

		rows := f.auditRows(t)
		if len(rows) < 8 {
			t.Fatalf("only %d audit rows", len(rows))
		}
		logs := f.logs.String()
		if !strings.Contains(logs, "auth refused") {
			t.Fatalf("refusals were not logged: %q", logs)
		}
		for _, s := range secrets {
			for _, r := range rows {
				if strings.Contains(r.details, s) || strings.Contains(r.objectID, s) {
					t.Errorf("secret %q in audit row %+v", s, r)
				}
			}
			if strings.Contains(logs, s) {
				t.Errorf("secret %q in the logs", s)
			}
		}
		var stored string
		if err := env.Admin.QueryRow(`SELECT password_hash FROM auth_account WHERE client_id = $1`, a.ClientID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored, "$argon2id$") || strings.Contains(stored, recovered) {
			t.Fatalf("stored %q", stored)
		}
		// The session token is not stored, only its hash.
		var n int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM auth_session WHERE token_hash = $1`, []byte(token)).Scan(&n); err != nil || n != 0 {
			t.Fatalf("raw token stored: %d %v", n, err)
		}
	})
}

func TestR11_ConcurrentUseOfOneCodeHasOneWinner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-race", "+77010000041", 41)
		ch, err := f.begin(a.Phone, goodPassword, "192.0.2.111")
		if err != nil {
			t.Fatal(err)
		}
		code := f.sms.lastCode(t, a.Phone)
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, errs[i] = f.svc.CompleteLogin(f.ctx, ch.ID, code)
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch err {
			case nil:
				wins++
			case ErrCodeUsed:
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d logins with one code", wins)
		}
	})
}

func TestR6_5_SetPasswordAppliesPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-pol", "+77010000042", 42)
		for _, bad := range []string{"short1!", "iloveyou123", "my iin " + a.IIN, "phone 7010000042 ok"} {
			err := f.svc.SetPassword(f.ctx, a.ClientID, NewPassword(bad))
			var fe *fault.FieldError
			if !errors.As(err, &fe) || fe.Field != "password" {
				t.Errorf("%q: %v", bad, err)
			}
		}
		if err := f.svc.SetPassword(f.ctx, "c-nobody", NewPassword(goodPassword)); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("unknown client: %v", err)
		}
		if got := len(f.actions(t, "password.set")); got != 1 {
			t.Errorf("password.set audited %d times", got)
		}
		if got := len(f.actions(t, "password.changed")); got != 0 {
			t.Errorf("a refused password was recorded as a change")
		}
	})
}

// Raising the hashing cost leaves old hashes verifying; each is rehashed at the next login.
func TestR29_OldHashesVerifyAndAreRehashed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-rehash", "+77010000043", 43)
		raised := testConfig()
		raised.Argon2.Time = 3
		raised.Argon2.MemoryKiB = 2048
		g := newFixture(t, env, raised)
		g.dir = f.dir
		g.svc.dir = f.dir
		if _, err := g.begin(a.Phone, goodPassword, "192.0.2.112"); err != nil {
			t.Fatalf("old hash under new parameters: %v", err)
		}
		var stored string
		if err := env.Admin.QueryRow(`SELECT password_hash FROM auth_account WHERE client_id = $1`, a.ClientID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored, "$argon2id$v=19$m=2048,t=3,p=1$") {
			t.Fatalf("not rehashed: %s", stored)
		}
		if _, err := g.begin(a.Phone, goodPassword, "192.0.2.112"); err != nil {
			t.Fatalf("rehashed password: %v", err)
		}
	})
}

// An SMS gateway that fails makes the login fail closed with ErrUnavailable.
func TestR6_5_SMSFailureFailsClosed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-smsdown", "+77010000044", 44)
		f.sms.fail = errors.New("gateway down")
		ch, err := f.begin(a.Phone, goodPassword, "192.0.2.113")
		if !errors.Is(err, fault.ErrUnavailable) || ch.ID != "" {
			t.Fatalf("sms down: %+v %v", ch, err)
		}
	})
}

func TestR29_ChangePasswordNeedsTheCurrentOneAndEndsOtherSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-change", "+77010000045", 45)
		here, hereToken := f.login(t, a, "192.0.2.120")
		_, thereToken := f.login(t, a, "192.0.2.121")
		const next = "amber caravan road 5"
		req := ChangePasswordRequest{ClientID: a.ClientID, SessionID: here.ID, Current: NewPassword("not my password!"), Next: NewPassword(next), IP: "192.0.2.120"}
		if err := f.svc.ChangePassword(f.ctx, req); err != ErrInvalidCredentials {
			t.Fatalf("wrong current password: %v", err)
		}
		req.Current = NewPassword(goodPassword)
		req.Next = NewPassword("qwerty12345")
		if err := f.svc.ChangePassword(f.ctx, req); !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("weak new password: %v", err)
		}
		req.Next = NewPassword(next)
		if err := f.svc.ChangePassword(f.ctx, req); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(f.ctx, hereToken); err != nil {
			t.Fatalf("the session of the change was ended: %v", err)
		}
		if _, err := f.svc.Authenticate(f.ctx, thereToken); err != ErrSessionInvalid {
			t.Fatalf("another session survived: %v", err)
		}
		if _, err := f.begin(a.Phone, next, "192.0.2.120"); err != nil {
			t.Fatalf("new password: %v", err)
		}
		if len(f.actions(t, "password.change_refused")) != 1 || len(f.actions(t, "password.changed")) != 1 {
			t.Errorf("audit: %+v", f.auditRows(t))
		}
		if notes := strings.Join(f.notes.list(), ","); !strings.Contains(notes, EventPasswordChanged) {
			t.Errorf("notifications %s", notes)
		}
	})
}
