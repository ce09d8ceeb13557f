package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// Config is what the HTTPS server needs to know. Zero fields take the values of DefaultConfig.
type Config struct {
	// Addr is host:port to listen on: 127.0.0.1:8443 in the demo.
	Addr string
	// Certificate is served to clients: LoadKeyPair in production, LoadOrCreateSelfSigned in
	// the demo. It is required.
	Certificate tls.Certificate

	// TrustedProxies are the reverse proxies whose X-Forwarded-For is believed. A request from
	// anywhere else is attributed to its TCP peer, whatever headers it carries.
	TrustedProxies []netip.Prefix
	// MetricsFrom are the client networks allowed to read /metrics; others get 404. Empty
	// means loopback only.
	MetricsFrom []netip.Prefix
	// CacheablePrefixes are path prefixes (static assets) whose answers may be cached. Every
	// other answer carries Cache-Control: no-store.
	CacheablePrefixes []string

	// MaxBodyBytes bounds a request body; a larger one is answered 413.
	MaxBodyBytes int64
	// MaxHeaderBytes bounds the request line and headers; larger ones are answered 431.
	MaxHeaderBytes int

	ReadHeaderTimeout time.Duration // to read the request line and headers (slow-loris guard)
	ReadTimeout       time.Duration // to read the whole request, body included
	WriteTimeout      time.Duration // from the end of the headers to the end of the answer
	IdleTimeout       time.Duration // a keep-alive connection waiting for its next request
	// HandlerTimeout is the deadline of a request's context. It is shorter than WriteTimeout so
	// that a handler that gives up still has time to answer.
	HandlerTimeout time.Duration
	// ShutdownTimeout bounds the drain of requests in flight at shutdown.
	ShutdownTimeout time.Duration
	// ReadyTimeout bounds the readiness check behind /readyz.
	ReadyTimeout time.Duration
}

// DefaultConfig returns the settings used for any field left zero.
func DefaultConfig() Config {
	return Config{
		Addr:              "127.0.0.1:8443",
		MetricsFrom:       []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")},
		MaxBodyBytes:      1 << 20,
		MaxHeaderBytes:    64 << 10,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      40 * time.Second,
		IdleTimeout:       120 * time.Second,
		HandlerTimeout:    30 * time.Second,
		ShutdownTimeout:   20 * time.Second,
		ReadyTimeout:      2 * time.Second,
	}
}

// withDefaults fills the zero fields of c from DefaultConfig and checks the result.
func (c Config) withDefaults() (Config, error) {
	d := DefaultConfig()
	if c.Addr == "" {
		c.Addr = d.Addr
	}
	if len(c.MetricsFrom) == 0 {
		c.MetricsFrom = d.MetricsFrom
	}
	fill := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	fill(&c.ReadHeaderTimeout, d.ReadHeaderTimeout)
	fill(&c.ReadTimeout, d.ReadTimeout)
	fill(&c.WriteTimeout, d.WriteTimeout)
	fill(&c.IdleTimeout, d.IdleTimeout)
	fill(&c.HandlerTimeout, d.HandlerTimeout)
	fill(&c.ShutdownTimeout, d.ShutdownTimeout)
	fill(&c.ReadyTimeout, d.ReadyTimeout)
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = d.MaxBodyBytes
	}
	if c.MaxHeaderBytes == 0 {
		c.MaxHeaderBytes = d.MaxHeaderBytes
	}

	var errs []error
	if len(c.Certificate.Certificate) == 0 || c.Certificate.PrivateKey == nil {
		errs = append(errs, errors.New("Certificate: required"))
	}
	if c.MaxBodyBytes < 0 {
		errs = append(errs, fmt.Errorf("MaxBodyBytes: %d is negative", c.MaxBodyBytes))
	}
	if c.MaxHeaderBytes < 0 {
		errs = append(errs, fmt.Errorf("MaxHeaderBytes: %d is negative", c.MaxHeaderBytes))
	}
	for _, t := range []struct {
		name string
		v    time.Duration
	}{
		{"ReadHeaderTimeout", c.ReadHeaderTimeout}, {"ReadTimeout", c.ReadTimeout},
		{"WriteTimeout", c.WriteTimeout}, {"IdleTimeout", c.IdleTimeout},
		{"HandlerTimeout", c.HandlerTimeout}, {"ShutdownTimeout", c.ShutdownTimeout},
		{"ReadyTimeout", c.ReadyTimeout},
	} {
		if t.v < 0 {
			errs = append(errs, fmt.Errorf("%s: %v is negative", t.name, t.v))
		}
	}
	if c.HandlerTimeout >= c.WriteTimeout {
		errs = append(errs, fmt.Errorf("HandlerTimeout: %v must be shorter than WriteTimeout %v, or a timed-out request gets no answer", c.HandlerTimeout, c.WriteTimeout))
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("server: config: %w", err)
	}
	return c, nil
}
