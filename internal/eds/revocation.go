package eds

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"time"
)

// RevocationSource says where a revocation status came from.
type RevocationSource string

// The sources of revocation evidence.
const (
	SourceOCSP RevocationSource = "OCSP"
	SourceCRL  RevocationSource = "CRL"
)

// RevocationStatus is what the evidence says about the certificate.
type RevocationStatus string

// The statuses. Only StatusGood lets a signature through.
const (
	StatusGood    RevocationStatus = "good"
	StatusRevoked RevocationStatus = "revoked"
	StatusUnknown RevocationStatus = "unknown"
)

// RevocationEvidence is the revocation check as it happened, kept with the signature (R34): the
// request that was sent, the response or CRL exactly as received, and what it said. Status is
// StatusGood only when every check passed; the error returned with it is the decision.
type RevocationEvidence struct {
	Source     RevocationSource
	Status     RevocationStatus
	RevokedAt  time.Time
	Reason     int // RFC 5280 CRLReason, when revoked
	ProducedAt time.Time
	ThisUpdate time.Time
	NextUpdate time.Time
	// Request is the DER OCSP request sent; Nonce is the nonce it carried.
	Request []byte
	Nonce   []byte
	// Response is the DER OCSP response or the CRL, byte for byte as received.
	Response  []byte
	CheckedAt time.Time
	// OCSPFailure says why OCSP was not used when Source is SourceCRL.
	OCSPFailure string
}

// RevocationChecker establishes whether cert (issued by issuer) is revoked as of at. It
// returns a nil error only for a good status; a revoked certificate gives a *RevokedError,
// anything else an error wrapping ErrRevocationUnknown. The HTTP OCSP/CRL fetchers plug in
// here, through OCSPThenCRL or by implementing the interface.
type RevocationChecker interface {
	CheckRevocation(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) (RevocationEvidence, error)
}

// OCSPFetcher sends a DER OCSP request for cert to its responder and returns the DER response.
// It returns an error wrapping ErrUnreachable when the responder cannot be reached (connection
// failure, timeout, HTTP 5xx).
type OCSPFetcher interface {
	FetchOCSP(ctx context.Context, cert *x509.Certificate, request []byte) ([]byte, error)
}

// CRLFetcher returns the current CRL covering cert, as received. It returns an error wrapping
// ErrUnreachable when no distribution point can be reached.
type CRLFetcher interface {
	FetchCRL(ctx context.Context, cert *x509.Certificate) ([]byte, error)
}

// OCSPThenCRL is the decision rule of FACTS.md §6 as NCANode applies it: ask OCSP with a fresh
// nonce; good, nonce matching and fresh → good; revoked → refused; unknown, wrong nonce, bad
// signature or stale → refused (fail closed). Only when the responder cannot be reached (or
// answers tryLater/internalError) is a fresh CRL consulted instead; when that fails too, the
// status is unknown and the signature is refused.
type OCSPThenCRL struct {
	OCSP OCSPFetcher
	CRL  CRLFetcher // nil: no fallback
	// Nonce is the source of request nonces; nil means crypto/rand.
	Nonce io.Reader
	// MaxAge bounds the age of an OCSP thisUpdate; 0 means DefaultOCSPMaxAge.
	MaxAge time.Duration
	// Skew is the clock difference tolerated with the responder and the CRL issuer.
	Skew time.Duration
	// Hash is the CertID hash; 0 means SHA-256, which НУЦ's responder uses.
	Hash crypto.Hash

	// responders spares re-checking the issuer's signature on the responder certificate
	// every response carries (see verified_cache.go); the response itself is checked every time.
	responders responderCache
}

// nonceSize is the length of the OCSP nonces this package sends (RFC 8954 allows 1–32 bytes).
const nonceSize = 16

// CheckRevocation implements RevocationChecker.
func (c *OCSPThenCRL) CheckRevocation(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) (RevocationEvidence, error) {
	if c.OCSP == nil || cert == nil || issuer == nil {
		return RevocationEvidence{Status: StatusUnknown}, fmt.Errorf("%w: no OCSP fetcher, certificate or issuer", ErrRevocationUnknown)
	}
	h := c.Hash
	if h == 0 {
		h = crypto.SHA256
	}
	src := c.Nonce
	if src == nil {
		src = rand.Reader
	}
	nonce := make([]byte, nonceSize)
	if _, err := io.ReadFull(src, nonce); err != nil {
		return RevocationEvidence{Status: StatusUnknown}, fmt.Errorf("%w: nonce: %w", ErrRevocationUnknown, err)
	}
	req, err := BuildOCSPRequest(cert.SerialNumber, issuer, h, nonce)
	if err != nil {
		return RevocationEvidence{Status: StatusUnknown}, fmt.Errorf("%w: %w", ErrRevocationUnknown, err)
	}
	raw, err := c.OCSP.FetchOCSP(ctx, cert, req)
	var ev RevocationEvidence
	if err == nil {
		ev, err = checkOCSPResponse(raw, OCSPCheck{
			Serial: cert.SerialNumber, Issuer: issuer, Request: req, Nonce: nonce,
			Now: at, MaxAge: c.MaxAge, Skew: c.Skew,
		}, &c.responders)
		if !errors.Is(err, ErrUnreachable) {
			return ev, err
		}
	} else if !errors.Is(err, ErrUnreachable) {
		ev = RevocationEvidence{Source: SourceOCSP, Status: StatusUnknown, Request: req, Nonce: nonce, CheckedAt: at}
		return ev, fmt.Errorf("%w: OCSP: %w", ErrRevocationUnknown, err)
	}
	ocspFailure := err.Error()
	if c.CRL == nil {
		return RevocationEvidence{Source: SourceOCSP, Status: StatusUnknown, Request: req, Nonce: nonce, CheckedAt: at,
			OCSPFailure: ocspFailure}, fmt.Errorf("%w: OCSP unreachable and no CRL fallback: %w", ErrRevocationUnknown, err)
	}
	crl, cerr := c.CRL.FetchCRL(ctx, cert)
	if cerr != nil {
		return RevocationEvidence{Source: SourceCRL, Status: StatusUnknown, CheckedAt: at, OCSPFailure: ocspFailure},
			fmt.Errorf("%w: OCSP unreachable (%s) and CRL: %w", ErrRevocationUnknown, ocspFailure, cerr)
	}
	ev, err = CheckCRL(crl, CRLCheck{Serial: cert.SerialNumber, Issuer: issuer, Now: at, Skew: c.Skew})
	ev.OCSPFailure = ocspFailure
	return ev, err
}
