package eds

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// CertID names a certificate in OCSP: hashes of its issuer's name and key, and its serial.
type CertID struct {
	HashAlgorithm  asn1.ObjectIdentifier
	IssuerNameHash []byte
	IssuerKeyHash  []byte
	SerialNumber   *big.Int
}

// NewCertID computes the CertID of the certificate with serial issued by issuer.
func NewCertID(serial *big.Int, issuer *x509.Certificate, h crypto.Hash) (CertID, error) {
	oid, ok := certIDHashOID(h)
	if !ok {
		return CertID{}, fmt.Errorf("%w: OCSP CertID hash %s", ErrUnsupportedAlgorithm, h)
	}
	if serial == nil || issuer == nil {
		return CertID{}, fmt.Errorf("eds: OCSP CertID needs a serial and an issuer")
	}
	keyBits, err := subjectPublicKeyBits(issuer)
	if err != nil {
		return CertID{}, err
	}
	return CertID{
		HashAlgorithm:  oid,
		IssuerNameHash: hashOf(h, issuer.RawSubject),
		IssuerKeyHash:  hashOf(h, keyBits),
		SerialNumber:   serial,
	}, nil
}

// MatchesIssuer reports whether id names a certificate issued by issuer.
func (id CertID) MatchesIssuer(issuer *x509.Certificate) bool {
	h, ok := certIDHash(id.HashAlgorithm)
	if !ok || issuer == nil {
		return false
	}
	want, err := NewCertID(id.SerialNumber, issuer, h)
	return err == nil && bytes.Equal(want.IssuerNameHash, id.IssuerNameHash) &&
		bytes.Equal(want.IssuerKeyHash, id.IssuerKeyHash)
}

// certIDHash admits SHA-1 besides the SHA-2 family: many responders still name certificates
// with SHA-1 CertIDs, where it only identifies and protects nothing.
func certIDHash(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	if oid.Equal(oidSHA1) {
		return crypto.SHA1, true
	}
	return hashFromOID(oid)
}

func certIDHashOID(h crypto.Hash) (asn1.ObjectIdentifier, bool) {
	if h == crypto.SHA1 {
		return oidSHA1, true
	}
	return oidFromHash(h)
}

// subjectPublicKeyBits is the content of the subjectPublicKey BIT STRING, which the OCSP issuer
// key hash covers. It works for GOST issuers too: the key is not interpreted.
func subjectPublicKeyBits(c *x509.Certificate) ([]byte, error) {
	var spki rawSPKI
	if rest, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &spki); err != nil || len(rest) != 0 {
		return nil, malformed("issuer public key info", orTrailing(err))
	}
	return spki.PublicKey.RightAlign(), nil
}

// BuildOCSPRequest encodes an unsigned OCSP request for one certificate carrying the nonce
// extension (1.3.6.1.5.5.7.48.1.2), which golang.org/x/crypto/ocsp cannot add. The nonce binds
// the response to this request, so a recorded "good" answer cannot be replayed.
func BuildOCSPRequest(serial *big.Int, issuer *x509.Certificate, h crypto.Hash, nonce []byte) ([]byte, error) {
	if len(nonce) == 0 || len(nonce) > 32 {
		return nil, fmt.Errorf("eds: OCSP nonce of %d bytes, want 1–32", len(nonce))
	}
	id, err := NewCertID(serial, issuer, h)
	if err != nil {
		return nil, err
	}
	nonceValue, err := buildASN1(func(b *cryptobyte.Builder) { b.AddASN1OctetString(nonce) })
	if err != nil {
		return nil, err
	}
	return buildASN1(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // OCSPRequest
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // TBSRequest
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // requestList
					b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // Request
						b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // CertID
							addAlgorithm(b, id.HashAlgorithm, func(b *cryptobyte.Builder) { b.AddASN1NULL() })
							b.AddASN1OctetString(id.IssuerNameHash)
							b.AddASN1OctetString(id.IssuerKeyHash)
							b.AddASN1BigInt(id.SerialNumber)
						})
					})
				})
				b.AddASN1(casn1.Tag(2).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
					b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // Extensions
						b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // Extension
							b.AddASN1ObjectIdentifier(oidOCSPNonce)
							b.AddASN1OctetString(nonceValue)
						})
					})
				})
			})
		})
	})
}
