package eds

import (
	"crypto"
	_ "crypto/sha1" // crypto.SHA1.New: the ESS signing-certificate (v1) hash
	_ "crypto/sha256"
	_ "crypto/sha512"
	"encoding/asn1"
)

// Algorithm names the public-key algorithm family of a key or a signature.
type Algorithm string

// The algorithms НУЦ РК has issued keys for. Since 28.04.2024 only GOST 34.10-2015 512-bit keys
// are issued; RSA-2048 keys from older sets are still in use until they expire.
const (
	AlgorithmUnknown  Algorithm = "unknown"
	AlgorithmRSA      Algorithm = "RSA"
	AlgorithmECDSA    Algorithm = "ECDSA"
	AlgorithmGOST2004 Algorithm = "GOST 34.310-2004"
	// AlgorithmGOST2015Key256 is GOST R 34.10-2015 with a 256-bit key.
	AlgorithmGOST2015Key256 Algorithm = "GOST 34.10-2015 256"
	// AlgorithmGOST2015Key512 is GOST R 34.10-2015 with a 512-bit key.
	AlgorithmGOST2015Key512 Algorithm = "GOST 34.10-2015 512"
)

// IsGOST reports whether a is one of the GOST families, which only the external verifier checks.
func (a Algorithm) IsGOST() bool {
	switch a {
	case AlgorithmGOST2004, AlgorithmGOST2015Key256, AlgorithmGOST2015Key512:
		return true
	}
	return false
}

// Object identifiers. The Kazakh ones are from FACTS.md §6 (KNCA arc 1.2.398.3.10).
var (
	oidRSA          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSAPSS       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidSHA256RSA    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA384RSA    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidSHA512RSA    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidMGF1         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
	oidECPublicKey  = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidECDSASHA256  = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSASHA384  = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSASHA512  = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
	oidSHA1         = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256       = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384       = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512       = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidGOST2004Key  = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 1, 1, 1}
	oidGOST2004Sig  = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 1, 1, 2}
	oidGOST2004Hash = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 3, 1}
	// oidKalkanGOST2004Sig is the CryptoPro-arc OID KalkanCrypt also writes for GOST 34.310-2004.
	oidKalkanGOST2004Sig = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 6801, 1, 2, 2}
	oidGOST2015Key256    = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 1, 2, 1}
	oidGOST2015Key512    = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 1, 2, 2}
	oidGOST2015Sig256    = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 1, 2, 3, 1}
	oidGOST2015Sig512    = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 1, 2, 3, 2}
	oidGOST2015Hash256   = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 3, 2}
	oidGOST2015Hash512   = asn1.ObjectIdentifier{1, 2, 398, 3, 10, 1, 3, 3}
)

// AlgorithmFromOID maps a public-key, signature or digest algorithm OID to its family. It
// returns AlgorithmUnknown for anything it does not know. A GOST digest OID maps to the GOST
// family it is used with, so that a CMS signer info naming only the digest is still routed to
// the external verifier.
func AlgorithmFromOID(oid asn1.ObjectIdentifier) Algorithm {
	switch {
	case oid.Equal(oidRSA), oid.Equal(oidRSAPSS), oid.Equal(oidSHA256RSA), oid.Equal(oidSHA384RSA),
		oid.Equal(oidSHA512RSA), oid.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}):
		return AlgorithmRSA
	case oid.Equal(oidECPublicKey), oid.Equal(oidECDSASHA256), oid.Equal(oidECDSASHA384),
		oid.Equal(oidECDSASHA512):
		return AlgorithmECDSA
	case oid.Equal(oidGOST2004Key), oid.Equal(oidGOST2004Sig), oid.Equal(oidGOST2004Hash),
		oid.Equal(oidKalkanGOST2004Sig):
		return AlgorithmGOST2004
	case oid.Equal(oidGOST2015Key256), oid.Equal(oidGOST2015Sig256), oid.Equal(oidGOST2015Hash256):
		return AlgorithmGOST2015Key256
	case oid.Equal(oidGOST2015Key512), oid.Equal(oidGOST2015Sig512), oid.Equal(oidGOST2015Hash512):
		return AlgorithmGOST2015Key512
	}
	return AlgorithmUnknown
}

// hashFromOID maps a digest algorithm OID to the hashes this package computes. SHA-1 is not
// among them: a new signature over SHA-1 is refused.
func hashFromOID(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case oid.Equal(oidSHA256):
		return crypto.SHA256, true
	case oid.Equal(oidSHA384):
		return crypto.SHA384, true
	case oid.Equal(oidSHA512):
		return crypto.SHA512, true
	}
	return 0, false
}

// oidFromHash is the inverse of hashFromOID.
func oidFromHash(h crypto.Hash) (asn1.ObjectIdentifier, bool) {
	switch h {
	case crypto.SHA256:
		return oidSHA256, true
	case crypto.SHA384:
		return oidSHA384, true
	case crypto.SHA512:
		return oidSHA512, true
	}
	return nil, false
}
