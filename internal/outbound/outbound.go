// Package outbound is how Nesie reaches the outside services it works with over HTTP (ЦОИД
// biometrics, the bank's gateway, the credit bureau, EDS verification and OCSP, SMS, the
// phone registry). Every adapter takes its HTTP client from here, so all of them keep their
// connections for the next call and none follows a redirect.
package outbound

import (
	"net/http"
	"time"
)

// IdleConnsPerHost is how many idle connections are kept to each service. Go's default of two
// closes every further connection after its call, so under concurrent requests each call
// past the second paid for a new TCP connection (and a TLS handshake in production).
const IdleConnsPerHost = 64

// NewClient returns an HTTP client whose every call gives up after timeout (zero: only the
// caller's context bounds it). A redirect is never followed: it is no answer from the
// service, and following it lets the answering side send Nesie anywhere (SSRF).
func NewClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = IdleConnsPerHost
	return &http.Client{
		Transport:     t,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
