package eds

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Sentinel errors. Each refusal wraps exactly one of them, so the caller can tell the client
// why and record a stable reason code.
var (
	// ErrMalformed: the input is not a well-formed certificate, CMS, OCSP response or CRL.
	ErrMalformed = errors.New("eds: malformed input")
	// ErrNeedsExternalVerifier: the signature uses GOST, which Go cannot verify; the
	// NCANode-compatible back end must handle it. A *NeedsExternalVerifierError wraps it.
	ErrNeedsExternalVerifier = errors.New("eds: signature algorithm needs the external (NCANode) verifier")
	// ErrUnsupportedAlgorithm: neither this package nor the external back end knows the algorithm.
	ErrUnsupportedAlgorithm = errors.New("eds: unsupported algorithm")
	// ErrContentMismatch: the signature does not cover the exact document bytes.
	ErrContentMismatch = errors.New("eds: signature does not cover the document")
	// ErrBadSignature: the cryptographic signature does not verify.
	ErrBadSignature = errors.New("eds: signature does not verify")
	// ErrSignerNotFound: the signer's certificate is not in the signature.
	ErrSignerNotFound = errors.New("eds: signer certificate not found")
	// ErrUntrustedChain: the certificate does not chain to a configured root.
	ErrUntrustedChain = errors.New("eds: certificate does not chain to a trusted root")
	// ErrNotValidAtSigningTime: a certificate in the chain was expired or not yet valid at the
	// signing time.
	ErrNotValidAtSigningTime = errors.New("eds: certificate not valid at the signing time")
	// ErrSigningTime: the signing time is missing, in the future, or too old.
	ErrSigningTime = errors.New("eds: signing time not acceptable")
	// ErrWrongKeyUsage: the key is not a signing (nonRepudiation) key, e.g. an AUTH key.
	ErrWrongKeyUsage = errors.New("eds: key usage does not allow signing documents")
	// ErrSubjectMismatch: the certificate's IIN or BIN is not the expected one.
	ErrSubjectMismatch = errors.New("eds: certificate subject does not match the client")
	// ErrRoleMissing: the certificate lacks the role the signature needs (individual, or a
	// legal entity's head or authorised signer).
	ErrRoleMissing = errors.New("eds: certificate lacks the required role")
	// ErrRevoked: the certificate is revoked. A *RevokedError wraps it.
	ErrRevoked = errors.New("eds: certificate revoked")
	// ErrRevocationUnknown: the revocation status could not be established: the responder said
	// "unknown", the response was stale, unsigned, badly signed or had the wrong nonce, or no
	// service could be reached. Fail closed: the signature is refused.
	ErrRevocationUnknown = errors.New("eds: revocation status unknown")
	// ErrUnreachable is returned by OCSP and CRL fetchers when the service cannot be reached;
	// only this error lets OCSP fall back to a CRL.
	ErrUnreachable = errors.New("eds: revocation service unreachable")
	// ErrVerifierUnavailable: the external (NCANode) verifier failed, timed out, answered
	// garbage or an answer that does not describe this signature. Fail closed: refused.
	ErrVerifierUnavailable = errors.New("eds: external verifier unavailable")
)

// NeedsExternalVerifierError says which GOST algorithm stopped the built-in verifier.
type NeedsExternalVerifierError struct {
	What      string // "CMS signature", "certificate chain", "OCSP response", "CRL"
	Algorithm Algorithm
	OID       asn1.ObjectIdentifier
}

// Error names the part and the algorithm.
func (e *NeedsExternalVerifierError) Error() string {
	return fmt.Sprintf("eds: %s uses %s (%s): needs the external (NCANode) verifier", e.What, e.Algorithm, e.OID)
}

// Is makes errors.Is(err, ErrNeedsExternalVerifier) true.
func (e *NeedsExternalVerifierError) Is(target error) bool { return target == ErrNeedsExternalVerifier }

// RevokedError carries the revocation time and the RFC 5280 reason code.
type RevokedError struct {
	Serial    *big.Int
	RevokedAt time.Time
	Reason    int // RFC 5280 CRLReason: 0 unspecified, 1 keyCompromise, 4 superseded, 6 certificateHold …
	Source    RevocationSource
}

// Error gives the serial, the revocation time and reason, and the source.
func (e *RevokedError) Error() string {
	return fmt.Sprintf("eds: certificate %X revoked at %s (reason %d, per %s)",
		e.Serial, e.RevokedAt.UTC().Format(time.RFC3339), e.Reason, e.Source)
}

// Is makes errors.Is(err, ErrRevoked) true.
func (e *RevokedError) Is(target error) bool { return target == ErrRevoked }

// malformed wraps ErrMalformed with the name of the part that was wrong.
func malformed(part string, err error) error {
	if err == nil {
		return fmt.Errorf("%w: %s", ErrMalformed, part)
	}
	return fmt.Errorf("%w: %s: %w", ErrMalformed, part, err)
}
