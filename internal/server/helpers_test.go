package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"nesie.kz/nesie/internal/obs"
)

// testServer is a real Server listening on 127.0.0.1:0 with a self-signed certificate.
type testServer struct {
	t    *testing.T
	srv  *Server
	url  string
	pool *x509.CertPool
	logs *logBuffer

	cancel context.CancelFunc
	done   chan error
}

// startServer serves app with cfg (Addr and Certificate are filled in) until the test ends.
func startServer(t *testing.T, cfg Config, app http.Handler, ready ReadinessCheck) *testServer {
	t.Helper()
	cert, err := LoadOrCreateSelfSigned(t.TempDir(), []string{"127.0.0.1", "localhost"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.Certificate = cert
	logs := newLogBuffer()
	srv, err := New(cfg, app, obs.NewLogger(logs, slog.LevelDebug), obs.NewMetrics(), ready)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ln, err := srv.Listen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	ts := &testServer{t: t, srv: srv, url: "https://" + srv.Addr().String(), pool: pool, logs: logs,
		cancel: cancel, done: make(chan error, 1)}
	go func() { ts.done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-ts.done
	})
	return ts
}

// stop cancels the server and returns what Serve returned.
func (ts *testServer) stop() error {
	ts.cancel()
	err := <-ts.done
	ts.done <- err // for the cleanup
	return err
}

// client returns an HTTP client trusting the server's certificate, with the TLS settings of
// cfg (nil for Go's defaults).
func (ts *testServer) client(cfg *tls.Config) *http.Client {
	if cfg == nil {
		cfg = &tls.Config{}
	}
	cfg.RootCAs = ts.pool
	tr := &http.Transport{TLSClientConfig: cfg}
	ts.t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// do sends req with a default client and returns the answer with its body read.
func (ts *testServer) do(req *http.Request) (*http.Response, string) {
	ts.t.Helper()
	resp, err := ts.client(nil).Do(req)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatalf("read body of %s: %v", req.URL, err)
	}
	return resp, string(body)
}

// get is do for a GET of path.
func (ts *testServer) get(path string) (*http.Response, string) {
	ts.t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.url+path, nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	return ts.do(req)
}

// logBuffer collects log output from the server's goroutines and lets a test wait for a line.
type logBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func newLogBuffer() *logBuffer { return &logBuffer{changed: make(chan struct{})} }

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.changed)
	b.changed = make(chan struct{})
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines decodes every JSON line logged so far.
func (b *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// waitFor blocks until a logged line satisfies match and returns it. The log is written by
// the server's goroutine, possibly just after the client has its answer.
func (b *logBuffer) waitFor(t *testing.T, what string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	for {
		b.mu.Lock()
		changed := b.changed
		b.mu.Unlock()
		for _, l := range b.lines(t) {
			if match(l) {
				return l
			}
		}
		select {
		case <-changed:
		case <-time.After(10 * time.Second):
			t.Fatalf("no log line with %s in:\n%s", what, b.String())
		}
	}
}

// accessLine waits for the access log line of the request with id.
func (b *logBuffer) accessLine(t *testing.T, id string) map[string]any {
	t.Helper()
	return b.waitFor(t, "access log of "+id, func(l map[string]any) bool {
		return l["msg"] == "request" && l["request_id"] == id
	})
}

// errorJSON decodes an error answer.
func errorJSON(t *testing.T, body string) errorDetail {
	t.Helper()
	var b errorBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatalf("error body %q is not JSON: %v", body, err)
	}
	return b.Error
}

func newRequest(t *testing.T, method, path string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	r.RemoteAddr = "192.0.2.1:50000"
	return r
}
