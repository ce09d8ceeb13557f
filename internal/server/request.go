package server

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/netip"
	"strings"

	"nesie.kz/nesie/internal/reqctx"
)

// requestState is what the middleware learns about a request while it is served. It is shared
// through the context by pointer, because the request is copied (WithContext) on its way down
// and what inner layers learn — the route pattern, the authenticated actor — must reach the
// access log written by an outer one. It belongs to the goroutine serving the request.
type requestState struct {
	id    string
	ip    string
	route string       // pattern of the ServeMux route that served the request
	actor reqctx.Actor // who the request turned out to be, for the access log
}

type stateKey struct{}

func stateFrom(ctx context.Context) *requestState {
	st, _ := ctx.Value(stateKey{}).(*requestState)
	return st
}

// MarkAuthenticated is called by authentication middleware once it knows who is calling. It
// forbids caching of the answer (Cache-Control: no-store, whatever the path), names actor in
// the access log, and returns r carrying actor in its reqctx for the handlers below.
func MarkAuthenticated(w http.ResponseWriter, r *http.Request, actor reqctx.Actor) *http.Request {
	w.Header().Set("Cache-Control", "no-store")
	if st := stateFrom(r.Context()); st != nil {
		st.actor = actor
	}
	return r.WithContext(reqctx.WithActor(r.Context(), actor))
}

// NoStore forbids caching of every answer of next, for routes under a cacheable prefix that
// still carry something private.
func NoStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// maxRequestIDLen bounds an incoming X-Request-Id, which ends up in every log line.
const maxRequestIDLen = 64

// requestID returns the caller's X-Request-Id when it is sane — 8 to 64 characters of
// letters, digits and . _ : - — so that a client or proxy can correlate its own logs with ours;
// otherwise a new random id (26 characters of base32).
func requestID(incoming string) string {
	if validRequestID(incoming) {
		return incoming
	}
	return rand.Text()
}

func validRequestID(s string) bool {
	if len(s) < 8 || len(s) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == ':' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// clientIP returns the address of the party that sent the request. The TCP peer is believed;
// X-Forwarded-For only when the peer is a trusted proxy, and then it is read from the right —
// the end the proxies appended to — up to the first address that is not a trusted proxy. The
// left part of the header is whatever the client wrote, so it is never taken on trust. A
// malformed entry stops the walk at the last address known.
func clientIP(remoteAddr string, forwardedFor []string, trusted []netip.Prefix) string {
	addr, ok := parseHost(remoteAddr)
	if !ok {
		return remoteAddr
	}
	if !inAny(addr, trusted) {
		return addr.String()
	}
	var hops []string
	for _, h := range forwardedFor {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHost(strings.TrimSpace(hops[i]))
		if !ok {
			break
		}
		addr = hop
		if !inAny(hop, trusted) {
			break
		}
	}
	return addr.String()
}

// parseHost reads "ip", "ip:port" or "[ipv6]:port".
func parseHost(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

func inAny(a netip.Addr, prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
