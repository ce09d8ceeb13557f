package auth

import (
	"errors"
	"testing"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestR29_SessionIdleExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-idle", "+77010000020", 20)
		_, token := f.login(t, a, "192.0.2.80")
		env.Clock.Advance(14 * time.Minute)
		s, err := f.svc.Authenticate(f.ctx, token)
		if err != nil {
			t.Fatalf("used after 14 min: %v", err)
		}
		if !s.LastSeenAt.Equal(env.Clock.Now()) || !s.IdleExpiresAt.Equal(env.Clock.Now().Add(15*time.Minute)) {
			t.Errorf("not touched: %+v", s)
		}
		env.Clock.Advance(15*time.Minute - time.Microsecond)
		if _, err := f.svc.Authenticate(f.ctx, token); err != nil {
			t.Fatalf("used 1 µs before idling out: %v", err)
		}
		env.Clock.Advance(15 * time.Minute)
		if _, err := f.svc.Authenticate(f.ctx, token); err != ErrSessionExpired {
			t.Fatalf("idle 15 min: %v", err)
		}
		if _, err := f.svc.Authenticate(f.ctx, token); err != ErrSessionInvalid {
			t.Fatalf("after expiry: %v", err)
		}
		if ev := f.actions(t, "session.expired"); len(ev) != 1 {
			t.Errorf("expiry audited %d times", len(ev))
		}
		if list, err := f.svc.Sessions(f.ctx, a.ClientID); err != nil || len(list) != 0 {
			t.Errorf("expired session listed: %+v %v", list, err)
		}
	})
}

func TestR29_SessionAbsoluteExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-abs", "+77010000021", 21)
		sess, token := f.login(t, a, "192.0.2.81")
		// Used every 10 minutes, it never idles out, yet ends 12 h after it began.
		for env.Clock.Now().Add(10 * time.Minute).Before(sess.ExpiresAt) {
			env.Clock.Advance(10 * time.Minute)
			if _, err := f.svc.Authenticate(f.ctx, token); err != nil {
				t.Fatalf("at %v: %v", env.Clock.Now(), err)
			}
		}
		env.Clock.Set(sess.ExpiresAt)
		if _, err := f.svc.Authenticate(f.ctx, token); err != ErrSessionExpired {
			t.Fatalf("at 12 h: %v", err)
		}
		if !sess.ExpiresAt.Equal(storetest.Start.Add(12 * time.Hour)) {
			t.Errorf("absolute expiry %v", sess.ExpiresAt)
		}
	})
}

func TestR29_RevokeAndLogoutEverywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-rev", "+77010000022", 22)
		other := f.client(t, "c-other", "+77010000023", 23)
		phone, phoneToken := f.login(t, a, "192.0.2.90")
		env.Clock.Advance(time.Minute)
		laptop, laptopToken := f.login(t, a, "192.0.2.91")
		env.Clock.Advance(time.Minute)
		tablet, tabletToken := f.login(t, a, "192.0.2.92")
		_, otherToken := f.login(t, other, "192.0.2.93")

		list, err := f.svc.Sessions(f.ctx, a.ClientID)
		if err != nil || len(list) != 3 {
			t.Fatalf("sessions: %+v %v", list, err)
		}
		if list[0].ID != tablet.ID || list[2].ID != phone.ID || list[1].IP != "192.0.2.91" || list[1].UserAgent != "agent 192.0.2.91" ||
			!list[2].CreatedAt.Equal(storetest.Start) {
			t.Fatalf("listing: %+v", list)
		}
		// One client cannot end another's session.
		if err := f.svc.Revoke(f.ctx, other.ClientID, laptop.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("foreign revoke: %v", err)
		}
		if err := f.svc.Revoke(f.ctx, a.ClientID, laptop.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(f.ctx, laptopToken); err != ErrSessionInvalid {
			t.Fatalf("revoked token: %v", err)
		}
		if err := f.svc.Revoke(f.ctx, a.ClientID, laptop.ID); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("second revoke: %v", err)
		}
		if _, err := f.svc.Authenticate(f.ctx, phoneToken); err != nil {
			t.Fatalf("other session hit: %v", err)
		}
		if err := f.svc.Logout(f.ctx, tabletToken); err != nil {
			t.Fatal(err)
		}
		n, err := f.svc.LogoutEverywhere(f.ctx, a.ClientID)
		if err != nil || n != 1 {
			t.Fatalf("logout everywhere ended %d: %v", n, err)
		}
		for _, tok := range []string{phoneToken, tabletToken} {
			if _, err := f.svc.Authenticate(f.ctx, tok); err != ErrSessionInvalid {
				t.Fatalf("token after logout everywhere: %v", err)
			}
		}
		if _, err := f.svc.Authenticate(f.ctx, otherToken); err != nil {
			t.Fatalf("the other client's session was ended: %v", err)
		}
		for action, want := range map[string]int{"session.revoked": 1, "session.logged_out": 1, "session.logout_everywhere": 1, "session.refused": 3} {
			if got := len(f.actions(t, action)); got != want {
				t.Errorf("%s audited %d times, want %d", action, got, want)
			}
		}
	})
}
