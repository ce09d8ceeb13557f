// Package sim runs Nesie's simulators of the outside services — ЦОИД biometrics, НУЦ (EDS),
// the credit bureau, the anti-fraud centre, banks, SMS, the phone registry — as real HTTP
// servers on loopback. The demo starts them, tests start them, and `nesie sim` runs them on
// their own; production points the same adapters at the real services. Every simulator can
// be told to fail, to hang, or to answer garbage, so that tests prove Nesie fails closed.
package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Mode is how a simulator behaves.
type Mode int32

// The modes.
const (
	// Normal answers as the real service would.
	Normal Mode = iota
	// Fail answers every request with HTTP 500.
	Fail
	// Hang never answers: the request waits until the client gives up or the server stops.
	Hang
	// Garbage answers 200 with a body that is not the protocol's.
	Garbage
)

func (m Mode) String() string {
	switch m {
	case Normal:
		return "normal"
	case Fail:
		return "fail"
	case Hang:
		return "hang"
	case Garbage:
		return "garbage"
	}
	return fmt.Sprintf("mode(%d)", int32(m))
}

// Server is one running simulator.
type Server struct {
	// Name says which service it simulates, for logs and `nesie sim`.
	Name string
	// URL is its base address, http://127.0.0.1:PORT.
	URL  string
	mode atomic.Int32
	http *http.Server
	done chan struct{}
}

// Start serves h on a free loopback port (or on addr when not empty) until Close.
func Start(name, addr string, h http.Handler) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("simulator %s: %w", name, err)
	}
	s := &Server{Name: name, URL: "http://" + ln.Addr().String(), done: make(chan struct{})}
	s.http = &http.Server{Handler: s.behave(h), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		defer close(s.done)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(fmt.Sprintf("simulator %s: %v", name, err))
		}
	}()
	return s, nil
}

// SetMode changes how the simulator answers from the next request on.
func (s *Server) SetMode(m Mode) { s.mode.Store(int32(m)) }

// Mode tells how the simulator answers.
func (s *Server) Mode() Mode { return Mode(s.mode.Load()) }

// Close stops the simulator; requests left hanging are cut off.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.http.Close()
	}
	<-s.done
	return err
}

// garbageBody is what Garbage mode answers: valid HTTP, nothing any adapter should accept.
const garbageBody = "\x00\xff<html>not the protocol you are looking for</html>"

// ModePath is where a tester changes a running simulator's mode over HTTP (`nesie sim`):
// POST /sim/mode with the body normal, fail, hang or garbage. It answers in every mode.
const ModePath = "/sim/mode"

func (s *Server) behave(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == ModePath {
			s.serveMode(w, r)
			return
		}
		switch s.Mode() {
		case Fail:
			http.Error(w, `{"error":"simulated failure"}`, http.StatusInternalServerError)
		case Hang:
			select {
			case <-r.Context().Done():
			case <-s.done:
			}
		case Garbage:
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(garbageBody))
		default:
			h.ServeHTTP(w, r)
		}
	})
}

// serveMode reads or sets the mode: GET answers it, POST sets it from the body.
func (s *Server) serveMode(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		b, err := io.ReadAll(io.LimitReader(r.Body, 64))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		m, ok := parseMode(strings.TrimSpace(string(b)))
		if !ok {
			http.Error(w, "mode: want normal, fail, hang or garbage", http.StatusBadRequest)
			return
		}
		s.SetMode(m)
	default:
		http.Error(w, "GET or POST", http.StatusMethodNotAllowed)
		return
	}
	fmt.Fprintln(w, s.Mode())
}

func parseMode(s string) (Mode, bool) {
	for _, m := range []Mode{Normal, Fail, Hang, Garbage} {
		if m.String() == s {
			return m, true
		}
	}
	return Normal, false
}
