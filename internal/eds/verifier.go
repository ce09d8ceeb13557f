package eds

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/clock"
)

// Verifier verifies a client's signature over a document. Two back ends implement it: Builtin
// (RSA and ECDSA, in Go) and NCANode, an HTTP client for GOST 34.10-2015; Router picks one. A nil error
// means every check passed; any error is a refusal. The Evidence is returned in both cases,
// filled as far as the check went, for the audit trail.
type Verifier interface {
	Verify(ctx context.Context, req VerifyRequest) (Evidence, error)
}

// VerifyRequest is one signature to check.
type VerifyRequest struct {
	// Signature is the CMS as the client sent it (DER or BER), after base64 decoding.
	Signature []byte
	// Document is the exact bytes the client was shown and asked to sign. For an attached
	// signature it may be nil, but then nothing ties the signature to what the MFO showed.
	Document []byte
	// Expect is who must have signed.
	Expect SignerExpectation
}

// Evidence is what a verification leaves for the 5-year archive (R34): the signature and the
// OCSP response exactly as received, the document's hash, the chain, and what was learnt.
type Evidence struct {
	Backend string // "builtin" or "ncanode"
	// Signature is the CMS byte for byte as received.
	Signature []byte
	// DocumentSHA256 is the SHA-256 of the document the signature was checked against.
	DocumentSHA256 []byte
	// Signer and Chain are DER certificates, Chain from the signer to the root.
	Signer      []byte
	Chain       [][]byte
	Subject     Subject
	SigningTime time.Time
	VerifiedAt  time.Time
	Revocation  RevocationEvidence
	// BackendResponse is the external verifier's answer (NCANode's JSON) byte for byte, when
	// one was asked; it is the revocation evidence of a GOST signature.
	BackendResponse []byte
}

// Defaults for the signing-time policy. NCALayer writes the client computer's clock into
// signingTime, so both bounds leave room for a clock that is a few minutes off; signing and
// uploading itself takes seconds.
const (
	DefaultMaxSignatureAge = 15 * time.Minute
	DefaultClockSkew       = 5 * time.Minute
)

// BuiltinConfig configures Builtin.
type BuiltinConfig struct {
	Trust      *Trust
	Revocation RevocationChecker
	Clock      clock.Clock
	// MaxSignatureAge bounds now − signingTime; 0 means DefaultMaxSignatureAge.
	MaxSignatureAge time.Duration
	// ClockSkew tolerates a signing time slightly ahead of the server's clock; 0 means
	// DefaultClockSkew.
	ClockSkew time.Duration
}

// Builtin is the Go back end: RSA and ECDSA CMS signatures, composed from VerifyCMS,
// CheckSigningTime, VerifyChain, CheckKeyUsageForSigning, CheckSigner and the injected
// RevocationChecker. It refuses GOST signatures with ErrNeedsExternalVerifier.
type Builtin struct {
	cfg BuiltinConfig
	// chains spares re-checking the CA signatures of a chain already verified (see
	// verified_cache.go); validity and revocation are still checked on every call.
	chains *chainCache
}

var _ Verifier = (*Builtin)(nil)

// NewBuiltin checks the configuration. A revocation checker is required: without one a revoked
// certificate would pass (fail closed).
func NewBuiltin(cfg BuiltinConfig) (*Builtin, error) {
	switch {
	case cfg.Trust == nil:
		return nil, errors.New("eds: builtin verifier: no trust store")
	case cfg.Revocation == nil:
		return nil, errors.New("eds: builtin verifier: no revocation checker")
	case cfg.Clock == nil:
		return nil, errors.New("eds: builtin verifier: no clock")
	}
	if cfg.MaxSignatureAge <= 0 {
		cfg.MaxSignatureAge = DefaultMaxSignatureAge
	}
	if cfg.ClockSkew <= 0 {
		cfg.ClockSkew = DefaultClockSkew
	}
	return &Builtin{cfg: cfg, chains: newChainCache()}, nil
}

// Verify checks, in order: the signature covers the exact document (VerifyCMS); the signing
// time is present, not in the future and recent; the chain reaches a trusted root at the
// signing time; the key is a SIGN key; the subject is the expected client; and, last because
// it goes to the network, that the certificate is not revoked now.
func (b *Builtin) Verify(ctx context.Context, req VerifyRequest) (Evidence, error) {
	now := b.cfg.Clock.Now()
	ev := Evidence{Backend: "builtin", Signature: bytes.Clone(req.Signature), VerifiedAt: now}
	if len(req.Document) > 0 {
		sum := sha256.Sum256(req.Document)
		ev.DocumentSHA256 = sum[:]
	}
	res, err := VerifyCMS(req.Signature, req.Document, VerifyOptions{RequireSigningTime: true})
	if err != nil {
		return ev, err
	}
	if ev.DocumentSHA256 == nil {
		sum := sha256.Sum256(res.Content)
		ev.DocumentSHA256 = sum[:]
	}
	ev.Signer, ev.SigningTime = bytes.Clone(res.Signer.X509.Raw), res.SigningTime
	if ev.Subject, err = ParseSubject(res.Signer.X509); err != nil {
		return ev, err
	}
	if err := CheckSigningTime(res.SigningTime, now, b.cfg.MaxSignatureAge, b.cfg.ClockSkew); err != nil {
		return ev, err
	}
	chain, err := b.chains.verify(res.Signer, res.SignedData.Certificates, b.cfg.Trust, res.SigningTime)
	if err != nil {
		return ev, err
	}
	for _, c := range chain {
		ev.Chain = append(ev.Chain, bytes.Clone(c.Raw))
	}
	if err := CheckKeyUsageForSigning(res.Signer); err != nil {
		return ev, err
	}
	if err := CheckSigner(ev.Subject, req.Expect); err != nil {
		return ev, err
	}
	if len(chain) < 2 {
		return ev, fmt.Errorf("%w: the signer certificate is itself a root", ErrUntrustedChain)
	}
	ev.Revocation, err = b.cfg.Revocation.CheckRevocation(ctx, chain[0], chain[1], now)
	if err != nil {
		return ev, err
	}
	if ev.Revocation.Status != StatusGood {
		// A checker that returns no error must have found the certificate good; anything else
		// is a bug in the checker, and the signature is refused rather than trusted.
		return ev, fmt.Errorf("%w: checker returned status %q without an error", ErrRevocationUnknown, ev.Revocation.Status)
	}
	return ev, nil
}
