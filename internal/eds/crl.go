package eds

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// CRL extensions this package understands; a CRL with any other critical extension (a delta
// CRL indicator, an issuing distribution point that narrows its scope) is refused rather than
// misread as a complete list.
var (
	oidCRLNumber     = asn1.ObjectIdentifier{2, 5, 29, 20}
	oidCRLReason     = asn1.ObjectIdentifier{2, 5, 29, 21}
	oidInvalidityDay = asn1.ObjectIdentifier{2, 5, 29, 24}
)

// ParseCRL reads a CRL given as DER or PEM. It checks the structure only.
func ParseCRL(data []byte) (*x509.RevocationList, error) {
	if block, _ := pem.Decode(data); block != nil && block.Type == "X509 CRL" {
		data = block.Bytes
	}
	crl, err := x509.ParseRevocationList(data)
	if err != nil {
		return nil, malformed("CRL", err)
	}
	return crl, nil
}

// LookupCRL finds serial among the CRL's entries.
func LookupCRL(crl *x509.RevocationList, serial *big.Int) (x509.RevocationListEntry, bool) {
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber != nil && e.SerialNumber.Cmp(serial) == 0 {
			return e, true
		}
	}
	return x509.RevocationListEntry{}, false
}

// CRLCheck is what a CRL must match.
type CRLCheck struct {
	Serial *big.Int
	Issuer *x509.Certificate
	Now    time.Time
	Skew   time.Duration
}

// CheckCRL decides from a CRL, the fallback when OCSP cannot be reached: it must be issued and
// signed by the certificate's issuer, be current (thisUpdate ≤ now ≤ nextUpdate) and be a
// complete CRL; then a listed serial → *RevokedError (certificateHold included: a held key may
// not sign), an unlisted one → good. Anything else → ErrRevocationUnknown; a GOST-signed CRL
// also wraps ErrNeedsExternalVerifier.
func CheckCRL(raw []byte, want CRLCheck) (RevocationEvidence, error) {
	ev := RevocationEvidence{Source: SourceCRL, Status: StatusUnknown, CheckedAt: want.Now, Response: bytes.Clone(raw)}
	refuse := func(format string, args ...any) (RevocationEvidence, error) {
		return ev, fmt.Errorf("%w: CRL: "+format, append([]any{ErrRevocationUnknown}, args...)...)
	}
	if want.Serial == nil || want.Issuer == nil {
		return refuse("no serial or issuer to check against")
	}
	crl, err := ParseCRL(raw)
	if err != nil {
		return refuse("%w", err)
	}
	ev.ThisUpdate, ev.NextUpdate = crl.ThisUpdate, crl.NextUpdate
	if !bytes.Equal(crl.RawIssuer, want.Issuer.RawSubject) {
		return refuse("issued by another CA")
	}
	sigOID, err := crlSignatureOID(crl)
	if err != nil {
		return refuse("%w", err)
	}
	if a := AlgorithmFromOID(sigOID); a.IsGOST() {
		return refuse("%w", &NeedsExternalVerifierError{What: "CRL", Algorithm: a, OID: sigOID})
	}
	if err := crl.CheckSignatureFrom(want.Issuer); err != nil {
		return refuse("signature: %w", err)
	}
	switch {
	case crl.NextUpdate.IsZero():
		return refuse("no nextUpdate: its freshness cannot be judged")
	case crl.ThisUpdate.After(want.Now.Add(want.Skew)):
		return refuse("thisUpdate is in the future")
	case want.Now.After(crl.NextUpdate.Add(want.Skew)):
		return refuse("stale: nextUpdate %s has passed", crl.NextUpdate.UTC().Format(time.RFC3339))
	}
	if ext, ok := unknownCritical(crl.Extensions, oidCRLNumber, oidExtAuthorityKeyID); ok {
		return refuse("critical extension %s not understood", ext)
	}
	entry, found := LookupCRL(crl, want.Serial)
	if !found {
		ev.Status = StatusGood
		return ev, nil
	}
	if ext, ok := unknownCritical(entry.Extensions, oidCRLReason, oidInvalidityDay); ok {
		return refuse("critical entry extension %s not understood", ext)
	}
	ev.Status, ev.RevokedAt, ev.Reason = StatusRevoked, entry.RevocationTime, entry.ReasonCode
	return ev, &RevokedError{Serial: want.Serial, RevokedAt: entry.RevocationTime, Reason: entry.ReasonCode, Source: SourceCRL}
}

// crlSignatureOID reads the outer signature algorithm, which x509.RevocationList does not
// expose for algorithms it does not know.
func crlSignatureOID(crl *x509.RevocationList) (asn1.ObjectIdentifier, error) {
	var outer struct {
		TBS       asn1.RawValue
		Algorithm pkix.AlgorithmIdentifier
		Signature asn1.BitString
	}
	if _, err := asn1.Unmarshal(crl.Raw, &outer); err != nil {
		return nil, malformed("CRL signature algorithm", err)
	}
	return outer.Algorithm.Algorithm, nil
}

// unknownCritical returns the first critical extension not among known.
func unknownCritical(exts []pkix.Extension, known ...asn1.ObjectIdentifier) (asn1.ObjectIdentifier, bool) {
	for _, e := range exts {
		if e.Critical && !containsOID(known, e.Id) {
			return e.Id, true
		}
	}
	return nil, false
}
