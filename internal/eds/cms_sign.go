package eds

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"slices"
	"time"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// SignCMS makes a CAdES-BES signature of content with SHA-256: RSA PKCS #1 v1.5 or ECDSA by the
// key type, signed attributes contentType, signingTime, messageDigest and signingCertificateV2,
// and cert in the certificates bag. detached leaves the content out. It is for tests and the
// demo signer; clients sign with NCALayer.
func SignCMS(content []byte, cert *x509.Certificate, key crypto.Signer, signingTime time.Time, detached bool) ([]byte, error) {
	return signCMS(content, cert, key, signingTime, detached, signParams{hash: crypto.SHA256})
}

// signParams lets tests produce the other signatures VerifyCMS accepts.
type signParams struct {
	hash crypto.Hash
	pss  bool // RSASSA-PSS with salt length equal to the hash length
	// timeStampToken, when set, is added as the unsigned signature time-stamp (CAdES-T).
	timeStampToken []byte
	// omitSigningTime leaves the signingTime attribute out.
	omitSigningTime bool
}

func signCMS(content []byte, cert *x509.Certificate, key crypto.Signer, signingTime time.Time, detached bool, p signParams) ([]byte, error) {
	if len(content) == 0 || cert == nil || key == nil {
		return nil, errors.New("eds: SignCMS needs content, a certificate and a key")
	}
	if pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(cert.PublicKey) {
		return nil, errors.New("eds: SignCMS: the key does not belong to the certificate")
	}
	hashOID, ok := oidFromHash(p.hash)
	if !ok {
		return nil, fmt.Errorf("%w: hash %s", ErrUnsupportedAlgorithm, p.hash)
	}
	certHash := sha256.Sum256(cert.Raw)
	attrs := [][]byte{
		attribute(oidAttrContentType, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidData) }),
		attribute(oidAttrMessageDigest, func(b *cryptobyte.Builder) { b.AddASN1OctetString(hashOf(p.hash, content)) }),
		attribute(oidAttrSigningCertV2, func(b *cryptobyte.Builder) {
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // SigningCertificateV2
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // certs
					b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // ESSCertIDv2, SHA-256 by default
						b.AddASN1OctetString(certHash[:])
					})
				})
			})
		}),
	}
	if !p.omitSigningTime {
		attrs = append(attrs, attribute(oidAttrSigningTime, func(b *cryptobyte.Builder) { addTime(b, signingTime) }))
	}
	// DER orders the members of a SET OF by their encodings.
	slices.SortFunc(attrs, bytes.Compare)
	attrBody := bytes.Join(attrs, nil)
	signedAttrs, err := buildASN1(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(attrBody) })
	})
	if err != nil {
		return nil, err
	}
	sigAlg, signature, err := signDigest(key, p, hashOf(p.hash, signedAttrs))
	if err != nil {
		return nil, err
	}
	return buildASN1(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // ContentInfo
			b.AddASN1ObjectIdentifier(oidSignedData)
			b.AddASN1(casn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignedData
					b.AddASN1Int64(1)
					b.AddASN1(casn1.SET, func(b *cryptobyte.Builder) { addAlgorithm(b, hashOID, nil) })
					b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // EncapsulatedContentInfo
						b.AddASN1ObjectIdentifier(oidData)
						if !detached {
							b.AddASN1(casn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
								b.AddASN1OctetString(content)
							})
						}
					})
					b.AddASN1(casn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
						b.AddBytes(cert.Raw)
					})
					b.AddASN1(casn1.SET, func(b *cryptobyte.Builder) {
						b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignerInfo
							b.AddASN1Int64(1)
							b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerAndSerialNumber
								b.AddBytes(cert.RawIssuer)
								b.AddASN1BigInt(cert.SerialNumber)
							})
							addAlgorithm(b, hashOID, nil)
							b.AddASN1(casn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
								b.AddBytes(attrBody)
							})
							b.AddBytes(sigAlg)
							b.AddASN1OctetString(signature)
							if p.timeStampToken != nil {
								b.AddASN1(casn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
									b.AddBytes(attribute(oidAttrTimeStampToken, func(b *cryptobyte.Builder) { b.AddBytes(p.timeStampToken) }))
								})
							}
						})
					})
				})
			})
		})
	})
}

// signDigest signs the digest of the signed attributes and returns the DER AlgorithmIdentifier.
func signDigest(key crypto.Signer, p signParams, digest []byte) (alg, sig []byte, err error) {
	hashOID, _ := oidFromHash(p.hash)
	var opts crypto.SignerOpts = p.hash
	switch key.Public().(type) {
	case *rsa.PublicKey:
		if p.pss {
			opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: p.hash}
			alg, err = buildASN1(func(b *cryptobyte.Builder) {
				addAlgorithm(b, oidRSAPSS, func(b *cryptobyte.Builder) {
					b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // RSASSA-PSS-params
						b.AddASN1(casn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
							addAlgorithm(b, hashOID, nil)
						})
						b.AddASN1(casn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
							addAlgorithm(b, oidMGF1, func(b *cryptobyte.Builder) { addAlgorithm(b, hashOID, nil) })
						})
						b.AddASN1(casn1.Tag(2).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
							b.AddASN1Int64(int64(p.hash.Size()))
						})
					})
				})
			})
		} else {
			oid := map[crypto.Hash]asn1.ObjectIdentifier{crypto.SHA256: oidSHA256RSA, crypto.SHA384: oidSHA384RSA, crypto.SHA512: oidSHA512RSA}[p.hash]
			alg, err = buildASN1(func(b *cryptobyte.Builder) {
				addAlgorithm(b, oid, func(b *cryptobyte.Builder) { b.AddASN1NULL() })
			})
		}
	case *ecdsa.PublicKey:
		oid := map[crypto.Hash]asn1.ObjectIdentifier{crypto.SHA256: oidECDSASHA256, crypto.SHA384: oidECDSASHA384, crypto.SHA512: oidECDSASHA512}[p.hash]
		alg, err = buildASN1(func(b *cryptobyte.Builder) { addAlgorithm(b, oid, nil) })
	default:
		return nil, nil, fmt.Errorf("%w: SignCMS key %T", ErrUnsupportedAlgorithm, key.Public())
	}
	if err != nil {
		return nil, nil, err
	}
	sig, err = key.Sign(rand.Reader, digest, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("eds: SignCMS: %w", err)
	}
	return alg, sig, nil
}

// attribute encodes Attribute ::= SEQUENCE { type, SET { value } }.
func attribute(oid asn1.ObjectIdentifier, value func(*cryptobyte.Builder)) []byte {
	out, _ := buildASN1(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oid)
			b.AddASN1(casn1.SET, value)
		})
	})
	return out
}

// addAlgorithm adds an AlgorithmIdentifier; params nil leaves the parameters absent.
func addAlgorithm(b *cryptobyte.Builder, oid asn1.ObjectIdentifier, params func(*cryptobyte.Builder)) {
	b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		if params != nil {
			params(b)
		}
	})
}

// addTime writes a CMS Time: UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5652 §11.3).
func addTime(b *cryptobyte.Builder, t time.Time) {
	t = t.UTC().Truncate(time.Second)
	if t.Year() >= 1950 && t.Year() < 2050 {
		b.AddASN1UTCTime(t)
		return
	}
	b.AddASN1GeneralizedTime(t)
}

func buildASN1(f func(*cryptobyte.Builder)) ([]byte, error) {
	var b cryptobyte.Builder
	f(&b)
	out, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("eds: encoding: %w", err)
	}
	return out, nil
}
