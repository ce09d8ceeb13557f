package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"nesie.kz/nesie/internal/reqctx"
)

// contentSecurityPolicy allows scripts, styles and frames from our own origin only: no inline
// script, no plugins, and no framing of our pages by anyone (clickjacking).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// permissionsPolicy lets our own pages use the camera (liveness check) and geolocation (sent
// with money operations when the client allows it) and nothing else of the kind.
const permissionsPolicy = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=(), " +
	"serial=(), bluetooth=(), display-capture=()"

// setSecurityHeaders writes the headers every answer carries.
func setSecurityHeaders(h http.Header) {
	h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Permissions-Policy", permissionsPolicy)
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// begin gives the request its id and client IP, records them in reqctx for the domain and in a
// requestState for the middleware, and echoes the id in X-Request-Id.
func (s *Server) begin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &requestState{
			id:    requestID(r.Header.Get("X-Request-Id")),
			ip:    clientIP(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), s.cfg.TrustedProxies),
			actor: reqctx.Actor{Kind: reqctx.Anonymous},
		}
		w.Header().Set("X-Request-Id", st.id)
		ctx := reqctx.With(r.Context(), reqctx.Info{RequestID: st.id, IP: st.ip, Actor: st.actor})
		ctx = context.WithValue(ctx, stateKey{}, st)
		ctx = context.WithValue(ctx, loggerKey{}, s.log)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// headers sets the security headers and, except under a cacheable prefix, Cache-Control:
// no-store — everything but static assets may show personal data or follow a login.
func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header())
		if !s.cacheable(r.URL.Path) {
			w.Header().Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) cacheable(path string) bool {
	for _, p := range s.cfg.CacheablePrefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// observe writes the access log line and the request metrics, and recovers a panic of any
// handler below: the detail and stack go to the log under the request id, the client gets a
// generic 500 carrying that id as correlation id and nothing else (R24.5, R26.1).
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		start := time.Now()
		defer func() {
			p := recover()
			abort := p == http.ErrAbortHandler
			if p != nil && !abort {
				s.log.LogAttrs(withKnownActor(r.Context()), slog.LevelError, "panic serving request",
					slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
				if rec.status == 0 {
					s.answerPanic(rec, r)
				} else {
					abort = true // half an answer is out: cut the connection rather than end it cleanly
				}
			}
			s.logRequest(r, rec, time.Since(start))
			if abort {
				panic(http.ErrAbortHandler)
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// answerPanic replaces whatever headers the panicking handler had set (a cookie, a content
// type) with the ones every answer carries, and answers 500.
func (s *Server) answerPanic(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	clear(h)
	setSecurityHeaders(h)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Request-Id", reqctx.From(r.Context()).RequestID)
	writeJSON(w, http.StatusInternalServerError, errorBody{Error: errorDetail{
		Code:          errInternal.Code,
		Message:       errInternal.Message,
		CorrelationID: reqctx.From(r.Context()).RequestID,
	}})
}

// logRequest writes the access log line and counts the request. The path is logged without
// its query, which may carry personal data; the route is the pattern that served it.
func (s *Server) logRequest(r *http.Request, rec *recorder, elapsed time.Duration) {
	status := rec.status
	if status == 0 {
		status = http.StatusOK // the handler wrote nothing: net/http answers 200
	}
	ctx := withKnownActor(r.Context())
	route := "unmatched"
	if st := stateFrom(ctx); st != nil {
		route = routeLabel(st.route)
	}
	s.metrics.ObserveRequest(r.Method, route, status, elapsed)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelWarn
	}
	s.log.LogAttrs(ctx, level, "request",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Int64("bytes", rec.bytes),
		slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.String("ip", reqctx.From(ctx).IP),
		slog.String("proto", r.Proto),
	)
}

// withKnownActor returns ctx naming the actor that authentication found further down, which
// the outer middleware's own copy of the request does not carry.
func withKnownActor(ctx context.Context) context.Context {
	if st := stateFrom(ctx); st != nil {
		return reqctx.WithActor(ctx, st.actor)
	}
	return ctx
}

// routeLabel turns a ServeMux pattern into the route of logs and metrics: "GET /loans/{id}"
// becomes "/loans/{id}" (the method is its own label); no pattern means no route matched.
func routeLabel(pattern string) string {
	if pattern == "" {
		return "unmatched"
	}
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		return strings.TrimSpace(pattern[i+1:])
	}
	return pattern
}

// limits bounds the request body (R26.3) and gives the request context its deadline. A body
// announced as too large is refused before the handler runs; one that grows too large while
// read fails the read with *http.MaxBytesError, which WriteError answers 413.
func (s *Server) limits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.cfg.MaxBodyBytes {
			w.Header().Set("Connection", "close") // do not read the rest of the body
			WriteError(w, r, errTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.HandlerTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// captureRoute records the pattern that served the request. It must sit right above the
// ServeMux, because the mux writes the pattern into the very *http.Request it is given.
func captureRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if st := stateFrom(r.Context()); st != nil {
				st.route = r.Pattern
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// recorder notes the status and size of an answer.
type recorder struct {
	http.ResponseWriter
	status int // 0 until the header is written; 1xx interim answers are not counted
	bytes  int64
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 && code >= 200 {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += int64(n)
	return n, err
}

// Flush passes a flush through, for streamed answers.
func (rw *recorder) Flush() {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	_ = http.NewResponseController(rw.ResponseWriter).Flush() // nothing to do if it cannot
}

// Unwrap lets http.ResponseController reach the connection's own writer.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// Compile-time check that the recorder keeps streaming possible.
var _ http.Flusher = (*recorder)(nil)
