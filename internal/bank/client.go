package bank

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/outbound"
)

// DefaultTimeout bounds one request to the gateway when NewClient is given none.
const DefaultTimeout = 15 * time.Second

// maxAnswer caps what is read of an answer: the protocol's answers are small.
const maxAnswer = 64 << 10

// Client talks to the payment gateway. It is safe for concurrent use.
type Client struct {
	base string
	http *http.Client
}

// NewClient returns a client of the gateway at baseURL (http or https); each request gives
// up after timeout (DefaultTimeout when zero or negative).
func NewClient(baseURL string, timeout time.Duration) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fault.Field("bank_url", "must be an http or https URL")
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Client{base: u.String(), http: outbound.NewClient(timeout)}, nil
}

// VerifyOwner asks whether the account or card d belongs to ownerID, an IIN or BIN (R9.3).
// A cash voucher has no account to own and is refused as bad input. When the gateway cannot
// give a clear answer about exactly this question the error is fault.ErrUnavailable.
func (c *Client) VerifyOwner(ctx context.Context, d Destination, ownerID string) (Ownership, error) {
	if err := d.Validate(); err != nil {
		return Ownership{}, err
	}
	if d.Kind == DestinationCashVoucher {
		return Ownership{}, fault.Field("destination.kind", "a cash voucher has no owner to verify")
	}
	if err := checkPersonID("owner_id", ownerID); err != nil {
		return Ownership{}, err
	}
	q := ownershipWire{Kind: string(d.Kind), CardToken: d.CardToken, Owner: ownerID}
	if !d.IBAN.IsZero() {
		q.IBAN = d.IBAN.String()
	}
	status, raw, err := c.do(ctx, http.MethodPost, "/v1/ownership", nil, q)
	if err != nil {
		return Ownership{}, err
	}
	if status != http.StatusOK {
		return Ownership{}, unavailable(fmt.Errorf("ownership: gateway answered HTTP %d", status))
	}
	own, err := parseOwnership(raw, q)
	if err != nil {
		return Ownership{}, unavailable(err)
	}
	return own, nil
}

// TokenizeCard sends the card number to the gateway once and returns the token and masked
// number Nesie keeps instead. A number that fails the Luhn check is refused here, before it
// leaves, as a field error on "card_number"; no error ever repeats the number.
func (c *Client) TokenizeCard(ctx context.Context, pan string, expMonth, expYear int) (Card, error) {
	pan = normalizePAN(pan)
	if !allDigits(pan) || len(pan) < 12 || len(pan) > 19 {
		return Card{}, fault.Field("card_number", "must be 12 to 19 digits")
	}
	if !luhnValid(pan) {
		return Card{}, fault.Field("card_number", "is not a valid card number (check digit does not match)")
	}
	if expMonth < 1 || expMonth > 12 {
		return Card{}, fault.Field("exp_month", "must be 1 to 12")
	}
	if expYear < 2000 || expYear > 2199 {
		return Card{}, fault.Field("exp_year", "must be a four-digit year")
	}
	body := cardRequestWire{PAN: pan, ExpMonth: expMonth, ExpYear: expYear}
	status, raw, err := c.do(ctx, http.MethodPost, "/v1/cards", nil, body)
	if err != nil {
		return Card{}, err
	}
	if status == http.StatusUnprocessableEntity {
		return Card{}, fault.Field("card_number", "was refused by the payment gateway")
	}
	if status != http.StatusOK {
		return Card{}, unavailable(fmt.Errorf("tokenize: gateway answered HTTP %d", status))
	}
	card, err := parseCard(raw, pan, expMonth, expYear)
	if err != nil {
		return Card{}, unavailable(err)
	}
	return card, nil
}

// Transfer asks the gateway to make the transfer r under its idempotency key. Sent again with
// the same key and request it answers the same transfer; with the same key and another
// request the error is fault.ErrConflict. Anything but a clear answer is fault.ErrUnavailable:
// the transfer may or may not have been made, and Status tells later.
func (c *Client) Transfer(ctx context.Context, r TransferRequest) (Transfer, error) {
	if err := r.Validate(); err != nil {
		return Transfer{}, err
	}
	body := transferRequestWire{
		Amount:      int64(r.Amount),
		To:          destinationWire{Kind: string(r.To.Kind), CardToken: r.To.CardToken},
		Beneficiary: r.BeneficiaryID,
		Purpose:     r.Purpose,
	}
	if !r.To.IBAN.IsZero() {
		body.To.IBAN = r.To.IBAN.String()
	}
	status, raw, err := c.do(ctx, http.MethodPost, "/v1/transfers", map[string]string{"Idempotency-Key": r.Key}, body)
	if err != nil {
		return Transfer{}, err
	}
	switch status {
	case http.StatusOK:
	case http.StatusConflict:
		return Transfer{}, fault.New(fault.ErrConflict, "idempotency_key_reused", "The payment gateway holds another transfer under this key.")
	default:
		return Transfer{}, unavailable(fmt.Errorf("transfer: gateway answered HTTP %d", status))
	}
	t, err := parseTransfer(raw, r.Key, r.Amount)
	if err != nil {
		return Transfer{}, unavailable(err)
	}
	return t, nil
}

// Status asks what became of the transfer made under key; found is false when the gateway
// never made one under it (it is then safe to send it).
func (c *Client) Status(ctx context.Context, key string) (t Transfer, found bool, err error) {
	if key == "" || len(key) > 128 {
		return Transfer{}, false, fault.Field("key", "must be 1 to 128 characters")
	}
	status, raw, err := c.do(ctx, http.MethodGet, "/v1/transfers/"+url.PathEscape(key), nil, nil)
	if err != nil {
		return Transfer{}, false, err
	}
	switch status {
	case http.StatusOK:
	case http.StatusNotFound:
		if err := parseUnknownKey(raw); err != nil {
			return Transfer{}, false, unavailable(err)
		}
		return Transfer{}, false, nil
	default:
		return Transfer{}, false, unavailable(fmt.Errorf("status: gateway answered HTTP %d", status))
	}
	t, err = parseTransfer(raw, key, 0)
	if err != nil {
		return Transfer{}, false, unavailable(err)
	}
	return t, true, nil
}

// do sends one request and reads the answer; only a failure to get an answer is an error.
func (c *Client) do(ctx context.Context, method, path string, header map[string]string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, fmt.Errorf("bank: encode request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, unavailable(fmt.Errorf("build request: %w", err))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, unavailable(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return 0, nil, unavailable(fmt.Errorf("read answer: %w", err))
	}
	return resp.StatusCode, raw, nil
}

func unavailable(cause error) error {
	return fault.Wrap(fault.ErrUnavailable, "bank_unavailable", "The payment gateway is unavailable; try again later.", fmt.Errorf("bank: %w", cause))
}
