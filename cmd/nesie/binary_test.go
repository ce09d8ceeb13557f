package main

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBinaryShutsDownGracefullyOnSIGTERM builds the real binary, starts the demo, waits for
// the URL it prints, sends SIGTERM and expects a clean exit with the audit trail signed.
func TestBinaryShutsDownGracefullyOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "nesie")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	data := filepath.Join(dir, "data")
	cmd := exec.CommandContext(ctx, bin, "--data", data, "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	url := regexp.MustCompile(`https://127\.0\.0\.1:\d+/`)
	sc := bufio.NewScanner(stdout)
	found := ""
	for found == "" && sc.Scan() {
		found = url.FindString(sc.Text())
	}
	if found == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the demo printed no URL; stderr:\n%s", stderr.String())
	}
	go func() {
		for sc.Scan() { // keep draining so the process never blocks on a full pipe
		}
	}()
	if code, _ := get(t, tlsClient(0, 0), found+"healthz"); code != 200 {
		t.Fatalf("healthz = %d", code)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("after SIGTERM: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "server: stopped") {
		t.Fatalf("no graceful stop in the log:\n%s", stderr.String())
	}
	verify := exec.Command(bin, "audit", "verify", "--data", data)
	if out, err := verify.CombinedOutput(); err != nil || !strings.Contains(string(out), "intact") {
		t.Fatalf("audit verify after the stop: %v\n%s", err, out)
	}
}
