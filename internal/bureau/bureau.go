// Package bureau asks a credit bureau (ПКБ/ГКБ) for a person's credit report before a
// microcredit is granted (R8.1, R10): the person's credits with their overdue days, for the
// 90-day rule and the debt-to-income ratio, and the voluntary-refusal mark, a hard stop.
//
// Every report is signed by the bureau with Ed25519 over the body exactly as sent; the client
// verifies the signature and keeps the body and the signature (Report.Raw, Report.Signature)
// so that Nesie can prove later what it was told. The protocol is described in package
// bureausim, the simulator that speaks it.
package bureau

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/outbound"
)

// DefaultTimeout bounds one request to the bureau when NewClient is given none.
const DefaultTimeout = 15 * time.Second

// maxReport bounds the body read: a report of a thousand credits is far below it.
const maxReport = 1 << 20

// Credit is one of a person's credits as the bureau reports it.
type Credit struct {
	Creditor          string
	Outstanding       money.Amount
	MonthlyPayment    money.Amount
	DaysOverdue       int // days overdue now; 0 when the credit is current
	MaxDaysOverdue12m int // the longest overdue in the last 12 months
	Secured           bool
}

// Report is a verified credit report.
type Report struct {
	ID               string
	IIN              kz.IIN
	MadeAt           time.Time
	Credits          []Credit
	VoluntaryRefusal bool
	RefusalSince     date.Date // when VoluntaryRefusal
	// Raw is the body exactly as received and Signature the bureau's Ed25519 signature of it:
	// together they are the evidence of what the bureau said. Raw holds personal data.
	Raw       []byte
	Signature []byte
}

// Client asks one bureau for reports.
type Client struct {
	endpoint string
	key      ed25519.PublicKey
	http     *http.Client
}

// NewClient returns a client of the bureau at baseURL whose reports are signed with key; each
// request gives up after timeout (DefaultTimeout when zero or negative).
func NewClient(baseURL string, key ed25519.PublicKey, timeout time.Duration) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fault.Field("base_url", "must be an http or https URL")
	}
	if len(key) != ed25519.PublicKeySize {
		return nil, fault.Field("key", "must be an Ed25519 public key of %d bytes", ed25519.PublicKeySize)
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Client{
		endpoint: strings.TrimSuffix(baseURL, "/") + "/v1/reports",
		key:      append(ed25519.PublicKey(nil), key...),
		http:     outbound.NewClient(timeout),
	}, nil
}

// Report asks for the credit report of the person with iin. It fails closed: when the bureau
// fails, times out, answers without a valid signature, answers about another person or
// another request, or answers anything that is not a well-formed report, the error is
// fault.ErrUnavailable and the caller must not decide without it.
func (c *Client) Report(ctx context.Context, iin kz.IIN) (Report, error) {
	if iin.IsZero() {
		return Report{}, fault.Field("iin", "is required")
	}
	nonce := newNonce()
	q, _ := json.Marshal(map[string]string{"iin": iin.String(), "nonce": nonce})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(q))
	if err != nil {
		return Report{}, unavailable(fmt.Errorf("build request: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return Report{}, unavailable(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxReport+1))
	if err != nil {
		return Report{}, unavailable(fmt.Errorf("read answer: %w", err))
	}
	if resp.StatusCode != http.StatusOK {
		return Report{}, unavailable(fmt.Errorf("bureau answered HTTP %d", resp.StatusCode))
	}
	if len(raw) > maxReport {
		return Report{}, unavailable(errors.New("report is larger than 1 MiB"))
	}
	sig, err := parseSignature(resp.Header.Get(signatureHeader))
	if err != nil {
		return Report{}, unavailable(err)
	}
	if !ed25519.Verify(c.key, raw, sig) {
		return Report{}, unavailable(errors.New("the report's signature does not verify"))
	}
	rep, gotNonce, err := ParseReport(raw)
	if err != nil {
		return Report{}, unavailable(err)
	}
	// The report must answer this question: another person's report (a mix-up) or a report
	// made for another request (a replay) is no answer.
	if rep.IIN != iin {
		return Report{}, unavailable(errors.New("the report is about another IIN"))
	}
	if gotNonce != nonce {
		return Report{}, unavailable(errors.New("the report answers another request (nonce differs)"))
	}
	rep.Signature = sig
	return rep, nil
}

// signatureHeader is where the bureau puts its signature: "ed25519 <base64>".
const signatureHeader = "Bureau-Signature"

func parseSignature(h string) ([]byte, error) {
	alg, b64, ok := strings.Cut(h, " ")
	if !ok || alg != "ed25519" {
		return nil, errors.New("the report carries no ed25519 signature")
	}
	sig, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, errors.New("the report's signature is malformed")
	}
	return sig, nil
}

// Verify tells whether sig is key's signature of a stored report body: how an auditor checks
// the evidence kept with a decision.
func Verify(key ed25519.PublicKey, raw, sig []byte) bool {
	return len(key) == ed25519.PublicKeySize && len(sig) == ed25519.SignatureSize && ed25519.Verify(key, raw, sig)
}

func unavailable(cause error) error {
	return fault.Wrap(fault.ErrUnavailable, "credit_bureau_unavailable", "The credit bureau is unavailable; try again later.", fmt.Errorf("credit bureau: %w", cause))
}

func newNonce() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
