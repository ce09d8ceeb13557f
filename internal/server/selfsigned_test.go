package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var certNow = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func TestSelfSignedCreatedOnceAndReused(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "nesie-data")
	hosts := []string{"127.0.0.1", "localhost"}
	first, err := LoadOrCreateSelfSigned(dir, hosts, certNow)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, "tls-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode %o, want 600", perm)
	}
	for _, h := range hosts {
		if err := first.Leaf.VerifyHostname(h); err != nil {
			t.Errorf("certificate does not name %s: %v", h, err)
		}
	}
	if !first.Leaf.NotAfter.After(certNow.Add(300 * 24 * time.Hour)) {
		t.Errorf("certificate expires %v, too soon", first.Leaf.NotAfter)
	}

	again, err := LoadOrCreateSelfSigned(dir, hosts, certNow.Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if again.Leaf.SerialNumber.Cmp(first.Leaf.SerialNumber) != 0 {
		t.Error("second run generated a new certificate instead of reusing the stored one")
	}

	// The production loader reads the same files.
	loaded, err := LoadKeyPair(filepath.Join(dir, "tls-cert.pem"), filepath.Join(dir, "tls-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Leaf.SerialNumber.Cmp(first.Leaf.SerialNumber) != 0 {
		t.Error("LoadKeyPair read a different certificate")
	}
}

func TestSelfSignedRegeneratedWhenExpiredOrHostsChange(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, err := LoadOrCreateSelfSigned(dir, []string{"127.0.0.1"}, certNow)
	if err != nil {
		t.Fatal(err)
	}
	later := first.Leaf.NotAfter.Add(time.Hour)
	renewed, err := LoadOrCreateSelfSigned(dir, []string{"127.0.0.1"}, later)
	if err != nil {
		t.Fatal(err)
	}
	if renewed.Leaf.SerialNumber.Cmp(first.Leaf.SerialNumber) == 0 || !renewed.Leaf.NotAfter.After(later) {
		t.Errorf("expired certificate not renewed: valid until %v at %v", renewed.Leaf.NotAfter, later)
	}
	widened, err := LoadOrCreateSelfSigned(dir, []string{"127.0.0.1", "nesie.local"}, later)
	if err != nil {
		t.Fatal(err)
	}
	if err := widened.Leaf.VerifyHostname("nesie.local"); err != nil {
		t.Errorf("certificate not regenerated for a new host: %v", err)
	}
}

func TestSelfSignedRefusesToOverwriteUnreadableFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, f := range []string{"tls-cert.pem", "tls-key.pem"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("not PEM"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, err := LoadOrCreateSelfSigned(dir, []string{"127.0.0.1"}, certNow)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("err = %v, want an error naming %s", err, dir)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "tls-key.pem")); string(b) != "not PEM" {
		t.Error("unreadable key file was overwritten")
	}
}

func TestLoadKeyPairNamesFiles(t *testing.T) {
	t.Parallel()
	_, err := LoadKeyPair("/nonexistent/cert.pem", "/nonexistent/key.pem")
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/cert.pem") {
		t.Errorf("err = %v, want one naming the certificate file", err)
	}
}
