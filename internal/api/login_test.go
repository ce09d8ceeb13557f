package api_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/store/storetest"
)

func TestR6_5_LoginOverHTTPWithSMSCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		before := len(w.inbox(t, clientPhone))
		ch := w.begin(t, clientPhone, password, "sms")
		if ch.Factor != "sms" || ch.ChallengeID == "" {
			t.Fatalf("challenge %+v", ch)
		}
		// The code went to the client's phone, and the answer shows the number masked only.
		if ch.SentTo == "" || strings.Contains(ch.SentTo, "555") || !strings.HasSuffix(ch.SentTo, "0123") {
			t.Fatalf("sent_to %q: want the number masked to its last four digits", ch.SentTo)
		}
		if got := len(w.inbox(t, clientPhone)); got != before+1 {
			t.Fatalf("messages to the phone: %d, want %d", got, before+1)
		}
		exp, err := time.Parse(time.RFC3339, ch.ExpiresAt)
		if err != nil || !exp.Equal(env.Clock.Now().Add(5*time.Minute).Truncate(time.Second)) {
			t.Fatalf("expires_at %q, want five minutes from now (%v)", ch.ExpiresAt, err)
		}
		var s session
		w.call(t, "POST", "/api/v1/login/"+ch.ChallengeID+"/complete", "", map[string]string{"code": w.lastCode(t, clientPhone)}).decode(t, http.StatusCreated, &s)
		if s.Token == "" || s.Session.Factor != "sms" || !s.Session.Current {
			t.Fatalf("session %+v", s)
		}
		// The token opens the cabinet; the answer is not cacheable and shows the phone masked.
		a := w.call(t, "GET", "/api/v1/me", s.Token, nil)
		var me struct {
			ClientID string `json:"client_id"`
			Phone    string `json:"phone"`
		}
		a.decode(t, http.StatusOK, &me)
		if me.ClientID != w.clientID || me.Phone != "+7******0123" {
			t.Fatalf("me %+v, want client %s and phone +7******0123", me, w.clientID)
		}
		if cc := a.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Fatalf("Cache-Control %q, want no-store", cc)
		}
		if strings.Contains(string(a.body), clientIIN) || strings.Contains(string(a.body), "5550123") {
			t.Fatalf("me leaks personal data: %s", a.body)
		}
		// The client id is a login too.
		w.begin(t, w.clientID, password, "sms")
		// Without a token, or with a wrong one, the cabinet is closed.
		w.call(t, "GET", "/api/v1/me", "", nil).want(t, http.StatusUnauthorized, "session_invalid")
		w.call(t, "GET", "/api/v1/me", s.Token+"x", nil).want(t, http.StatusUnauthorized, "session_invalid")
	})
}

// totp computes an RFC 6238 code (HMAC-SHA1, 30-second steps, 6 digits) for the base32
// secret at instant at, written here from the RFC rather than taken from the code under test.
func totp(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(strings.ToUpper(secret), "="))
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	var counter [8]byte
	binary.BigEndian.PutUint64(counter[:], uint64(at.Unix()/30))
	mac := hmac.New(sha1.New, key)
	mac.Write(counter[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", bin%1_000_000)
}

func TestR6_5_LoginWithTOTPOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		first := w.login(t)
		// Asking for TOTP before enrolling an authenticator is a conflict, not a login.
		w.call(t, "POST", "/api/v1/login", "", map[string]string{"login": clientPhone, "password": password, "factor": "totp"}).
			want(t, http.StatusConflict, "second_factor_unavailable")

		var e struct {
			Secret string `json:"secret"`
			URI    string `json:"uri"`
		}
		w.call(t, "POST", "/api/v1/totp", first.Token, nil).decode(t, http.StatusCreated, &e)
		u, err := url.Parse(e.URI)
		if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != e.Secret {
			t.Fatalf("uri %q does not carry the secret (%v)", e.URI, err)
		}
		w.call(t, "POST", "/api/v1/totp/confirm", first.Token, map[string]string{"code": "000000"}).want(t, http.StatusUnauthorized, "code_invalid")
		if a := w.call(t, "POST", "/api/v1/totp/confirm", first.Token, map[string]string{"code": totp(t, e.Secret, env.Clock.Now())}); a.status != http.StatusNoContent {
			t.Fatalf("confirm: %d %s", a.status, a.body)
		}
		env.Clock.Advance(30 * time.Second) // the confirmation spent this step's code

		sent := len(w.inbox(t, clientPhone))
		ch := w.begin(t, clientPhone, password, "") // an enrolled authenticator is the default
		if ch.Factor != "totp" || ch.SentTo != "" {
			t.Fatalf("challenge %+v: want totp, nothing sent", ch)
		}
		if n := len(w.inbox(t, clientPhone)); n != sent {
			t.Fatalf("a TOTP login sent %d SMS", n-sent)
		}
		// A code of two steps ago is refused; the current one signs in.
		old := totp(t, e.Secret, env.Clock.Now().Add(-90*time.Second))
		w.call(t, "POST", "/api/v1/login/"+ch.ChallengeID+"/complete", "", map[string]string{"code": old}).want(t, http.StatusUnauthorized, "code_invalid")
		var s session
		w.call(t, "POST", "/api/v1/login/"+ch.ChallengeID+"/complete", "", map[string]string{"code": totp(t, e.Secret, env.Clock.Now())}).decode(t, http.StatusCreated, &s)
		if s.Session.Factor != "totp" {
			t.Fatalf("session factor %q, want totp", s.Session.Factor)
		}
	})
}

func TestR11_OTPReuseRefusedOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		ch := w.begin(t, clientPhone, password, "sms")
		code := w.lastCode(t, clientPhone)
		path := "/api/v1/login/" + ch.ChallengeID + "/complete"
		var s session
		w.call(t, "POST", path, "", map[string]string{"code": code}).decode(t, http.StatusCreated, &s)
		// The same code again — by the client or by someone who saw it — opens nothing.
		a := w.call(t, "POST", path, "", map[string]string{"code": code})
		if a.status != http.StatusUnauthorized || (a.code() != "code_used" && a.code() != "challenge_unknown") {
			t.Fatalf("reused code: %d %s", a.status, a.body)
		}
		if strings.Contains(string(a.body), "token") {
			t.Fatalf("a reused code got a token: %s", a.body)
		}
		// A code of one challenge does not complete another.
		ch2 := w.begin(t, clientPhone, password, "sms")
		fresh := w.lastCode(t, clientPhone)
		if fresh == code {
			t.Skip("the two random codes happen to be equal")
		}
		w.call(t, "POST", "/api/v1/login/"+ch2.ChallengeID+"/complete", "", map[string]string{"code": code}).want(t, http.StatusUnauthorized, "code_invalid")
		// After the allowed wrong tries, even the right code is refused.
		w.call(t, "POST", "/api/v1/login/"+ch2.ChallengeID+"/complete", "", map[string]string{"code": "000000"})
		w.call(t, "POST", "/api/v1/login/"+ch2.ChallengeID+"/complete", "", map[string]string{"code": "000001"})
		a = w.call(t, "POST", "/api/v1/login/"+ch2.ChallengeID+"/complete", "", map[string]string{"code": fresh})
		if a.status != http.StatusUnauthorized {
			t.Fatalf("right code after three wrong ones: %d %s", a.status, a.body)
		}
	})
}

func TestR29_LockoutAndReleaseOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		wrong := map[string]string{"login": clientPhone, "password": "Not-The-Password-1", "factor": "sms"}
		for range 5 { // LockAfter in auth.DefaultConfig
			w.call(t, "POST", "/api/v1/login", "", wrong).want(t, http.StatusUnauthorized, "invalid_credentials")
		}
		sent := len(w.inbox(t, clientPhone))
		right := map[string]string{"login": clientPhone, "password": password, "factor": "sms"}
		// Locked: even the right password is refused, and no code is sent.
		w.call(t, "POST", "/api/v1/login", "", right).want(t, http.StatusForbidden, "account_locked")
		env.Clock.Advance(time.Minute - time.Second)
		w.call(t, "POST", "/api/v1/login", "", right).want(t, http.StatusForbidden, "account_locked")
		if n := len(w.inbox(t, clientPhone)); n != sent {
			t.Fatalf("a locked account was sent %d codes", n-sent)
		}
		// The lock (one minute, the first one) ends; the right password works again.
		env.Clock.Advance(time.Second)
		w.login(t)
	})
}

func TestR25_9_LoginNotificationReachesThePhone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		w.login(t)
		codes := len(w.inbox(t, clientPhone))
		// The notice waits in the outbox until the worker delivers it through the gateway.
		round, err := w.worker.RunOnce(t.Context())
		if err != nil || round.Sent != 1 {
			t.Fatalf("worker round %+v, %v: want one notice sent", round, err)
		}
		msgs := w.inbox(t, clientPhone)
		if len(msgs) != codes+1 {
			t.Fatalf("messages %d, want the code and then one notice", len(msgs))
		}
		notice := msgs[len(msgs)-1].Text
		if !strings.Contains(notice, "вход") || sixDigits.MatchString(notice) {
			t.Fatalf("notice %q: want the login notice (in Russian and Kazakh), carrying no code", notice)
		}
		// A password change is a notice too.
		s := w.login(t)
		if _, err := w.worker.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		n := len(w.inbox(t, clientPhone))
		a := w.call(t, "POST", "/api/v1/password", s.Token, map[string]string{"current": password, "new": "Another-Long-Secret-77"})
		if a.status != http.StatusNoContent {
			t.Fatalf("change password: %d %s", a.status, a.body)
		}
		if round, err := w.worker.RunOnce(t.Context()); err != nil || round.Sent != 1 {
			t.Fatalf("worker round %+v, %v: want the change notice", round, err)
		}
		if got := len(w.inbox(t, clientPhone)); got != n+1 {
			t.Fatalf("messages %d, want %d", got, n+1)
		}
	})
}

func TestR6_5_PasswordChangeOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		here, elsewhere := w.login(t), w.login(t)
		const next = "Another-Long-Secret-77"
		w.call(t, "POST", "/api/v1/password", here.Token, map[string]string{"current": "Wrong-Password-123", "new": next}).
			want(t, http.StatusUnauthorized, "invalid_credentials")
		if a := w.call(t, "POST", "/api/v1/password", here.Token, map[string]string{"current": password, "new": "short"}); a.status != http.StatusBadRequest || a.field() == "" {
			t.Fatalf("a too short password: %d %s", a.status, a.body)
		}
		if a := w.call(t, "POST", "/api/v1/password", here.Token, map[string]string{"current": password, "new": next}); a.status != http.StatusNoContent {
			t.Fatalf("change: %d %s", a.status, a.body)
		}
		// This session stays; the others end, since whoever knew the old password may hold them.
		w.call(t, "GET", "/api/v1/me", here.Token, nil).decode(t, http.StatusOK, nil)
		w.call(t, "GET", "/api/v1/me", elsewhere.Token, nil).want(t, http.StatusUnauthorized, "session_invalid")
		w.call(t, "POST", "/api/v1/login", "", map[string]string{"login": clientPhone, "password": password, "factor": "sms"}).
			want(t, http.StatusUnauthorized, "invalid_credentials")
		w.begin(t, clientPhone, next, "sms")
	})
}
