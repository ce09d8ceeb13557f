package eds

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"math/big"
	"slices"
	"time"
)

// DefaultOCSPMaxAge is how old an OCSP thisUpdate may be when OCSPCheck.MaxAge is zero. With
// a nonce the responder answers live, so a fresh answer is minutes old at most.
const DefaultOCSPMaxAge = time.Hour

// OCSPCheck is what an OCSP response must match.
type OCSPCheck struct {
	Serial *big.Int          // the certificate asked about
	Issuer *x509.Certificate // its issuer: the CertID and the responder's authority hang on it
	// Request and Nonce are what was sent; the response must echo the nonce. Request is only
	// recorded in the evidence.
	Request []byte
	Nonce   []byte
	Now     time.Time
	MaxAge  time.Duration // 0 means DefaultOCSPMaxAge
	Skew    time.Duration
}

// CheckOCSPResponse applies the fail-closed rule to a DER OCSP response: it must be successful,
// name the certificate under the given issuer, be signed by the issuer or by a responder the
// issuer certified for OCSP signing, echo the request's nonce and be fresh. Then good → nil,
// revoked → *RevokedError, unknown → ErrRevocationUnknown. A GOST-signed response gives an
// error that is both ErrRevocationUnknown and ErrNeedsExternalVerifier; a tryLater or
// internalError answer is both ErrRevocationUnknown and ErrUnreachable (so a CRL may be
// consulted). The evidence keeps raw as received whatever the outcome.
func CheckOCSPResponse(raw []byte, want OCSPCheck) (RevocationEvidence, error) {
	return checkOCSPResponse(raw, want, nil)
}

// checkOCSPResponse is CheckOCSPResponse with the delegated responders already verified as
// certified by the issuer (nil: none); OCSPThenCRL keeps them between checks.
func checkOCSPResponse(raw []byte, want OCSPCheck, responders *responderCache) (RevocationEvidence, error) {
	ev := RevocationEvidence{
		Source: SourceOCSP, Status: StatusUnknown, CheckedAt: want.Now,
		Request: bytes.Clone(want.Request), Nonce: bytes.Clone(want.Nonce), Response: bytes.Clone(raw),
	}
	refuse := func(format string, args ...any) (RevocationEvidence, error) {
		return ev, fmt.Errorf("%w: OCSP: "+format, append([]any{ErrRevocationUnknown}, args...)...)
	}
	if want.Serial == nil || want.Issuer == nil || len(want.Nonce) == 0 {
		return refuse("no serial, issuer or nonce to check against")
	}
	resp, certs, err := parseOCSPResponse(raw)
	if err != nil {
		return refuse("%w", err)
	}
	responderVerified, err := responderCertificates(resp, certs, want.Issuer, responders)
	if err != nil {
		return refuse("%w", err)
	}
	switch resp.ResponseStatus {
	case OCSPSuccessful:
	case OCSPTryLater, OCSPInternalError:
		return refuse("responder answered status %d: %w", resp.ResponseStatus, ErrUnreachable)
	default:
		return refuse("responder answered status %d", resp.ResponseStatus)
	}
	ev.ProducedAt = resp.ProducedAt
	i := slices.IndexFunc(resp.Responses, func(s OCSPSingleResponse) bool {
		return s.CertID.SerialNumber.Cmp(want.Serial) == 0
	})
	if i < 0 {
		return refuse("no status for certificate %X", want.Serial)
	}
	single := resp.Responses[i]
	ev.ThisUpdate, ev.NextUpdate = single.ThisUpdate, single.NextUpdate
	if single.Status != StatusGood {
		// What the response claims, recorded even if it cannot be authenticated below.
		ev.Status, ev.RevokedAt, ev.Reason = single.Status, single.RevokedAt, single.RevocationReason
	}
	if single.CriticalExtension {
		return refuse("the response for the certificate has a critical extension")
	}
	if !single.CertID.MatchesIssuer(want.Issuer) {
		return refuse("the response names a certificate of another issuer")
	}
	if a := AlgorithmFromOID(resp.SignatureAlgorithm); a.IsGOST() {
		return refuse("%w", &NeedsExternalVerifierError{What: "OCSP response", Algorithm: a, OID: resp.SignatureAlgorithm})
	}
	if err := checkOCSPSignature(resp, want.Issuer, responderVerified, responders); err != nil {
		return refuse("%w", err)
	}
	nonce, hasNonce := resp.Nonce, resp.HasNonce
	if !hasNonce {
		nonce, hasNonce = single.Nonce, single.HasNonce
	}
	switch {
	case !hasNonce:
		return refuse("the response has no nonce: it may be a replay")
	case !bytes.Equal(nonce, want.Nonce):
		return refuse("the response's nonce is not the request's")
	}
	if err := checkOCSPFreshness(single, want); err != nil {
		return refuse("%w", err)
	}
	switch single.Status {
	case StatusGood:
		ev.Status = StatusGood
		return ev, nil
	case StatusRevoked:
		return ev, &RevokedError{Serial: want.Serial, RevokedAt: single.RevokedAt, Reason: single.RevocationReason, Source: SourceOCSP}
	}
	return refuse("the responder does not know the certificate")
}

// checkOCSPFreshness refuses a response from the future, past its nextUpdate, or older than
// the allowed age.
func checkOCSPFreshness(s OCSPSingleResponse, want OCSPCheck) error {
	maxAge := want.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultOCSPMaxAge
	}
	switch {
	case s.ThisUpdate.After(want.Now.Add(want.Skew)):
		return fmt.Errorf("thisUpdate %s is in the future", s.ThisUpdate.UTC().Format(time.RFC3339))
	case !s.NextUpdate.IsZero() && want.Now.After(s.NextUpdate.Add(want.Skew)):
		return fmt.Errorf("stale: nextUpdate %s has passed", s.NextUpdate.UTC().Format(time.RFC3339))
	case want.Now.Sub(s.ThisUpdate) > maxAge:
		return fmt.Errorf("stale: thisUpdate %s is older than %s", s.ThisUpdate.UTC().Format(time.RFC3339), maxAge)
	}
	return nil
}
