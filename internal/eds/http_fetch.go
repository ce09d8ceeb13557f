package eds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/outbound"
)

// errTransport marks a failure to reach a service at all: connection refused, timeout, a cut
// connection, HTTP 5xx. Callers turn it into ErrUnreachable (OCSP, CRL) or
// ErrVerifierUnavailable (NCANode); any other failure is the service's answer being wrong.
var errTransport = errors.New("transport failure")

// newHTTPClient is a client that never follows redirects: a redirect from a revocation or
// verification service is not an answer, and following it lets the service send Nesie
// anywhere (SSRF). Timeouts are per request, through the context.
func newHTTPClient() *http.Client { return outbound.NewClient(0) }

// httpCall is one request to an outside service.
type httpCall struct {
	client      *http.Client
	timeout     time.Duration
	method, url string
	contentType string // of the body; "" for none
	accept      string
	body        []byte
	limit       int64 // the largest body accepted
}

// do sends the call and returns the body of a 200 answer. Transport failures and 5xx wrap
// errTransport and fault.ErrUnavailable; other statuses and an oversized body do not.
func (c httpCall) do(ctx context.Context) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, c.url, body)
	if err != nil {
		return nil, fmt.Errorf("request to %s: %w", c.url, err)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	if c.accept != "" {
		req.Header.Set("Accept", c.accept)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: %s: %w", errTransport, fault.ErrUnavailable, c.url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.limit+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: %w: %s: reading the answer: %w", errTransport, fault.ErrUnavailable, c.url, err)
	case resp.StatusCode >= 500:
		return nil, fmt.Errorf("%w: %w: %s answered HTTP %d", errTransport, fault.ErrUnavailable, c.url, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return data, fmt.Errorf("%s answered HTTP %d", c.url, resp.StatusCode)
	case int64(len(data)) > c.limit:
		return nil, fmt.Errorf("%s answered more than %d bytes", c.url, c.limit)
	}
	return data, nil
}
