// Package sms sends text messages through the SMS gateway over HTTP (the simulator in the
// demo and tests, the operator's gateway in production). Any failure — an error status, a
// timeout, an answer that is not the protocol's — is fault.ErrUnavailable: the caller (the
// notification outbox, the one-time password sender) retries or refuses, and never assumes a
// message went out.
package sms

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/outbound"
	"nesie.kz/nesie/internal/strictjson"
)

// DefaultTimeout bounds one request to the gateway when New is given none.
const DefaultTimeout = 10 * time.Second

// maxText is the longest text accepted: a few concatenated SMS parts, well above any
// template, so a runaway text is refused here rather than billed.
const maxText = 1000

// Client talks to the SMS gateway at one base URL.
type Client struct {
	base string
	http *http.Client
}

// New returns a client of the gateway at baseURL ("http://127.0.0.1:8123"); each request
// gives up after timeout (DefaultTimeout when zero or negative).
func New(baseURL string, timeout time.Duration) *Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Client{base: baseURL, http: outbound.NewClient(timeout)}
}

// Send sends text to phone under a fresh idempotency key.
func (c *Client) Send(ctx context.Context, phone, text string) error {
	var k [16]byte
	rand.Read(k[:])
	return c.SendWithKey(ctx, phone, text, hex.EncodeToString(k[:]))
}

// SendWithKey sends text to phone; the gateway delivers one message per key however many
// times it is asked, so a retry after an unclear failure cannot send twice.
func (c *Client) SendWithKey(ctx context.Context, phone, text, key string) error {
	p, err := kz.ParsePhone(phone)
	if err != nil {
		return err
	}
	switch {
	case text == "":
		return fault.Field("text", "is empty")
	case len(text) > maxText:
		return fault.Field("text", "is longer than %d bytes", maxText)
	case key == "" || len(key) > 128:
		return fault.Field("idempotency_key", "must have 1 to 128 characters")
	}
	body, err := json.Marshal(map[string]string{"to": p.String(), "text": text, "idempotency_key": key})
	if err != nil {
		return fmt.Errorf("sms: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/v1/messages", bytes.NewReader(body))
	if err != nil {
		return unavailable(fmt.Errorf("build request: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return unavailable(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return unavailable(fmt.Errorf("read answer: %w", err))
	}
	if resp.StatusCode != http.StatusOK {
		return unavailable(fmt.Errorf("gateway answered HTTP %d", resp.StatusCode))
	}
	var ans struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	if err := strictjson.Decode(raw, &ans, strictjson.IgnoreUnknown); err != nil {
		return unavailable(fmt.Errorf("answer is not one unambiguous JSON object: %w", err))
	}
	if ans.ID == "" || (ans.Status != "accepted" && ans.Status != "queued" && ans.Status != "sent") {
		return unavailable(fmt.Errorf("answer has no message id or an unknown status %q", ans.Status))
	}
	return nil
}

func unavailable(cause error) error {
	return fault.Wrap(fault.ErrUnavailable, "sms_unavailable", "The SMS service is unavailable; try again later.", fmt.Errorf("sms gateway: %w", cause))
}
