package eds

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Defaults of the HTTP revocation fetchers. НУЦ's responder answers in well under a second;
// its CRLs are megabytes.
const (
	DefaultOCSPTimeout = 5 * time.Second
	DefaultCRLTimeout  = 15 * time.Second
	maxOCSPResponse    = 64 << 10
	maxCRLSize         = 64 << 20
)

// HTTPOCSP posts OCSP requests (RFC 6960 appendix A.1) to one configured responder, НУЦ's
// http://ocsp.pki.gov.kz/ in production. It implements OCSPFetcher; OCSPThenCRL makes the
// request with a fresh nonce and checks the answer.
//
// The responder is configured, not read from the certificate's AIA: the certificate comes
// from the client, and following its URLs would let a client make Nesie call any address.
type HTTPOCSP struct {
	url     string
	timeout time.Duration
	client  *http.Client
}

var _ OCSPFetcher = (*HTTPOCSP)(nil)

// NewHTTPOCSP returns a fetcher for the responder at rawURL; timeout 0 means
// DefaultOCSPTimeout.
func NewHTTPOCSP(rawURL string, timeout time.Duration) (*HTTPOCSP, error) {
	if err := checkServiceURL(rawURL); err != nil {
		return nil, fmt.Errorf("eds: OCSP responder: %w", err)
	}
	if timeout <= 0 {
		timeout = DefaultOCSPTimeout
	}
	return &HTTPOCSP{url: rawURL, timeout: timeout, client: newHTTPClient()}, nil
}

// FetchOCSP sends the DER request and returns the DER response as received. A responder that
// cannot be reached, times out or answers 5xx gives ErrUnreachable (the CRL may then be
// consulted); any other HTTP status is an error that is not, and the signature is refused.
func (f *HTTPOCSP) FetchOCSP(ctx context.Context, _ *x509.Certificate, request []byte) ([]byte, error) {
	body, err := httpCall{
		client: f.client, timeout: f.timeout, method: http.MethodPost, url: f.url,
		contentType: "application/ocsp-request", accept: "application/ocsp-response",
		body: request, limit: maxOCSPResponse,
	}.do(ctx)
	if errors.Is(err, errTransport) {
		return nil, fmt.Errorf("%w: OCSP: %w", ErrUnreachable, err)
	}
	if err != nil {
		return nil, fmt.Errorf("OCSP: %w", err)
	}
	return body, nil
}

// HTTPCRL downloads CRLs from configured distribution points, НУЦ's
// https://crl.pki.gov.kz/nca_rsa_2022.crl and the like. With several points (one per issuing
// CA) it returns the first CRL whose issuer is the certificate's issuer. It implements
// CRLFetcher; CheckCRL verifies what it returns.
type HTTPCRL struct {
	urls    []string
	timeout time.Duration
	client  *http.Client
}

var _ CRLFetcher = (*HTTPCRL)(nil)

// NewHTTPCRL returns a fetcher for the given distribution points; timeout 0 means
// DefaultCRLTimeout.
func NewHTTPCRL(urls []string, timeout time.Duration) (*HTTPCRL, error) {
	if len(urls) == 0 {
		return nil, errors.New("eds: CRL: no distribution point configured")
	}
	for _, u := range urls {
		if err := checkServiceURL(u); err != nil {
			return nil, fmt.Errorf("eds: CRL distribution point: %w", err)
		}
	}
	if timeout <= 0 {
		timeout = DefaultCRLTimeout
	}
	return &HTTPCRL{urls: append([]string(nil), urls...), timeout: timeout, client: newHTTPClient()}, nil
}

// FetchCRL returns the CRL of cert's issuer as received. When no point can be reached it
// returns ErrUnreachable; when points answered but none with that issuer's CRL, an error that
// is not.
func (f *HTTPCRL) FetchCRL(ctx context.Context, cert *x509.Certificate) ([]byte, error) {
	if cert == nil {
		return nil, errors.New("CRL: no certificate")
	}
	var errs []error
	reached := false
	for _, u := range f.urls {
		body, err := httpCall{
			client: f.client, timeout: f.timeout, method: http.MethodGet, url: u,
			accept: "application/pkix-crl", limit: maxCRLSize,
		}.do(ctx)
		if err != nil {
			reached = reached || !errors.Is(err, errTransport)
			errs = append(errs, err)
			continue
		}
		reached = true
		if len(f.urls) == 1 {
			return body, nil // CheckCRL parses it and checks the issuer
		}
		crl, err := ParseCRL(body)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u, err))
			continue
		}
		if bytes.Equal(crl.RawIssuer, cert.RawIssuer) {
			return body, nil
		}
	}
	if !reached {
		return nil, fmt.Errorf("%w: CRL: %w", ErrUnreachable, errors.Join(errs...))
	}
	return nil, fmt.Errorf("CRL: no distribution point gave the issuer's CRL: %w", errors.Join(errs...))
}

// HTTPRevocationConfig configures NewHTTPRevocation.
type HTTPRevocationConfig struct {
	OCSPURL     string
	CRLURLs     []string // empty: no CRL fallback (an unreachable responder then refuses)
	OCSPTimeout time.Duration
	CRLTimeout  time.Duration
	// MaxAge and Skew are passed to OCSPThenCRL.
	MaxAge time.Duration
	Skew   time.Duration
}

// NewHTTPRevocation is the production RevocationChecker: OCSP over HTTP with a fresh nonce,
// falling back to the CRL when the responder cannot be reached.
func NewHTTPRevocation(cfg HTTPRevocationConfig) (*OCSPThenCRL, error) {
	ocsp, err := NewHTTPOCSP(cfg.OCSPURL, cfg.OCSPTimeout)
	if err != nil {
		return nil, err
	}
	checker := &OCSPThenCRL{OCSP: ocsp, MaxAge: cfg.MaxAge, Skew: cfg.Skew}
	if len(cfg.CRLURLs) > 0 {
		crl, err := NewHTTPCRL(cfg.CRLURLs, cfg.CRLTimeout)
		if err != nil {
			return nil, err
		}
		checker.CRL = crl
	}
	return checker, nil
}

// checkServiceURL accepts an absolute http or https URL with a host.
func checkServiceURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	return nil
}
