package device

import (
	"context"
	"errors"
	"testing"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store/storetest"
)

func code(err error) string {
	var k *fault.Kinded
	if errors.As(err, &k) {
		return k.Code
	}
	return ""
}

func TestR26_2_RegisteredDeviceSignsRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		for _, alg := range []Algorithm{Ed25519, P256} {
			f := setup(t, env)
			p := newPhone(t, alg)
			d := f.register(t, "c1", "bio-1", p)
			body := []byte(`{"amount":5000000}`)
			got, err := f.svc.Verify(context.Background(), Request{
				Method: "POST", RequestURI: "/v1/loans?draft=1", Body: body,
				Signature: p.sign(t, "POST", "/v1/loans?draft=1", body, f.now(), nonce()),
			})
			if err != nil {
				t.Fatalf("%s: a correctly signed request: %v", alg, err)
			}
			if got.ID != d.ID || got.ClientID != "c1" || !got.LastUsedAt.Equal(storetest.Start) {
				t.Errorf("%s: verified device = %+v", alg, got)
			}
			list, err := f.svc.List(context.Background(), "c1")
			found := false
			for _, l := range list {
				found = found || l.ID == d.ID && l.LastUsedAt.Equal(storetest.Start) && l.Algorithm == alg && !l.Revoked()
			}
			if err != nil || !found {
				t.Errorf("%s: list = %+v, %v; want the device, used now", alg, list, err)
			}
		}
	})
}

func TestR26_2_RegistrationNeedsFreshBiometricsAndIsAuditedAndNotified(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		p := newPhone(t, Ed25519)
		for _, check := range []string{"", "bio-2", "bio-unknown"} { // none, another client's, unknown
			_, err := f.svc.Register(context.Background(), Registration{
				ClientID: "c1", Name: "Phone", Platform: IOS, Algorithm: Ed25519, PublicKey: p.pub, BiometricCheck: check,
			})
			if !errors.Is(err, fault.ErrForbidden) || code(err) != "biometrics_required" {
				t.Errorf("check %q: %v, want biometrics_required", check, err)
			}
		}
		if list, _ := f.svc.List(context.Background(), "c1"); len(list) != 0 {
			t.Fatalf("refused registrations left devices: %+v", list)
		}
		d := f.register(t, "c1", "bio-1", p)
		var n int
		env.Admin.QueryRow(`SELECT count(*) FROM audit_pending WHERE action = 'device.registered' AND object_id = $1`, d.ID).Scan(&n)
		if n != 1 {
			t.Errorf("%d registration audit events, want 1", n)
		}
		if len(f.notices.list) != 1 || f.notices.list[0] != "c1:device_registered" {
			t.Errorf("notices = %v, want c1:device_registered", f.notices.list)
		}
		// The same key again is refused: one key, one device.
		_, err := f.svc.Register(context.Background(), Registration{
			ClientID: "c1", Name: "Again", Platform: IOS, Algorithm: Ed25519, PublicKey: p.pub, BiometricCheck: "bio-1",
		})
		if !errors.Is(err, fault.ErrConflict) {
			t.Errorf("the same key registered again: %v, want conflict", err)
		}
	})
}

func TestR26_2_TamperedRequestRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		p := newPhone(t, P256)
		f.register(t, "c1", "bio-1", p)
		other := newPhone(t, P256)
		f.register(t, "c2", "bio-2", other)
		body := []byte(`{"amount":5000000}`)
		ts, n := f.now(), nonce()
		sig := p.sign(t, "POST", "/v1/loans", body, ts, n)
		for name, req := range map[string]Request{
			"another body":   {Method: "POST", RequestURI: "/v1/loans", Body: []byte(`{"amount":9000000}`), Signature: sig},
			"another path":   {Method: "POST", RequestURI: "/v1/repayments", Body: body, Signature: sig},
			"another method": {Method: "PUT", RequestURI: "/v1/loans", Body: body, Signature: sig},
			"another device": {Method: "POST", RequestURI: "/v1/loans", Body: body,
				Signature: "v=1,device=" + other.id + sig[len("v=1,device=")+32:]},
		} {
			_, err := f.svc.Verify(context.Background(), req)
			if !errors.Is(err, fault.ErrUnauthenticated) || code(err) != "device_signature_invalid" {
				t.Errorf("%s: %v, want device_signature_invalid", name, err)
			}
		}
		// The refusals did not use up the nonce: the genuine request still passes.
		if _, err := f.svc.Verify(context.Background(), Request{Method: "POST", RequestURI: "/v1/loans", Body: body, Signature: sig}); err != nil {
			t.Errorf("the genuine request after forgeries: %v", err)
		}
		for _, h := range []string{"", "garbage", "v=1,device=00,ts=1,nonce=x,sig=y"} {
			if _, err := f.svc.Verify(context.Background(), Request{Method: "GET", RequestURI: "/", Signature: h}); !errors.Is(err, fault.ErrUnauthenticated) {
				t.Errorf("header %q: %v, want unauthenticated", h, err)
			}
		}
	})
}

func TestR26_2_ReplayedNonceRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		p := newPhone(t, Ed25519)
		f.register(t, "c1", "bio-1", p)
		n := nonce()
		req := Request{Method: "GET", RequestURI: "/v1/loans", Signature: p.sign(t, "GET", "/v1/loans", nil, f.now(), n)}
		if _, err := f.svc.Verify(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		env.Clock.Advance(time.Second)
		if _, err := f.svc.Verify(context.Background(), req); code(err) != "device_request_replayed" {
			t.Errorf("the same request again: %v, want device_request_replayed", err)
		}
		// The same nonce on a new, validly signed request is a replay too.
		again := Request{Method: "GET", RequestURI: "/v1/profile", Signature: p.sign(t, "GET", "/v1/profile", nil, f.now(), n)}
		if _, err := f.svc.Verify(context.Background(), again); code(err) != "device_request_replayed" {
			t.Errorf("a reused nonce: %v, want device_request_replayed", err)
		}
	})
}

func TestR26_2_StaleTimestampRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		p := newPhone(t, Ed25519)
		f.register(t, "c1", "bio-1", p)
		window := int64((5 * time.Minute).Seconds())
		for _, tc := range []struct {
			offset int64
			ok     bool
		}{{-window - 1, false}, {window + 1, false}, {-window, true}, {window, true}} {
			req := Request{Method: "GET", RequestURI: "/v1/loans", Signature: p.sign(t, "GET", "/v1/loans", nil, f.now()+tc.offset, nonce())}
			_, err := f.svc.Verify(context.Background(), req)
			if tc.ok && err != nil || !tc.ok && code(err) != "device_request_stale" {
				t.Errorf("timestamp %+ds from now: %v", tc.offset, err)
			}
		}
	})
}

func TestR26_2_OldNoncesForgottenOnlyAfterTwiceTheWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		p := newPhone(t, Ed25519)
		f.register(t, "c1", "bio-1", p)
		verify := func() {
			t.Helper()
			req := Request{Method: "GET", RequestURI: "/", Signature: p.sign(t, "GET", "/", nil, f.now(), nonce())}
			if _, err := f.svc.Verify(context.Background(), req); err != nil {
				t.Fatal(err)
			}
		}
		count := func() (n int) {
			env.Admin.QueryRow(`SELECT count(*) FROM device_nonce WHERE device_id = $1`, p.id).Scan(&n)
			return n
		}
		verify()
		env.Clock.Advance(10 * time.Minute) // exactly twice the window: still kept
		verify()
		if n := count(); n != 2 {
			t.Errorf("%d nonces kept at twice the window, want 2", n)
		}
		env.Clock.Advance(time.Second)
		verify()
		if n := count(); n != 2 {
			t.Errorf("%d nonces kept past twice the window, want 2 (the first forgotten)", n)
		}
	})
}

func TestR26_2_RevokedDeviceRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		p := newPhone(t, Ed25519)
		d := f.register(t, "c1", "bio-1", p)
		if err := f.svc.Revoke(asClient("c2"), d.ID, ""); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("another client revoking: %v, want not found", err)
		}
		if err := f.svc.Revoke(context.Background(), d.ID, "cleanup"); !errors.Is(err, fault.ErrForbidden) {
			t.Errorf("the system revoking: %v, want forbidden", err)
		}
		if err := f.svc.Revoke(asClient("c1"), d.ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Revoke(asClient("c1"), d.ID, ""); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("revoking twice: %v, want conflict", err)
		}
		req := Request{Method: "GET", RequestURI: "/v1/loans", Signature: p.sign(t, "GET", "/v1/loans", nil, f.now(), nonce())}
		if _, err := f.svc.Verify(context.Background(), req); code(err) != "device_revoked" {
			t.Errorf("a revoked device's request: %v, want device_revoked", err)
		}
		list, _ := f.svc.List(context.Background(), "c1")
		if len(list) != 1 || !list[0].Revoked() || list[0].RevokedBy != "client:c1" {
			t.Errorf("list after revocation = %+v", list)
		}
		if want := []string{"c1:device_registered", "c1:device_revoked"}; len(f.notices.list) != 2 || f.notices.list[1] != want[1] {
			t.Errorf("notices = %v, want %v", f.notices.list, want)
		}
	})
}

func TestR26_2_StaffRevocationAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		p := newPhone(t, P256)
		d := f.register(t, "c1", "bio-1", p)
		var fe *fault.FieldError
		if err := f.svc.Revoke(asStaff("officer-7"), d.ID, " "); !errors.As(err, &fe) || fe.Field != "reason" {
			t.Errorf("staff without a reason: %v, want a field error on reason", err)
		}
		if err := f.svc.Revoke(asStaff("officer-7"), d.ID, "client reported the phone stolen"); err != nil {
			t.Fatal(err)
		}
		var kind, id, details string
		err := env.Admin.QueryRow(`SELECT actor_kind, actor_id, details FROM audit_pending WHERE action = 'device.revoked' AND object_id = $1`, d.ID).
			Scan(&kind, &id, &details)
		if err != nil || kind != "staff" || id != "officer-7" {
			t.Fatalf("revocation audit: %s %s %s, %v; want staff officer-7", kind, id, details, err)
		}
		if !contains(details, "client reported the phone stolen") || !contains(details, "staff:officer-7") {
			t.Errorf("audit details %s lack the reason or the actor", details)
		}
		req := Request{Method: "GET", RequestURI: "/", Signature: p.sign(t, "GET", "/", nil, f.now(), nonce())}
		if _, err := f.svc.Verify(context.Background(), req); code(err) != "device_revoked" {
			t.Errorf("after staff revocation: %v, want device_revoked", err)
		}
	})
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
