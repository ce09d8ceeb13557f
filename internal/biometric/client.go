package biometric

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/outbound"
	"nesie.kz/nesie/internal/strictjson"
)

// Client talks to the ЦОИД biometric service over HTTP. Every failure — refused connection,
// timeout, an error status, a body that is not the protocol's — is fault.ErrUnavailable, so
// the identification it guards is refused, never let through.
type Client struct {
	base string
	http *http.Client
}

// DefaultTimeout bounds one call to the provider.
const DefaultTimeout = 10 * time.Second

// maxResponse bounds what is read from the provider: a result is well under a kilobyte.
const maxResponse = 64 << 10

// NewClient returns a client of the service at baseURL (scheme and host, e.g.
// http://127.0.0.1:8601); each call gives up after timeout (DefaultTimeout when zero).
func NewClient(baseURL string, timeout time.Duration) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("biometric provider url %q: want http(s)://host[:port]", baseURL)
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), http: outbound.NewClient(timeout)}, nil
}

// ProviderSession is a session as the provider issued it.
type ProviderSession struct {
	ID        string
	Nonce     string
	Movements Sequence
	ExpiresAt time.Time
}

func unavailable(err error) error {
	return fault.Wrap(fault.ErrUnavailable, "biometric_unavailable",
		"The biometric identification service is unavailable; try again later.", err)
}

// call sends a request and returns the body of a 2xx answer.
func (c *Client) call(ctx context.Context, method, path string, body any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, unavailable(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, unavailable(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, unavailable(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, unavailable(err)
	}
	if len(b) > maxResponse {
		return nil, unavailable(errors.New("answer too long"))
	}
	if resp.StatusCode == http.StatusNotFound && path == "/v1/sessions" && bytes.Contains(b, []byte(`"no_reference_photo"`)) {
		// The provider answered properly: the state database has no photo to compare with.
		return nil, fault.Field("iin", "no reference photo is on record for this IIN; biometric identification is impossible")
	}
	if resp.StatusCode/100 != 2 {
		return nil, unavailable(fmt.Errorf("%s %s: status %d: %.200s", method, path, resp.StatusCode, b))
	}
	return b, nil
}

// CreateSession asks the provider for a session for iin; clientRef is Nesie's id of it.
func (c *Client) CreateSession(ctx context.Context, iin kz.IIN, clientRef string) (ProviderSession, error) {
	b, err := c.call(ctx, http.MethodPost, "/v1/sessions", map[string]string{"iin": iin.String(), "client_ref": clientRef})
	if err != nil {
		return ProviderSession{}, err
	}
	var w struct {
		SessionID string   `json:"session_id"`
		Nonce     string   `json:"nonce"`
		Movements []string `json:"movements"`
		ExpiresAt string   `json:"expires_at"`
	}
	if err := strictjson.Decode(b, &w, strictjson.IgnoreUnknown); err != nil {
		return ProviderSession{}, unavailable(fmt.Errorf("session: %w", err))
	}
	if !idPattern.MatchString(w.SessionID) || !idPattern.MatchString(w.Nonce) {
		return ProviderSession{}, unavailable(errors.New("session: id or nonce malformed"))
	}
	seq, err := parseSequence("movements", w.Movements)
	if err == nil {
		err = issuable(seq)
	}
	if err != nil {
		return ProviderSession{}, unavailable(fmt.Errorf("session: %w", err))
	}
	exp, err := time.Parse(time.RFC3339Nano, w.ExpiresAt)
	if err != nil {
		return ProviderSession{}, unavailable(fmt.Errorf("session: expires_at: %w", err))
	}
	return ProviderSession{ID: w.SessionID, Nonce: w.Nonce, Movements: seq, ExpiresAt: exp.UTC().Truncate(time.Microsecond)}, nil
}

// Perform submits the client's performance of a session: the movements and a frame. In
// production the client's device talks to the provider itself; the demo page and tests act
// the client's part through this call.
func (c *Client) Perform(ctx context.Context, providerSessionID string, movements Sequence, frame []byte) error {
	if !idPattern.MatchString(providerSessionID) {
		return fault.Field("session_id", "not a provider session id")
	}
	names := make([]string, len(movements))
	for i, m := range movements {
		names[i] = string(m)
	}
	_, err := c.call(ctx, http.MethodPost, "/v1/sessions/"+providerSessionID+"/performance",
		map[string]any{"movements": names, "frame": frame})
	return err
}

// FetchResult returns the session's result exactly as the provider sent it, unchecked: the
// bytes are kept as received (R34) and then parsed and checked by the caller.
func (c *Client) FetchResult(ctx context.Context, providerSessionID string) ([]byte, error) {
	if !idPattern.MatchString(providerSessionID) {
		return nil, fault.Field("session_id", "not a provider session id")
	}
	return c.call(ctx, http.MethodGet, "/v1/sessions/"+providerSessionID+"/result", nil)
}
