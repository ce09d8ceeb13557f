// Package phonereg asks the mobile operator / eGov phone registry whether a number belongs
// to a person (R36.2: after a leak of a client's personal data, the phone the MFO would send
// codes to must be proved to be the client's own).
package phonereg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/outbound"
	"nesie.kz/nesie/internal/strictjson"
)

// DefaultTimeout bounds one request to the registry when New is given none.
const DefaultTimeout = 10 * time.Second

// Client asks the phone registry whether a number belongs to a person.
type Client struct {
	base string
	http *http.Client
}

// New returns a client of the registry at baseURL; each request gives up after timeout
// (DefaultTimeout when zero or negative).
func New(baseURL string, timeout time.Duration) *Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Client{base: baseURL, http: outbound.NewClient(timeout)}
}

// Owns reports whether phone is registered to the person with iin. It fails closed: when
// the registry fails, times out or answers anything but a clear yes or no about exactly this
// phone and IIN, the error is fault.ErrUnavailable and the caller must refuse the operation
// the check guards. Bad input is a field error on "phone" or "iin".
func (c *Client) Owns(ctx context.Context, phone, iin string) (bool, error) {
	p, err := kz.ParsePhone(phone)
	if err != nil {
		return false, err
	}
	id, err := kz.ParseIIN(iin)
	if err != nil {
		var pe *kz.ParseError
		if errors.As(err, &pe) {
			return false, fault.Field("iin", "%s", pe.Reason)
		}
		return false, fault.Field("iin", "is not a valid IIN")
	}
	q := url.Values{"phone": {p.String()}, "iin": {id.String()}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v1/owner?"+q.Encode(), nil)
	if err != nil {
		return false, unavailable(fmt.Errorf("build request: %w", err))
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return false, unavailable(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return false, unavailable(fmt.Errorf("read answer: %w", err))
	}
	if resp.StatusCode != http.StatusOK {
		return false, unavailable(fmt.Errorf("registry answered HTTP %d", resp.StatusCode))
	}
	var ans struct {
		Phone string `json:"phone"`
		IIN   string `json:"iin"`
		Owner *bool  `json:"owner"`
	}
	if err := strictjson.Decode(raw, &ans, strictjson.IgnoreUnknown); err != nil {
		return false, unavailable(fmt.Errorf("answer is not one unambiguous JSON object: %w", err))
	}
	// The answer must be about the question asked: an answer about another number or person
	// (a mixed-up or replayed response) is no answer.
	if ans.Owner == nil || ans.Phone != p.String() || ans.IIN != id.String() {
		return false, unavailable(fmt.Errorf("answer is not about the phone and IIN asked"))
	}
	return *ans.Owner, nil
}

func unavailable(cause error) error {
	return fault.Wrap(fault.ErrUnavailable, "phone_registry_unavailable", "The phone registry is unavailable; try again later.", fmt.Errorf("phone registry: %w", cause))
}
