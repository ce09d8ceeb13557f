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

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Certificate is an X.509 certificate as НУЦ РК issues it. X509 is always set. For GOST
// certificates crypto/x509 leaves PublicKey nil (it does not know the algorithm); if it refuses
// such a certificate outright, X509 is filled from the TBSCertificate by this package and
// Partial is true — enough for the subject, validity, serial, issuer and extensions, never for
// verifying anything with its key.
type Certificate struct {
	X509 *x509.Certificate
	// Algorithm is the family of the subject's public key: the key that makes the signatures.
	Algorithm Algorithm
	// PublicKeyAlgorithmOID is the subjectPublicKeyInfo algorithm, e.g. 1.2.398.3.10.1.1.2.2.
	PublicKeyAlgorithmOID asn1.ObjectIdentifier
	// SignatureAlgorithmOID is the algorithm the issuer signed this certificate with.
	SignatureAlgorithmOID asn1.ObjectIdentifier
	// Partial is true when crypto/x509 refused the certificate and the fields come from this
	// package's own reading of the TBSCertificate.
	Partial bool
}

// SignatureAlgorithm is the family of the issuer's signature over the certificate.
func (c *Certificate) SignatureAlgorithm() Algorithm {
	return AlgorithmFromOID(c.SignatureAlgorithmOID)
}

// rawCertificate is the outer Certificate SEQUENCE (RFC 5280 §4.1).
type rawCertificate struct {
	TBS                asn1.RawValue
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          asn1.BitString
}

// rawTBS is the TBSCertificate, read without interpreting the public key.
type rawTBS struct {
	Raw                asn1.RawContent
	Version            int `asn1:"optional,explicit,default:0,tag:0"`
	SerialNumber       *big.Int
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Issuer             asn1.RawValue
	Validity           struct{ NotBefore, NotAfter time.Time }
	Subject            asn1.RawValue
	PublicKey          rawSPKI
	IssuerUniqueID     asn1.BitString   `asn1:"optional,tag:1"`
	SubjectUniqueID    asn1.BitString   `asn1:"optional,tag:2"`
	Extensions         []pkix.Extension `asn1:"optional,explicit,tag:3"`
}

// rawSPKI is a SubjectPublicKeyInfo.
type rawSPKI struct {
	Raw       asn1.RawContent
	Algorithm pkix.AlgorithmIdentifier
	PublicKey asn1.BitString
}

// ParseCertificate reads one certificate given as PEM or DER, as the НУЦ files come.
func ParseCertificate(data []byte) (*Certificate, error) {
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN")) {
		return ParseCertificatePEM(data)
	}
	return ParseCertificateDER(data)
}

// ParseCertificatePEM reads the first CERTIFICATE block of data.
func ParseCertificatePEM(data []byte) (*Certificate, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, malformed("certificate PEM: no CERTIFICATE block", nil)
		}
		if block.Type == "CERTIFICATE" || block.Type == "X509 CERTIFICATE" {
			return ParseCertificateDER(block.Bytes)
		}
	}
}

// ParseCertificateDER reads one DER certificate. crypto/x509 does the work when it can; a GOST
// certificate it refuses is read from the TBSCertificate instead (Partial). Anything else it
// refuses is malformed.
func ParseCertificateDER(der []byte) (*Certificate, error) {
	x, xerr := x509.ParseCertificate(der)
	if xerr == nil {
		// crypto/x509 read and checked the whole structure: only the two algorithm OIDs are
		// left to read, straight from its raw fields (a client's certificate is parsed on
		// every verification, and reading it twice was a visible part of the cost).
		if sig, pub, ok := algorithmOIDs(x); ok {
			return &Certificate{X509: x, Algorithm: AlgorithmFromOID(pub), PublicKeyAlgorithmOID: pub, SignatureAlgorithmOID: sig}, nil
		}
	}
	var outer rawCertificate
	rest, err := asn1.Unmarshal(der, &outer)
	if err != nil {
		return nil, malformed("certificate", err)
	}
	if len(rest) != 0 {
		return nil, malformed("certificate: trailing data", nil)
	}
	var tbs rawTBS
	if rest, err := asn1.Unmarshal(outer.TBS.FullBytes, &tbs); err != nil || len(rest) != 0 {
		return nil, malformed("certificate: tbsCertificate", err)
	}
	c := &Certificate{
		Algorithm:             spkiAlgorithm(tbs.PublicKey.Algorithm),
		PublicKeyAlgorithmOID: tbs.PublicKey.Algorithm.Algorithm,
		SignatureAlgorithmOID: outer.SignatureAlgorithm.Algorithm,
	}
	if xerr == nil {
		c.X509 = x
		return c, nil
	}
	if !c.Algorithm.IsGOST() {
		return nil, malformed("certificate", xerr)
	}
	x, ferr := x509FromTBS(der, &outer, &tbs)
	if ferr != nil {
		return nil, malformed("GOST certificate", fmt.Errorf("crypto/x509: %w; own reading: %w", xerr, ferr))
	}
	c.X509, c.Partial = x, true
	return c, nil
}

// algorithmOIDs reads the outer signatureAlgorithm and the subjectPublicKeyInfo algorithm of
// a certificate crypto/x509 has parsed.
func algorithmOIDs(x *x509.Certificate) (sig, pub asn1.ObjectIdentifier, ok bool) {
	outer, spkiDER := cryptobyte.String(x.Raw), cryptobyte.String(x.RawSubjectPublicKeyInfo)
	var cert, sigAlg, spki, pubAlg cryptobyte.String
	ok = outer.ReadASN1(&cert, casn1.SEQUENCE) && cert.SkipASN1(casn1.SEQUENCE) &&
		cert.ReadASN1(&sigAlg, casn1.SEQUENCE) && sigAlg.ReadASN1ObjectIdentifier(&sig) &&
		spkiDER.ReadASN1(&spki, casn1.SEQUENCE) && spki.ReadASN1(&pubAlg, casn1.SEQUENCE) &&
		pubAlg.ReadASN1ObjectIdentifier(&pub)
	return sig, pub, ok
}

// spkiAlgorithm tells the key family. For GOST 34.10-2015 the key OID already says 256 or 512.
func spkiAlgorithm(alg pkix.AlgorithmIdentifier) Algorithm {
	return AlgorithmFromOID(alg.Algorithm)
}

// parseCertificateBag reads the certificates of a CMS certificate set: a concatenation of
// CertificateChoices, of which only plain certificates (universal SEQUENCE) are kept.
func parseCertificateBag(set []byte) ([]*Certificate, error) {
	var certs []*Certificate
	for len(set) > 0 {
		var el asn1.RawValue
		rest, err := asn1.Unmarshal(set, &el)
		if err != nil {
			return nil, malformed("certificates", err)
		}
		set = rest
		if el.Class != asn1.ClassUniversal || el.Tag != asn1.TagSequence {
			continue // attribute or other certificate formats: not used by НУЦ
		}
		c, err := ParseCertificateDER(el.FullBytes)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	return certs, nil
}
