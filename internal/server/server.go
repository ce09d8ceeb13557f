// Package server is Nesie's HTTPS server: TLS 1.2+ only (R23), a middleware chain that gives
// every request an id, a client IP, security headers, no-store caching, size and time limits,
// an access log line and metrics, and recovers panics into a generic answer (R24.5, R26.1,
// R26.3); the /healthz, /readyz and /metrics routes; and a graceful drain on shutdown.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"

	"nesie.kz/nesie/internal/obs"
)

// ReadinessCheck reports whether the server can do its work — the database answers. It gets a
// context with a short deadline.
type ReadinessCheck func(ctx context.Context) error

// Server is an HTTPS server serving one application handler behind Nesie's middleware. Serve
// it once.
type Server struct {
	cfg     Config
	log     *slog.Logger
	metrics *obs.Metrics
	http    *http.Server

	mu   sync.Mutex
	addr net.Addr
}

// New returns a server for app. app is best an *http.ServeMux with per-route middleware inside
// it: the route pattern it matched then names the request in logs and metrics. The server's
// own routes GET /healthz, /readyz and /metrics take precedence over app's.
//
// A nil log discards logs, nil metrics get a fresh registry, and a nil ready check always
// passes.
func New(cfg Config, app http.Handler, log *slog.Logger, metrics *obs.Metrics, ready ReadinessCheck) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if metrics == nil {
		metrics = obs.NewMetrics()
	}
	if app == nil {
		app = http.NotFoundHandler()
	}
	tlsConfig := TLSConfig()
	tlsConfig.Certificates = []tls.Certificate{cfg.Certificate}

	s := &Server{cfg: cfg, log: log, metrics: metrics}
	s.http = &http.Server{
		Handler:           s.chain(s.routes(app, ready)),
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		// net/http's own complaints (failed TLS handshakes, bad requests) go to our log.
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Handler returns the server's whole handler, middleware included, for tests that drive it
// without a network.
func (s *Server) Handler() http.Handler { return s.http.Handler }

// chain wraps h in the middleware, outermost first.
func (s *Server) chain(h http.Handler) http.Handler {
	h = captureRoute(h)
	h = s.limits(h)
	h = s.observe(h)
	h = s.headers(h)
	return s.begin(h)
}

// Listen opens the TCP listener on cfg.Addr, so that the caller can learn the address (of
// port 0, say) before serving.
func (s *Server) Listen(ctx context.Context) (net.Listener, error) {
	ln, err := new(net.ListenConfig).Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("server: listen on %s: %w", s.cfg.Addr, err)
	}
	s.setAddr(ln.Addr())
	return ln, nil
}

// ListenAndServe listens on cfg.Addr and serves until ctx is cancelled; see Serve.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := s.Listen(ctx)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve serves HTTPS on ln until ctx is cancelled, then stops accepting connections and waits
// up to cfg.ShutdownTimeout for the requests in flight to finish. It returns nil after a full
// drain, and an error if serving failed or the drain ran out of time (the remaining
// connections are then closed).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.setAddr(ln.Addr())
	served := make(chan error, 1)
	go func() { served <- s.http.ServeTLS(ln, "", "") }()
	s.log.InfoContext(ctx, "server: listening", "addr", ln.Addr().String())

	select {
	case err := <-served:
		return fmt.Errorf("server: serve: %w", err)
	case <-ctx.Done():
	}

	s.log.Info("server: draining", "timeout", s.cfg.ShutdownTimeout.String())
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	err := s.http.Shutdown(drainCtx)
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
		s.log.Warn("server: serve ended with an error", "err", serveErr)
	}
	if err != nil {
		_ = s.http.Close() // cut what is still open; its error adds nothing to err
		return fmt.Errorf("server: drain did not finish within %v: %w", s.cfg.ShutdownTimeout, err)
	}
	s.log.Info("server: stopped")
	return nil
}

// Addr returns the address the server listens on, or nil before it listens.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

func (s *Server) setAddr(a net.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addr = a
}
