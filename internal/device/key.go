package device

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/x509"
	"fmt"

	"nesie.kz/nesie/internal/fault"
)

// Algorithm is the signature scheme of a device key; the app chooses the one its platform's
// secure hardware offers.
type Algorithm string

// The algorithms.
const (
	// Ed25519 signatures are the 64 raw bytes.
	Ed25519 Algorithm = "ed25519"
	// P256 is ECDSA over NIST P-256 with SHA-256, signatures ASN.1 DER encoded, as the
	// Android Keystore and the iOS Secure Enclave produce them.
	P256 Algorithm = "p256"
)

// parseKey reads a public key of alg: SubjectPublicKeyInfo DER (what Android exports), the
// 32 raw bytes of an Ed25519 key, or the 65-byte uncompressed point of a P-256 key (what iOS
// exports). It returns the key and its SubjectPublicKeyInfo DER, the form stored.
func parseKey(alg Algorithm, raw []byte) (any, []byte, error) {
	var key any
	switch {
	case alg == Ed25519 && len(raw) == ed25519.PublicKeySize:
		key = ed25519.PublicKey(append([]byte(nil), raw...))
	case alg == P256 && len(raw) == 65 && raw[0] == 4:
		k, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
		if err != nil {
			return nil, nil, fault.Field("public_key", "is not a point on P-256")
		}
		key = k
	case alg == Ed25519 || alg == P256:
		k, err := x509.ParsePKIXPublicKey(raw)
		if err != nil {
			return nil, nil, fault.Field("public_key", "is neither a raw %s key nor a SubjectPublicKeyInfo", alg)
		}
		key = k
	default:
		return nil, nil, fault.Field("algorithm", "must be ed25519 or p256, not %q", alg)
	}
	switch k := key.(type) {
	case ed25519.PublicKey:
		if alg != Ed25519 {
			return nil, nil, fault.Field("public_key", "is an Ed25519 key, not %s", alg)
		}
	case *ecdsa.PublicKey:
		if alg != P256 || k.Curve != elliptic.P256() {
			return nil, nil, fault.Field("public_key", "is not a P-256 key")
		}
	default:
		return nil, nil, fault.Field("public_key", "is a %T, not an %s key", key, alg)
	}
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("device: encode key: %w", err)
	}
	return key, der, nil
}

// verifySignature checks sig over msg with key.
func verifySignature(key any, msg, sig []byte) bool {
	switch k := key.(type) {
	case ed25519.PublicKey:
		return len(sig) == ed25519.SignatureSize && ed25519.Verify(k, msg, sig)
	case *ecdsa.PublicKey:
		// ECDSA signs a digest; the device's P-256 keys are SHA256withECDSA.
		d := sha256Sum(msg)
		return ecdsa.VerifyASN1(k, d[:], sig)
	}
	return false
}
