package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/eds"
)

// TestSimCommandServesEveryOutsideService runs `nesie sim` and reaches each simulator over
// HTTP at the address it printed; the files it writes parse as what a server expects.
func TestSimCommandServesEveryOutsideService(t *testing.T) {
	c, out, errOut := testCLI()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	c.listening = func(net.Addr) { close(ready) }
	dir := t.TempDir()
	exit := make(chan int, 1)
	go func() { exit <- c.run(ctx, []string{"sim", "--dir", dir}) }()
	select {
	case <-ready:
	case code := <-exit:
		t.Fatalf("sim exited %d: %s", code, errOut)
	}
	defer func() {
		cancel()
		if code := <-exit; code != 0 {
			t.Errorf("sim exited %d", code)
		}
	}()
	find := func(flag string) string {
		m := regexp.MustCompile(`--` + flag + ` (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("no --%s in %s", flag, out)
		}
		return m[1]
	}
	for _, probe := range []struct{ method, url string }{
		{"GET", find("biometric-url") + "/v1/keys"},
		{"GET", find("ncanode-url") + "/ca/root.crt"},
		{"GET", find("ncanode-url") + "/crl"},
		{"GET", find("sms-url") + "/v1/messages"},
		{"GET", find("phone-registry-url") + "/v1/owner?phone=%2B77011234567&iin=900101300017"},
	} {
		req, _ := http.NewRequest(probe.method, probe.url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", probe.url, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", probe.url, resp.StatusCode)
		}
	}
	key, err := os.ReadFile(filepath.Join(dir, "biometric-provider.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.ParseKeyring(key); err != nil {
		t.Errorf("biometric key file: %v", err)
	}
	roots, err := os.ReadFile(filepath.Join(dir, "nca-roots.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eds.ParseCertificatePEM(roots); err != nil {
		t.Errorf("roots file: %v", err)
	}
}
