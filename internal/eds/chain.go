package eds

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// Trust is the configured set of НУЦ roots and intermediate CAs a signer's chain must reach.
// It is built once from configuration and is safe for concurrent use.
type Trust struct {
	roots         *x509.CertPool
	intermediates *x509.CertPool
}

// NewTrust builds a Trust. At least one root is required: with none, nothing could verify.
func NewTrust(roots, intermediates []*Certificate) (*Trust, error) {
	if len(roots) == 0 {
		return nil, errors.New("eds: trust: no root certificates configured")
	}
	t := &Trust{roots: x509.NewCertPool(), intermediates: x509.NewCertPool()}
	for _, c := range roots {
		t.roots.AddCert(c.X509)
	}
	for _, c := range intermediates {
		t.intermediates.AddCert(c.X509)
	}
	return t, nil
}

// VerifyChain builds the chain from leaf to a configured root, as of at (the signing time).
// bag holds certificates that came with the signature and may supply intermediates; they are
// never trusted as roots. The returned chain starts with the leaf and ends with the root.
//
// The extended key usage is not constrained (KeyUsages: any): НУЦ puts custom role OIDs there,
// and the signing purpose is checked by CheckKeyUsageForSigning instead.
func VerifyChain(leaf *Certificate, bag []*Certificate, trust *Trust, at time.Time) ([]*x509.Certificate, error) {
	if leaf == nil || trust == nil {
		return nil, errors.New("eds: VerifyChain needs a certificate and a trust store")
	}
	for _, a := range []Algorithm{leaf.Algorithm, leaf.SignatureAlgorithm()} {
		if a.IsGOST() {
			return nil, &NeedsExternalVerifierError{What: "certificate chain", Algorithm: a, OID: leaf.SignatureAlgorithmOID}
		}
	}
	if leaf.Partial {
		return nil, malformed("certificate that crypto/x509 cannot read", nil)
	}
	intermediates := trust.intermediates.Clone()
	for _, c := range bag {
		if c != leaf && !c.Partial {
			intermediates.AddCert(c.X509)
		}
	}
	chains, err := leaf.X509.Verify(x509.VerifyOptions{
		Roots:         trust.roots,
		Intermediates: intermediates,
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		var invalid x509.CertificateInvalidError
		if errors.As(err, &invalid) && invalid.Reason == x509.Expired {
			return nil, fmt.Errorf("%w: %w", ErrNotValidAtSigningTime, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrUntrustedChain, err)
	}
	return chains[0], nil
}

// CheckValidityAt refuses a certificate that was not yet valid or already expired at t.
// VerifyChain checks this for the whole chain; this is for a lone certificate, e.g. a GOST one
// before it is handed to the external verifier.
func CheckValidityAt(cert *Certificate, t time.Time) error {
	x := cert.X509
	if t.Before(x.NotBefore) || t.After(x.NotAfter) {
		return fmt.Errorf("%w: valid %s … %s, signed %s", ErrNotValidAtSigningTime,
			x.NotBefore.UTC().Format(time.RFC3339), x.NotAfter.UTC().Format(time.RFC3339), t.UTC().Format(time.RFC3339))
	}
	return nil
}

// CheckSigningTime is the "not after now" policy: the signing time must be present, not later
// than now (plus the allowed clock skew) and, when maxAge > 0, not older than maxAge. The
// signing time is the signer's own claim; bounding it by the moment the signature arrives
// stops a signer with an expired certificate from back-dating a signature.
func CheckSigningTime(signingTime, now time.Time, maxAge, skew time.Duration) error {
	switch {
	case signingTime.IsZero():
		return fmt.Errorf("%w: missing", ErrSigningTime)
	case signingTime.After(now.Add(skew)):
		return fmt.Errorf("%w: %s is in the future", ErrSigningTime, signingTime.UTC().Format(time.RFC3339))
	case maxAge > 0 && now.Sub(signingTime) > maxAge:
		return fmt.Errorf("%w: %s is older than %s", ErrSigningTime, signingTime.UTC().Format(time.RFC3339), maxAge)
	}
	return nil
}

// CheckKeyUsageForSigning accepts only a SIGN key (digitalSignature + nonRepudiation). An AUTH
// key (digitalSignature + keyEncipherment) proves a login, not consent to a document.
func CheckKeyUsageForSigning(cert *Certificate) error {
	switch p := keyPurpose(cert.X509.KeyUsage); p {
	case PurposeSign:
		return nil
	case PurposeAuth:
		return fmt.Errorf("%w: an authentication (AUTH) key cannot sign a document", ErrWrongKeyUsage)
	default:
		return fmt.Errorf("%w: key usage %#x lacks digitalSignature + nonRepudiation", ErrWrongKeyUsage, cert.X509.KeyUsage)
	}
}

// SignerExpectation is who must have signed: the client's IIN and, for a legal entity, its BIN
// and the roles that may sign for it.
type SignerExpectation struct {
	// IIN of the individual client, or of the legal entity's signatory. Required.
	IIN string
	// BIN of the legal entity; empty for an individual.
	BIN string
	// Roles of which a legal entity's certificate must carry at least one; empty means
	// DefaultLegalEntitySigningRoles.
	Roles []Role
}

// DefaultLegalEntitySigningRoles are the roles that may sign a contract for a legal entity:
// its head, or an employee with the right to sign.
func DefaultLegalEntitySigningRoles() []Role { return []Role{RoleHead, RoleMaySign} }

// CheckSigner compares the certificate subject with the expected client (R6.4, R9.1): the IIN
// must be equal; an individual's certificate must carry the individual role; a legal entity's
// must carry its BIN, the legal-entity role and one of the signing roles. Error messages do not
// repeat the IINs: they end up in logs.
func CheckSigner(s Subject, want SignerExpectation) error {
	if want.IIN == "" {
		return fmt.Errorf("%w: no expected IIN given", ErrSubjectMismatch)
	}
	if s.IIN != want.IIN {
		return fmt.Errorf("%w: the certificate's IIN is not the client's", ErrSubjectMismatch)
	}
	if want.BIN == "" {
		if !s.HasRole(RoleIndividual) {
			return fmt.Errorf("%w: not an individual's certificate", ErrRoleMissing)
		}
		return nil
	}
	if s.BIN != want.BIN {
		return fmt.Errorf("%w: the certificate's BIN is not the client's", ErrSubjectMismatch)
	}
	if !s.HasRole(RoleLegalEntity) {
		return fmt.Errorf("%w: not a legal entity's certificate", ErrRoleMissing)
	}
	roles := want.Roles
	if len(roles) == 0 {
		roles = DefaultLegalEntitySigningRoles()
	}
	for _, r := range roles {
		if s.HasRole(r) {
			return nil
		}
	}
	return fmt.Errorf("%w: none of the roles %v", ErrRoleMissing, roles)
}
