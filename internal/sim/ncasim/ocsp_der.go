package ncasim

import (
	"crypto"
	"encoding/asn1"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"nesie.kz/nesie/internal/eds"
)

// ocspFixed is what every OCSP response of the simulator shares, encoded once at start-up:
// the responder's identity, the signature algorithm and the responder certificate the
// responses carry, and the issuing CA's CertID hashes the requests are matched against.
// Building them per request re-hashed the CA's name and key and re-encoded the certificate.
type ocspFixed struct {
	responderID []byte // [1] EXPLICIT Name: byName
	sigAlg      []byte // signatureAlgorithm: ecdsa-with-SHA256
	certs       []byte // certs [0] EXPLICIT SEQUENCE OF Certificate: the responder's
	basicOID    []byte // the OID of id-pkix-ocsp-basic, DER
	issuerIDs   []issuerID
}

// issuerID is the issuing CA as a CertID names it with one hash.
type issuerID struct {
	hash              asn1.ObjectIdentifier
	nameHash, keyHash []byte
}

func newOCSPFixed(nca, responder authority) (ocspFixed, error) {
	var f ocspFixed
	var err error
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(casn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { b.AddBytes(responder.cert.RawSubject) })
	if f.responderID, err = b.Bytes(); err != nil {
		return f, fmt.Errorf("ncasim: OCSP responder id: %w", err)
	}
	b = cryptobyte.NewBuilder(nil)
	b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidECDSA256) })
	if f.sigAlg, err = b.Bytes(); err != nil {
		return f, fmt.Errorf("ncasim: OCSP signature algorithm: %w", err)
	}
	b = cryptobyte.NewBuilder(nil)
	b.AddASN1(casn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(responder.cert.Raw) })
	})
	if f.certs, err = b.Bytes(); err != nil {
		return f, fmt.Errorf("ncasim: OCSP responder certificate: %w", err)
	}
	if f.basicOID, err = asn1.Marshal(oidOCSPBasic); err != nil {
		return f, err
	}
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		id, err := eds.NewCertID(big.NewInt(1), nca.cert, h) // the serial plays no part in the hashes
		if err != nil {
			return f, err
		}
		f.issuerIDs = append(f.issuerIDs, issuerID{hash: id.HashAlgorithm, nameHash: id.IssuerNameHash, keyHash: id.IssuerKeyHash})
	}
	return f, nil
}

// ours returns the issuing CA's CertID hashes for the request's hash algorithm.
func (f *ocspFixed) ours(hash asn1.ObjectIdentifier) (issuerID, bool) {
	for _, id := range f.issuerIDs {
		if id.hash.Equal(hash) {
			return id, true
		}
	}
	return issuerID{}, false
}

// assemble wraps a signed ResponseData into the OCSPResponse, in one buffer of the exact size:
// SEQUENCE { ENUMERATED successful, [0] { SEQUENCE { id-pkix-ocsp-basic, OCTET STRING {
// BasicOCSPResponse { tbs, signatureAlgorithm, BIT STRING sig, certs } } } } }.
func (f *ocspFixed) assemble(tbs, sig []byte) []byte {
	bitString := 1 + len(sig)
	basic := len(tbs) + len(f.sigAlg) + derLen(bitString) + len(f.certs)
	octet := derLen(basic)
	responseBytes := len(f.basicOID) + derLen(octet)
	explicit := derLen(responseBytes)
	outer := 3 + derLen(explicit)
	out := make([]byte, 0, derLen(outer))
	out = appendHeader(out, 0x30, outer)
	out = append(out, 0x0a, 0x01, ocspSuccessful)
	out = appendHeader(out, 0xa0, explicit)
	out = appendHeader(out, 0x30, responseBytes)
	out = append(out, f.basicOID...)
	out = appendHeader(out, 0x04, octet)
	out = appendHeader(out, 0x30, basic)
	out = append(out, tbs...)
	out = append(out, f.sigAlg...)
	out = appendHeader(out, 0x03, bitString)
	out = append(out, 0) // no unused bits
	out = append(out, sig...)
	return append(out, f.certs...)
}

// derLen is the length of a whole DER element (one-byte tag) whose body is n bytes.
func derLen(n int) int {
	return len(appendHeader(make([]byte, 0, 8), 0, n)) + n
}

// appendHeader appends a one-byte tag and the DER length n.
func appendHeader(out []byte, tag byte, n int) []byte {
	return eds.AppendDERLength(append(out, tag), n)
}

// generalizedTime is t as the DER GeneralizedTime body RFC 5280 requires (seconds, Z).
func generalizedTime(t time.Time) []byte {
	return t.UTC().AppendFormat(nil, "20060102150405Z")
}
