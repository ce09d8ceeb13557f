package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/fault"
)

// wantSecurityHeaders are written out here, not read from the code, so that a change to a
// policy has to be made twice, knowingly.
var wantSecurityHeaders = map[string]string{
	"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
	"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
	"X-Content-Type-Options": "nosniff",
	"X-Frame-Options":        "DENY",
	"Referrer-Policy":        "no-referrer",
}

func checkSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	for k, v := range wantSecurityHeaders {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
	if pp := h.Get("Permissions-Policy"); !strings.Contains(pp, "camera=(self)") || !strings.Contains(pp, "microphone=()") {
		t.Errorf("%s: Permissions-Policy = %q", what, pp)
	}
	if strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Errorf("%s: CSP allows inline script", what)
	}
}

// baselineApp is an application with the kinds of answers the baseline must cover.
func baselineApp() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<p>hello</p>")
	})
	mux.HandleFunc("GET /static/app.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		io.WriteString(w, "p{}")
	})
	mux.HandleFunc("GET /static/private.css", func(w http.ResponseWriter, r *http.Request) {
		_ = MarkAuthenticated(w, r, clientActor)
		io.WriteString(w, "p{}")
	})
	mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "half=done")
		panic(`pq: relation "clients" does not exist: SELECT iin FROM clients WHERE iin = '900101300126'`)
	})
	mux.Handle("POST /upload", HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			return fmt.Errorf("read upload: %w", err)
		}
		fmt.Fprintf(w, "%d", n)
		return nil
	}))
	mux.Handle("GET /db-error", HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return fmt.Errorf("find loan: %w", errors.New(`ERROR: syntax error at or near "FROM" (SQLSTATE 42601)`))
	}))
	mux.Handle("GET /forbidden", HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return fmt.Errorf("approve loan: %w", &Error{Status: http.StatusForbidden, Code: "forbidden",
			Message: "You may not approve this loan.", Err: errors.New("role underwriter lacks limit 5000000")})
	}))
	mux.Handle("GET /slow", HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		<-r.Context().Done() // a database call that respects its context
		return fmt.Errorf("query: %w", r.Context().Err())
	}))
	return mux
}

func TestR26_3_SecurityHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{}, baselineApp(), nil)
	for _, path := range []string{"/healthz", "/readyz", "/page", "/nope", "/boom", "/db-error", "/forbidden"} {
		resp, _ := ts.get(path)
		checkSecurityHeaders(t, path, resp.Header)
	}
}

func TestNoStoreUnlessCacheable(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{CacheablePrefixes: []string{"/static/"}}, baselineApp(), nil)
	for path, want := range map[string]string{
		"/page":               "no-store",
		"/healthz":            "no-store",
		"/nope":               "no-store",
		"/boom":               "no-store",
		"/static/app.css":     "",         // a static asset may be cached
		"/static/private.css": "no-store", // …unless it was served to an authenticated caller
	} {
		resp, _ := ts.get(path)
		if got := resp.Header.Get("Cache-Control"); got != want {
			t.Errorf("%s: Cache-Control = %q, want %q", path, got, want)
		}
	}
}

func TestR26_3_OversizedBodyRefused(t *testing.T) {
	t.Parallel()
	const limit = 1024
	ts := startServer(t, Config{MaxBodyBytes: limit}, baselineApp(), nil)

	post := func(body io.Reader, length int64) (*http.Response, string) {
		req, err := http.NewRequest(http.MethodPost, ts.url+"/upload", body)
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = length
		return ts.do(req)
	}
	// At the limit: accepted.
	if resp, body := post(strings.NewReader(strings.Repeat("a", limit)), limit); resp.StatusCode != 200 || body != "1024" {
		t.Errorf("body at the limit: %d %q", resp.StatusCode, body)
	}
	// Announced as too large: refused before the handler reads it.
	resp, body := post(strings.NewReader(strings.Repeat("a", limit+1)), limit+1)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || errorJSON(t, body).Code != "too_large" {
		t.Errorf("announced oversized body: %d %s", resp.StatusCode, body)
	}
	// Sent chunked, length unknown: refused when the read crosses the limit.
	resp, body = post(io.MultiReader(strings.NewReader(strings.Repeat("a", 3*limit))), -1)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || errorJSON(t, body).Code != "too_large" {
		t.Errorf("chunked oversized body: %d %s", resp.StatusCode, body)
	}
}

func TestR26_3_OversizedHeadersRefused(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{MaxHeaderBytes: 4 << 10}, baselineApp(), nil)
	req, _ := http.NewRequest(http.MethodGet, ts.url+"/page", nil)
	req.Header.Set("X-Padding", strings.Repeat("p", 64<<10))
	resp, _ := ts.do(req)
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KiB of headers: status %d, want 431", resp.StatusCode)
	}
}

func TestR26_1_PanicAnswersGenericMessageWithCorrelationID(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{}, baselineApp(), nil)
	resp, body := ts.get("/boom")

	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", resp.StatusCode)
	}
	id := resp.Header.Get("X-Request-Id")
	e := errorJSON(t, body)
	if e.Code != "internal" || e.Message != "Internal error." || e.CorrelationID == "" || e.CorrelationID != id {
		t.Errorf("error = %+v, want the generic one with correlation id %q", e, id)
	}
	for _, leak := range []string{"pq:", "SELECT", "clients", "900101", "goroutine", "panic", ".go:"} {
		if strings.Contains(body, leak) {
			t.Errorf("answer leaks %q: %s", leak, body)
		}
	}
	if resp.Header.Get("Set-Cookie") != "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("headers of the panicking handler survived: %v", resp.Header)
	}

	// The log has the detail and the stack, under the same id, with the IIN in it scrubbed.
	line := ts.logs.waitFor(t, "the panic", func(l map[string]any) bool { return l["msg"] == "panic serving request" })
	panicText, _ := line["panic"].(string)
	stack, _ := line["stack"].(string)
	if line["request_id"] != id || !strings.Contains(panicText, `relation "clients" does not exist`) ||
		!strings.Contains(stack, "goroutine") || !strings.Contains(stack, "baseline_test.go") {
		t.Errorf("panic log line = %v", line)
	}
	if strings.Contains(panicText, "900101300126") {
		t.Errorf("panic log line keeps the IIN: %s", panicText)
	}
	if access := ts.logs.accessLine(t, id); access["status"] != 500.0 || access["route"] != "/boom" {
		t.Errorf("access line = %v", access)
	}
}

func TestR24_5_ErrorsAnsweredSafely(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{HandlerTimeout: 200 * time.Millisecond}, baselineApp(), nil)
	cases := []struct {
		path     string
		status   int
		code     string
		message  string
		mustHide string
	}{
		{"/db-error", 500, "internal", "Internal error.", "SQLSTATE"},
		{"/forbidden", 403, "forbidden", "You may not approve this loan.", "underwriter"},
		{"/slow", 503, "timeout", "The request took too long. Try again later.", "deadline"},
	}
	for _, c := range cases {
		resp, body := ts.get(c.path)
		e := errorJSON(t, body)
		if resp.StatusCode != c.status || e.Code != c.code || e.Message != c.message {
			t.Errorf("%s: %d %+v, want %d %s %q", c.path, resp.StatusCode, e, c.status, c.code, c.message)
		}
		if e.CorrelationID != resp.Header.Get("X-Request-Id") {
			t.Errorf("%s: correlation id %q, request id %q", c.path, e.CorrelationID, resp.Header.Get("X-Request-Id"))
		}
		if strings.Contains(body, c.mustHide) {
			t.Errorf("%s: answer leaks %q: %s", c.path, c.mustHide, body)
		}
	}
	// The server error's cause is logged for the operator.
	ts.logs.waitFor(t, "the SQL error", func(l map[string]any) bool {
		err, _ := l["err"].(string)
		return l["msg"] == "request failed" && strings.Contains(err, "SQLSTATE 42601")
	})
}

// TestR26_3_DomainErrorsMapToStatusesAndNameTheField shows the one mapping from the domain's
// kinds of failure to HTTP: bad input names its field; unknown errors stay a generic 500.
func TestR26_3_DomainErrorsMapToStatusesAndNameTheField(t *testing.T) {
	cases := []struct {
		err    error
		status int
		code   string
		field  string
	}{
		{fmt.Errorf("register: %w", fault.Field("iin", "check digit")), 400, "invalid", "iin"},
		{fault.New(fault.ErrConflict, "already_registered", "This IIN is already registered."), 409, "already_registered", ""},
		{fmt.Errorf("x: %w", fault.ErrNotFound), 404, "not_found", ""},
		{fault.Wrap(fault.ErrUnavailable, "biometrics_unavailable", "Biometric identification is unavailable.", errors.New("dial tcp")), 503, "biometrics_unavailable", ""},
		{errors.New("pq: relation does not exist"), 500, "internal", ""},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		WriteError(rec, httptest.NewRequest("GET", "/", nil), c.err)
		var body struct {
			Error struct{ Code, Message, Field string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if rec.Code != c.status || body.Error.Code != c.code || body.Error.Field != c.field {
			t.Errorf("%v: %d %+v, want %d %s field %q", c.err, rec.Code, body.Error, c.status, c.code, c.field)
		}
		if strings.Contains(rec.Body.String(), "dial tcp") || strings.Contains(rec.Body.String(), "relation") {
			t.Errorf("the cause leaked: %s", rec.Body.String())
		}
	}
}
