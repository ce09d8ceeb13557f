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
