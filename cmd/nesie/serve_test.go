package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/server"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// syncBuffer is a bytes.Buffer safe to write from the server's goroutines while the test
// reads it afterwards.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testCLI returns a cli writing to buffers, with a test clock and no environment.
func testCLI() (*cli, *syncBuffer, *syncBuffer) {
	out, errOut := &syncBuffer{}, &syncBuffer{}
	c := &cli{stdout: out, stderr: errOut, getenv: func(string) string { return "" }, clock: clock.NewTest(storetest.Start)}
	return c, out, errOut
}

// startServe runs `nesie serve args…` until the test ends and returns its address.
func startServe(t *testing.T, args ...string) (addr string, stop func() int) {
	t.Helper()
	c, out, errOut := testCLI()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	c.listening = func(a net.Addr) { ready <- a }
	exit := make(chan int, 1)
	go func() { exit <- c.run(ctx, append([]string{"serve"}, args...)) }()
	select {
	case a := <-ready:
		addr = a.String()
	case code := <-exit:
		cancel()
		t.Fatalf("serve exited %d before listening\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	stopped := false
	stop = func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		return <-exit
	}
	t.Cleanup(func() { stop() })
	if !strings.Contains(out.String(), "https://"+addr+"/") {
		t.Errorf("serve did not print its URL: %s", out)
	}
	return addr, stop
}

// tlsClient speaks TLS versions min to max (0: Go's defaults) and accepts the demo's
// self-signed certificate.
func tlsClient(min, max uint16) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: min, MaxVersion: max},
	}}
}

func get(t *testing.T, client *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestR23_DemoServesOverTLS12AndRefusesTLS11 starts the real server as `nesie serve` does on
// a free port, reaches /healthz over TLS 1.2 and is refused over TLS 1.1.
func TestR23_DemoServesOverTLS12AndRefusesTLS11(t *testing.T) {
	dir := t.TempDir()
	addr, stop := startServe(t, "--data", dir, "--addr", "127.0.0.1:0")
	base := "https://" + addr

	resp, err := tlsClient(tls.VersionTLS12, tls.VersionTLS12).Get(base + "/healthz")
	if err != nil {
		t.Fatalf("TLS 1.2: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS.Version != tls.VersionTLS12 {
		t.Fatalf("TLS 1.2: status %d version %x", resp.StatusCode, resp.TLS.Version)
	}
	// The client offers TLS 1.0 and 1.1 only; the server must be the one that refuses.
	_, err = tlsClient(tls.VersionTLS10, tls.VersionTLS11).Get(base + "/healthz")
	if err == nil || !strings.Contains(err.Error(), "protocol version") {
		t.Fatalf("TLS 1.1: err = %v, want the server's protocol version alert", err)
	}
	if code, _ := get(t, tlsClient(0, 0), base+"/readyz"); code != 200 {
		t.Fatalf("readyz = %d", code)
	}
	if code, body := get(t, tlsClient(0, 0), base+"/metrics"); code != 200 || !strings.Contains(body, "nesie_http_requests_total") || !strings.Contains(body, "go_sql_open_connections") {
		t.Fatalf("metrics %d: %.300s", code, body)
	} else {
		wantBacklogs(t, body)
	}
	code, body := get(t, tlsClient(0, 0), base+"/")
	if code != 200 || !strings.Contains(body, "Несие-Демо") || !strings.Contains(body, "150340012340") {
		t.Fatalf("home page %d: %s", code, body)
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d after shutdown", code)
	}
	for _, f := range []string{"nesie.db", "tls-cert.pem", "tls-key.pem", "audit-signing.key", "audit-checkpoints.log", "receipt-signing.key", "vault.key"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("first run did not create %s: %v", f, err)
		}
	}
	// The shutdown sealed and signed what the first run wrote: the migration, the demo
	// organisation, three products each proposed and approved, two partner merchants and
	// the demo AML list.
	c, out, errOut := testCLI()
	if code := c.run(context.Background(), []string{"audit", "verify", "--data", dir}); code != 0 {
		t.Fatalf("audit verify exit %d: %s %s", code, out, errOut)
	}
	if !strings.Contains(out.String(), "intact: "+demoSeedEvents+" events") || !strings.Contains(out.String(), "last signed at event "+demoSeedEvents) {
		t.Fatalf("verify said: %s", out)
	}
}

// demoSeedEvents is how many audit events the demo's first run writes: the migration, the
// organisation, 3 products × (proposed, approved), 2 merchants, 1 AML list.
const demoSeedEvents = "11"

func TestServeRestartsOnTheSameDataWithoutReseeding(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		_, stop := startServe(t, "--data", dir, "--addr", "127.0.0.1:0")
		if code := stop(); code != 0 {
			t.Fatalf("run %d exited %d", i, code)
		}
	}
	c, out, _ := testCLI()
	if code := c.run(context.Background(), []string{"audit", "verify", "--data", dir}); code != 0 || !strings.Contains(out.String(), "intact: "+demoSeedEvents+" events") {
		t.Fatalf("after a restart: exit %d, %s", code, out)
	}
}

// wantBacklogs checks that the metrics read every queue an operator is paged for, and that
// each was found empty, as a fresh demo's are.
func wantBacklogs(t *testing.T, metrics string) {
	t.Helper()
	for _, probe := range []string{"payout", "underwriting", "notify", "audit"} {
		if want := `nesie_backlog_probe_ok{probe="` + probe + `"} 1`; !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, queue := range []string{"payout_due", "payout_uncertain", "payout_held", "application_review", "notify_due"} {
		if want := `nesie_backlog_items{queue="` + queue + `"} 0`; !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestServeOnPostgres(t *testing.T) {
	env := storetest.New(t, store.Postgres)
	dir := t.TempDir()
	addr, stop := startServe(t, "--database-url", env.URL, "--data", dir, "--addr", "127.0.0.1:0")
	if code, _ := get(t, tlsClient(0, 0), "https://"+addr+"/readyz"); code != 200 {
		t.Fatalf("readyz = %d", code)
	}
	// The application role may read every queue the metrics count.
	_, body := get(t, tlsClient(0, 0), "https://"+addr+"/metrics")
	wantBacklogs(t, body)
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	c, out, errOut := testCLI()
	if code := c.run(context.Background(), []string{"audit", "verify", "--database-url", env.URL, "--data", dir}); code != 0 {
		t.Fatalf("verify exit %d: %s %s", code, out, errOut)
	}
}

func TestProductionRefusesAnUnmigratedDatabaseUntilMigrated(t *testing.T) {
	adminURL, appURL := storetest.EmptyPostgres(t)
	dir := t.TempDir()
	if _, err := server.LoadOrCreateSelfSigned(dir, []string{"127.0.0.1"}, storetest.Start); err != nil {
		t.Fatal(err)
	}
	c, _, errOut := testCLI()
	prod := []string{"serve", "--mode", "production", "--database-url", appURL, "--data", dir, "--addr", "127.0.0.1:0",
		"--tls-cert", filepath.Join(dir, "tls-cert.pem"), "--tls-key", filepath.Join(dir, "tls-key.pem"),
		// Production names every outside service; none is reached before the schema check.
		"--biometric-url", "http://127.0.0.1:1", "--biometric-key", filepath.Join(dir, "bio.pem"), "--ocsp-url", "http://127.0.0.1:1",
		"--crl-urls", "http://127.0.0.1:1/crl", "--ncanode-url", "http://127.0.0.1:1", "--eds-roots", filepath.Join(dir, "roots.pem"),
		"--sms-url", "http://127.0.0.1:1", "--phone-registry-url", "http://127.0.0.1:1",
		"--bureau-url", "http://127.0.0.1:1", "--bureau-key", filepath.Join(dir, "bureau.pem"), "--bank-url", "http://127.0.0.1:1"}
	if code := c.run(context.Background(), prod); code != 1 || !strings.Contains(errOut.String(), `run "nesie migrate"`) {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	c, out, errOut := testCLI()
	if code := c.run(context.Background(), []string{"migrate", "--database-url", adminURL, "--app-role", storetest.AppRole}); code != 0 {
		t.Fatalf("migrate exit %d: %s", code, errOut)
	}
	if !strings.Contains(out.String(), "applied 0001_foundation") {
		t.Fatalf("migrate said: %s", out)
	}
	c, out, _ = testCLI()
	if code := c.run(context.Background(), []string{"migrate", "--database-url", adminURL}); code != 0 || !strings.Contains(out.String(), "up to date") {
		t.Fatalf("second migrate: %d %s", code, out)
	}
	// Production generates no key: without the provisioned audit key it refuses to start.
	c, _, errOut = testCLI()
	if code := c.run(context.Background(), prod); code != 1 || !strings.Contains(errOut.String(), "audit key") {
		t.Fatalf("production without an audit key: exit %d: %s", code, errOut)
	}
}

func TestCommandLineUsage(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"serve", "--addr", "nohostport"}, 2, "--addr"},
		{[]string{"serve", "extra"}, 2, "unexpected argument"},
		{[]string{"audit"}, 2, "usage: nesie audit"},
		{[]string{"audit", "shred"}, 2, "unknown subcommand"},
		{[]string{"version"}, 0, "nesie "},
		{[]string{"help"}, 0, "commands:"},
	}
	for _, tc := range cases {
		c, out, errOut := testCLI()
		code := c.run(context.Background(), tc.args)
		if code != tc.code || !strings.Contains(out.String()+errOut.String(), tc.want) {
			t.Errorf("%v: exit %d (want %d), output %q %q", tc.args, code, tc.code, out, errOut)
		}
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestServeRefusesABadReferenceFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "mrp.txt")
	writeFile(t, bad, "2027 lots\n")
	c, _, errOut := testCLI()
	code := c.run(context.Background(), []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--mrp-file", bad})
	if code != 1 || !strings.Contains(errOut.String(), bad) {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

func TestCheckUsesTheOperatorsBankFile(t *testing.T) {
	banks := filepath.Join(t.TempDir(), "banks.csv")
	// KZ86125KZT5004100100 is the IBAN registry's example; bank code 125.
	writeFile(t, banks, "125,TESTKZKA,Тестовый банк\n")
	c, out, errOut := testCLI()
	c.getenv = func(k string) string {
		if k == "NESIE_BANKS_FILE" {
			return banks
		}
		return ""
	}
	if code := c.run(context.Background(), []string{"check", "iban", "KZ86125KZT5004100100"}); code != 0 || !strings.Contains(out.String(), "Тестовый банк") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
}
