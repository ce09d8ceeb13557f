package outbound

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Concurrent calls to one service reuse their connections: with Go's default of two idle
// connections a host, the third and later workers each opened a new one on every round.
func TestConcurrentCallsReuseConnections(t *testing.T) {
	var opened atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond) // as a service takes a moment: the workers' calls overlap
		io.WriteString(w, "ok")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := NewClient(5 * time.Second)
	const workers, rounds = 8, 20
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range rounds {
				resp, err := c.Get(srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				time.Sleep(time.Millisecond) // the worker's own work between its calls
			}
		})
	}
	wg.Wait()
	// A worker that finds every kept connection busy dials a new one, and may be handed a
	// freed one meanwhile, the dialled one then kept: under contention a few more than one a
	// worker open, never one a call. Go's default kept two, and every other worker dialled on
	// every round (over a hundred here).
	if n := opened.Load(); n > 2*workers {
		t.Fatalf("%d connections opened for %d concurrent workers making %d calls; want them kept for the next calls", n, workers, workers*rounds)
	}
}

// A redirect is handed back as the answer, never followed.
func TestRedirectIsNotFollowed(t *testing.T) {
	var followed atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			followed.Store(true)
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}))
	defer srv.Close()
	resp, err := NewClient(5 * time.Second).Get(srv.URL + "/ask")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || followed.Load() {
		t.Fatalf("status %d, followed %v: want the 302 itself and no second request", resp.StatusCode, followed.Load())
	}
}

// The timeout bounds a call to a service that does not answer.
func TestTimeoutBoundsACall(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	_, err := NewClient(50 * time.Millisecond).Get(srv.URL)
	if err == nil {
		t.Fatal("a call to a silent service returned without error")
	}
	if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Fatalf("err = %v; want a timeout", err)
	}
}
