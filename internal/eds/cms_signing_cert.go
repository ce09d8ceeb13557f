package eds

import (
	"crypto"
	"crypto/hmac"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
)

// checkSigningCertificateAttr checks the CAdES signing-certificate attribute (v2, or v1 with
// SHA-1), when present: it binds the signature to the certificate, so that a certificate
// re-issued for the same key cannot be substituted.
func checkSigningCertificateAttr(si *SignerInfo, signer *Certificate) error {
	for _, a := range si.SignedAttributes {
		v2 := a.Type.Equal(oidAttrSigningCertV2)
		if !v2 && !a.Type.Equal(oidAttrSigningCert) {
			continue
		}
		if len(a.Values) != 1 {
			return malformed("signing-certificate attribute", nil)
		}
		h, want, err := firstESSCertHash(a.Values[0], v2)
		if err != nil {
			return err
		}
		if !hmac.Equal(hashOf(h, signer.X509.Raw), want) {
			return fmt.Errorf("%w: signing-certificate attribute names another certificate", ErrBadSignature)
		}
	}
	return nil
}

// firstESSCertHash reads the hash of the first ESSCertID(v2) of a SigningCertificate(V2).
func firstESSCertHash(der []byte, v2 bool) (crypto.Hash, []byte, error) {
	var sc struct {
		Certs    []asn1.RawValue
		Policies asn1.RawValue `asn1:"optional"`
	}
	if rest, err := asn1.Unmarshal(der, &sc); err != nil || len(rest) != 0 || len(sc.Certs) == 0 {
		return 0, nil, malformed("signing-certificate attribute", orTrailing(err))
	}
	h := crypto.SHA1
	if v2 {
		h = crypto.SHA256 // the DEFAULT of ESSCertIDv2.hashAlgorithm
	}
	rest := sc.Certs[0].Bytes
	var first asn1.RawValue
	rest, err := asn1.Unmarshal(rest, &first)
	if err != nil {
		return 0, nil, malformed("ESSCertID", err)
	}
	if v2 && first.Tag == asn1.TagSequence {
		var alg pkix.AlgorithmIdentifier
		if _, err := asn1.Unmarshal(first.FullBytes, &alg); err != nil {
			return 0, nil, malformed("ESSCertIDv2 hash algorithm", err)
		}
		var ok bool
		if h, ok = hashFromOID(alg.Algorithm); !ok {
			return 0, nil, fmt.Errorf("%w: ESSCertIDv2 hash %s", ErrUnsupportedAlgorithm, alg.Algorithm)
		}
		if _, err := asn1.Unmarshal(rest, &first); err != nil {
			return 0, nil, malformed("ESSCertIDv2 hash", err)
		}
	}
	if first.Class != asn1.ClassUniversal || first.Tag != asn1.TagOctetString || len(first.Bytes) != h.Size() {
		return 0, nil, malformed("ESSCertID hash", nil)
	}
	return h, first.Bytes, nil
}
