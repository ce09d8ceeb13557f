package sim

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestModes(t *testing.T) {
	s, err := Start("echo", "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"ok":true}`)
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	get := func(timeout time.Duration) (int, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/x", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}
	if code, body, err := get(5 * time.Second); err != nil || code != 200 || body != `{"ok":true}` {
		t.Fatalf("normal: %d %q %v", code, body, err)
	}
	s.SetMode(Fail)
	if code, _, _ := get(5 * time.Second); code != 500 {
		t.Fatalf("fail: %d", code)
	}
	s.SetMode(Garbage)
	if _, body, _ := get(5 * time.Second); !strings.Contains(body, "not the protocol") {
		t.Fatalf("garbage: %q", body)
	}
	s.SetMode(Hang)
	if _, _, err := get(200 * time.Millisecond); err == nil {
		t.Fatal("hang answered")
	}
}

// TestModeCanBeSetOverHTTP is how a tester running `nesie sim` makes a service fail.
func TestModeCanBeSetOverHTTP(t *testing.T) {
	s, err := Start("echo", "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	resp, err := http.Post(s.URL+ModePath, "text/plain", strings.NewReader("garbage"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || s.Mode() != Garbage {
		t.Fatalf("POST mode: %d, mode %v", resp.StatusCode, s.Mode())
	}
	// The mode endpoint answers even while the simulator is failing or hanging.
	s.SetMode(Hang)
	resp, err = http.Post(s.URL+ModePath, "text/plain", strings.NewReader("normal"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if s.Mode() != Normal {
		t.Fatalf("mode after reset = %v", s.Mode())
	}
	resp, err = http.Post(s.URL+ModePath, "text/plain", strings.NewReader("explode"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || s.Mode() != Normal {
		t.Fatalf("a bad mode: %d, mode %v", resp.StatusCode, s.Mode())
	}
}
