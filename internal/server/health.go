package server

import (
	"context"
	"net/http"

	"nesie.kz/nesie/internal/reqctx"
)

// routes puts the server's own routes beside app.
func (s *Server) routes(app http.Handler, ready ReadinessCheck) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.Handle("GET /readyz", s.readyz(ready))
	mux.Handle("GET /metrics", s.metricsGate(s.metrics.Handler()))
	mux.Handle("/", app)
	return mux
}

type statusBody struct {
	Status string `json:"status"`
}

// healthz says the process is alive and serving; it touches nothing else, so that a slow
// database never gets a live process restarted.
func healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, statusBody{Status: "ok"})
}

// readyz runs the readiness check under cfg.ReadyTimeout: 200 when it passes, 503 when it fails.
// Why it failed is logged, not told: the answer is public (R26.1).
func (s *Server) readyz(check ReadinessCheck) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if check != nil {
			ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ReadyTimeout)
			defer cancel()
			if err := check(ctx); err != nil {
				s.log.WarnContext(r.Context(), "readiness check failed", "err", err)
				writeJSON(w, http.StatusServiceUnavailable, statusBody{Status: "unavailable"})
				return
			}
		}
		writeJSON(w, http.StatusOK, statusBody{Status: "ready"})
	})
}

// metricsGate lets only cfg.MetricsFrom read the metrics, which describe the system's inner
// workings; anyone else gets the 404 of a route that does not exist.
func (s *Server) metricsGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if addr, ok := parseHost(reqctx.From(r.Context()).IP); !ok || !inAny(addr, s.cfg.MetricsFrom) {
			WriteError(w, r, errNotFound)
			return
		}
		next.ServeHTTP(w, r)
	})
}
