package server

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/obs"
	"nesie.kz/nesie/internal/reqctx"
)

var clientActor = reqctx.Actor{Kind: reqctx.Client, ID: "42"}

func TestReadyzFollowsTheCheck(t *testing.T) {
	t.Parallel()
	var failWith error
	ts := startServer(t, Config{ReadyTimeout: time.Second}, nil, func(ctx context.Context) error {
		if _, ok := ctx.Deadline(); !ok {
			return errors.New("readiness check called without a deadline")
		}
		return failWith
	})
	resp, body := ts.get("/readyz")
	if resp.StatusCode != 200 || strings.TrimSpace(body) != `{"status":"ready"}` {
		t.Errorf("passing check: %d %s", resp.StatusCode, body)
	}
}

func TestR26_1_ReadyzHidesWhyItFailed(t *testing.T) {
	t.Parallel()
	detail := "failed to connect to host=10.0.4.17 user=nesie database=nesie: password authentication failed"
	ts := startServer(t, Config{}, nil, func(context.Context) error { return errors.New(detail) })
	resp, body := ts.get("/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable || strings.TrimSpace(body) != `{"status":"unavailable"}` {
		t.Errorf("failing check: %d %s, want 503 and no detail", resp.StatusCode, body)
	}
	ts.logs.waitFor(t, "the check's error", func(l map[string]any) bool {
		return l["msg"] == "readiness check failed" && l["err"] == detail
	})
	// Liveness does not depend on the check.
	if resp, _ := ts.get("/healthz"); resp.StatusCode != 200 {
		t.Errorf("healthz = %d while not ready", resp.StatusCode)
	}
}

func TestMetricsCountRequestsByRoutePattern(t *testing.T) {
	t.Parallel()
	app := http.NewServeMux()
	app.HandleFunc("GET /loans/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.PathValue("id")) })
	ts := startServer(t, Config{}, app, nil)
	ts.get("/loans/1")
	ts.get("/loans/2")
	ts.get("/healthz")
	ts.get("/no/such/page")

	resp, body := ts.get("/metrics")
	if resp.StatusCode != 200 {
		t.Fatalf("metrics: %d", resp.StatusCode)
	}
	for _, want := range []string{
		`nesie_http_requests_total{code="200",method="GET",route="/loans/{id}"} 2`,
		`nesie_http_requests_total{code="200",method="GET",route="/healthz"} 1`,
		`nesie_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "/loans/1") || strings.Contains(body, "/no/such/page") {
		t.Error("metrics carry raw paths")
	}
}

func TestMetricsHiddenFromOutsideNetworks(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}, nil, nil)
	req, _ := http.NewRequest(http.MethodGet, ts.url+"/metrics", nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.7") // a client outside, through our proxy
	resp, body := ts.do(req)
	if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "nesie_http") {
		t.Errorf("metrics to an outside client: %d %.80s", resp.StatusCode, body)
	}
	if resp, _ := ts.get("/metrics"); resp.StatusCode != 200 {
		t.Errorf("metrics to loopback: %d", resp.StatusCode)
	}
}

func TestRequestIDEchoedAndLogged(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{}, nil, nil)

	req, _ := http.NewRequest(http.MethodGet, ts.url+"/healthz", nil)
	req.Header.Set("X-Request-Id", "mobile-7f3a-0001")
	resp, _ := ts.do(req)
	if got := resp.Header.Get("X-Request-Id"); got != "mobile-7f3a-0001" {
		t.Errorf("sane incoming id answered as %q", got)
	}
	line := ts.logs.accessLine(t, "mobile-7f3a-0001")
	if line["route"] != "/healthz" || line["status"] != 200.0 || line["ip"] != "127.0.0.1" || line["actor"] != "anonymous" {
		t.Errorf("access line = %v", line)
	}

	req, _ = http.NewRequest(http.MethodGet, ts.url+"/healthz", nil)
	req.Header.Set("X-Request-Id", `"><script>`)
	resp, _ = ts.do(req)
	got := resp.Header.Get("X-Request-Id")
	if got == `"><script>` || !validRequestID(got) {
		t.Errorf("unsafe incoming id replaced by %q", got)
	}
	ts.logs.accessLine(t, got)
}

func TestAuthenticatedActorInLogsAndNoStore(t *testing.T) {
	t.Parallel()
	var log *slog.Logger
	app := http.NewServeMux()
	app.HandleFunc("GET /cabinet", func(w http.ResponseWriter, r *http.Request) {
		r = MarkAuthenticated(w, r, clientActor)
		log.InfoContext(r.Context(), "cabinet shown", "iin", "900101300126")
		io.WriteString(w, "ok")
	})
	logs := newLogBuffer()
	log = obs.NewLogger(logs, slog.LevelInfo)
	cert, err := LoadOrCreateSelfSigned(t.TempDir(), []string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Certificate: cert}, app, log, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Driven without a network: the middleware is the same.
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, newRequest(t, "GET", "/cabinet"))
	id := rec.Header().Get("X-Request-Id")
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q", rec.Header().Get("Cache-Control"))
	}
	domain := logs.waitFor(t, "the handler's line", func(l map[string]any) bool { return l["msg"] == "cabinet shown" })
	access := logs.accessLine(t, id)
	if domain["actor"] != "client:42" || domain["request_id"] != id || domain["iin"] != "900101******" {
		t.Errorf("handler line = %v", domain)
	}
	if access["actor"] != "client:42" {
		t.Errorf("access line names actor %v, want client:42", access["actor"])
	}
}

func TestGracefulShutdownDrainsRequestsInFlight(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	app := http.NewServeMux()
	app.HandleFunc("GET /long", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	ts := startServer(t, Config{}, app, nil)
	draining := make(chan struct{})
	ts.srv.http.RegisterOnShutdown(func() { close(draining) })

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	client := ts.client(nil)
	go func() {
		resp, err := client.Get(ts.url + "/long")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- ts.stop() }()
	<-draining // the listener is closed and the drain has begun

	if conn, err := tls.Dial("tcp", ts.srv.Addr().String(), &tls.Config{RootCAs: ts.pool}); err == nil {
		conn.Close()
		t.Error("a new connection was accepted while draining")
	}
	close(release)
	if r := <-got; r.err != nil || r.body != "finished" {
		t.Errorf("request in flight: %q, %v; want it finished", r.body, r.err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Serve after a full drain = %v, want nil", err)
	}
}

func TestShutdownGivesUpAfterTimeout(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	app := http.NewServeMux()
	app.HandleFunc("GET /stuck", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
	})
	ts := startServer(t, Config{ShutdownTimeout: 50 * time.Millisecond}, app, nil)
	client := ts.client(nil)
	go func() {
		if resp, err := client.Get(ts.url + "/stuck"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	err := ts.stop()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Serve = %v, want a drain timeout", err)
	}
}

func TestConfigChecked(t *testing.T) {
	t.Parallel()
	if _, err := New(Config{}, nil, nil, nil, nil); err == nil || !strings.Contains(err.Error(), "Certificate") {
		t.Errorf("no certificate: %v", err)
	}
	cert, err := LoadOrCreateSelfSigned(t.TempDir(), []string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(Config{Certificate: cert, HandlerTimeout: time.Minute, WriteTimeout: time.Minute}, nil, nil, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "HandlerTimeout") {
		t.Errorf("handler timeout not below write timeout: %v", err)
	}
	if _, err := New(Config{Certificate: cert, MaxBodyBytes: -1}, nil, nil, nil, nil); err == nil {
		t.Error("negative MaxBodyBytes accepted")
	}
	if _, err := New(Config{Certificate: cert}, nil, nil, nil, nil); err != nil {
		t.Errorf("defaults refused: %v", err)
	}
}
