package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/store/storetest"
)

func TestR26_1_ErrorsCarryCodesNotDetails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		wrong := w.call(t, "POST", "/api/v1/login", "", map[string]string{"login": clientPhone, "password": "Wrong-Password-123", "factor": "sms"})
		wrong.want(t, http.StatusUnauthorized, "invalid_credentials")
		// The answer is the code, a message and a correlation id: nothing else.
		var raw map[string]map[string]any
		if err := json.Unmarshal(wrong.body, &raw); err != nil || len(raw) != 1 {
			t.Fatalf("error body %s (%v)", wrong.body, err)
		}
		for k := range raw["error"] {
			if k != "code" && k != "message" && k != "correlation_id" {
				t.Fatalf("error body carries %q: %s", k, wrong.body)
			}
		}
		if raw["error"]["correlation_id"] == "" {
			t.Fatalf("no correlation id: %s", wrong.body)
		}
		lower := strings.ToLower(string(wrong.body))
		for _, leak := range []string{"argon", "hash", "sql", "pgx", "sqlite", "5550123", clientIIN, ".go"} {
			if strings.Contains(lower, leak) {
				t.Fatalf("error body leaks %q: %s", leak, wrong.body)
			}
		}
		// An unknown login is answered exactly like a wrong password.
		unknown := w.call(t, "POST", "/api/v1/login", "", map[string]string{"login": "+77019998877", "password": "Wrong-Password-123", "factor": "sms"})
		unknown.want(t, http.StatusUnauthorized, "invalid_credentials")
		var a, b map[string]map[string]any
		_ = json.Unmarshal(wrong.body, &a)
		_ = json.Unmarshal(unknown.body, &b)
		if a["error"]["message"] != b["error"]["message"] {
			t.Fatalf("unknown login told apart: %s vs %s", unknown.body, wrong.body)
		}
		w.call(t, "GET", "/api/v1/nothing-here", "", nil).want(t, http.StatusNotFound, "not_found")
	})
}

func TestBadJSONNamesTheField(t *testing.T) {
	w := newWorld(t, storetest.New(t, "sqlite"))
	for _, c := range []struct {
		name, body, field string
	}{
		{"unknown field", `{"login":"x","password":"y","pasword":"z"}`, "pasword"},
		// A key twice or in another case: a gateway in front of the API could read it otherwise.
		{"key twice", `{"login":"x","password":"y","login":"z"}`, "login"},
		{"key in another case", `{"Login":"x","password":"y"}`, "Login"},
		{"not JSON", `{"login":`, "body"},
		{"syntax", `{"login" "x"}`, "body"},
		{"empty", ``, "body"},
		{"two objects", `{"login":"a","password":"b"} {"login":"c"}`, "body"},
		{"array", `[1,2]`, "body"},
		{"wrong type", `{"login":5,"password":"y"}`, "login"},
		{"missing login", `{"password":"y"}`, "login"},
		{"unknown factor", `{"login":"` + clientPhone + `","password":"` + password + `","factor":"pigeon"}`, "factor"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := w.call(t, "POST", "/api/v1/login", "", c.body)
			a.want(t, http.StatusBadRequest, "invalid")
			if a.field() != c.field {
				t.Fatalf("field %q, want %q: %s", a.field(), c.field, a.body)
			}
		})
	}
	s := w.login(t)
	a := w.call(t, "POST", "/api/v1/password", s.Token, `{"current":"`+password+`"}`)
	if a.status != http.StatusBadRequest || a.field() != "new" {
		t.Fatalf("password without new: %d %s", a.status, a.body)
	}
}

func TestR29_SessionsListRevokeAndLogoutEverywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		s1, s2 := w.login(t), w.login(t)
		var list struct {
			Sessions []struct {
				ID      string `json:"id"`
				Current bool   `json:"current"`
			} `json:"sessions"`
		}
		w.call(t, "GET", "/api/v1/sessions", s1.Token, nil).decode(t, http.StatusOK, &list)
		if len(list.Sessions) != 2 {
			t.Fatalf("sessions %+v, want 2", list)
		}
		for _, s := range list.Sessions {
			if s.Current != (s.ID == s1.Session.ID) {
				t.Fatalf("sessions %+v: want only %s current", list, s1.Session.ID)
			}
		}
		// Revoking the other session ends it, and only it.
		if a := w.call(t, "DELETE", "/api/v1/sessions/"+s2.Session.ID, s1.Token, nil); a.status != http.StatusNoContent {
			t.Fatalf("revoke: %d %s", a.status, a.body)
		}
		w.call(t, "GET", "/api/v1/me", s2.Token, nil).want(t, http.StatusUnauthorized, "session_invalid")
		w.call(t, "GET", "/api/v1/me", s1.Token, nil).decode(t, http.StatusOK, nil)
		if a := w.call(t, "DELETE", "/api/v1/sessions/ffffffffffffffffffffffffffffffff", s1.Token, nil); a.status != http.StatusNotFound {
			t.Fatalf("revoke unknown: %d %s", a.status, a.body)
		}

		// Logout everywhere ends every session, this one included.
		s3 := w.login(t)
		var ended struct {
			Ended int `json:"ended"`
		}
		w.call(t, "POST", "/api/v1/logout-everywhere", s1.Token, nil).decode(t, http.StatusOK, &ended)
		if ended.Ended != 2 {
			t.Fatalf("ended %d sessions, want 2", ended.Ended)
		}
		for _, tok := range []string{s1.Token, s3.Token} {
			w.call(t, "GET", "/api/v1/me", tok, nil).want(t, http.StatusUnauthorized, "session_invalid")
		}

		// Logout ends this session.
		s4 := w.login(t)
		if a := w.call(t, "POST", "/api/v1/logout", s4.Token, nil); a.status != http.StatusNoContent {
			t.Fatalf("logout: %d %s", a.status, a.body)
		}
		w.call(t, "GET", "/api/v1/me", s4.Token, nil).want(t, http.StatusUnauthorized, "session_invalid")

		// A session unused for longer than the idle limit (15 minutes) ends.
		s5 := w.login(t)
		env.Clock.Advance(14 * time.Minute)
		w.call(t, "GET", "/api/v1/me", s5.Token, nil).decode(t, http.StatusOK, nil) // used: the idle time restarts
		env.Clock.Advance(15*time.Minute + time.Second)
		w.call(t, "GET", "/api/v1/me", s5.Token, nil).want(t, http.StatusUnauthorized, "session_expired")
	})
}
