package eds

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"slices"
)

// ocspSignatureAlgorithms are the signature algorithms of an OCSP response that can be checked
// here: those golang.org/x/crypto/ocsp knows and crypto/x509 verifies (SHA-1 included, as
// x509.Certificate.CheckSignature allows it; MD5, MD2 and DSA it refuses anyway).
var ocspSignatureAlgorithms = []struct {
	oid asn1.ObjectIdentifier
	alg x509.SignatureAlgorithm
}{
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}, x509.SHA1WithRSA},
	{oidSHA256RSA, x509.SHA256WithRSA},
	{oidSHA384RSA, x509.SHA384WithRSA},
	{oidSHA512RSA, x509.SHA512WithRSA},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}, x509.ECDSAWithSHA1},
	{oidECDSASHA256, x509.ECDSAWithSHA256},
	{oidECDSASHA384, x509.ECDSAWithSHA384},
	{oidECDSASHA512, x509.ECDSAWithSHA512},
}

func ocspSignatureAlgorithm(oid asn1.ObjectIdentifier) (x509.SignatureAlgorithm, bool) {
	for _, a := range ocspSignatureAlgorithms {
		if oid.Equal(a.oid) {
			return a.alg, true
		}
	}
	return x509.UnknownSignatureAlgorithm, false
}

// responderCertificates fills resp.Certificates from their DER. The first one is the
// responder's (as in golang.org/x/crypto/ocsp, the others are only read); when the cache
// already holds it as verified under issuer it is neither parsed nor checked again, and
// verified says so.
func responderCertificates(resp *OCSPResponse, certs [][]byte, issuer *x509.Certificate, cache *responderCache) (verified bool, err error) {
	for i, der := range certs {
		if i == 0 {
			if c, ok := cache.lookup(der, issuer); ok {
				resp.Certificates, verified = append(resp.Certificates, c), true
				continue
			}
		}
		c, err := ParseCertificateDER(der)
		if err != nil {
			return false, fmt.Errorf("OCSP responder certificate: %w", err)
		}
		resp.Certificates = append(resp.Certificates, c)
	}
	return verified, nil
}

// checkOCSPSignature verifies the response's signature, once: by the responder whose
// certificate the response carries, which the issuer must have signed (unless responderVerified
// says that was already found true for these exact bytes), holds the OCSPSigning purpose and
// was valid when the response was produced; or, when no certificate is carried, by the issuer
// itself. These are the checks golang.org/x/crypto/ocsp makes, plus the purpose and validity
// it leaves out.
func checkOCSPSignature(resp *OCSPResponse, issuer *x509.Certificate, responderVerified bool, cache *responderCache) error {
	alg, ok := ocspSignatureAlgorithm(resp.SignatureAlgorithm)
	if !ok {
		return fmt.Errorf("%w: OCSP signature %s", ErrUnsupportedAlgorithm, resp.SignatureAlgorithm)
	}
	signer := issuer
	if len(resp.Certificates) > 0 {
		r := resp.Certificates[0]
		if !responderVerified {
			if err := issuer.CheckSignature(r.X509.SignatureAlgorithm, r.X509.RawTBSCertificate, r.X509.Signature); err != nil {
				return fmt.Errorf("the responder certificate is not the issuer's: %w", err)
			}
			cache.remember(r, issuer)
		}
		if !bytes.Equal(r.X509.Raw, issuer.Raw) {
			if !slices.Contains(r.X509.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning) {
				return errors.New("the responder certificate is not for OCSP signing")
			}
			if resp.ProducedAt.Before(r.X509.NotBefore) || resp.ProducedAt.After(r.X509.NotAfter) {
				return errors.New("the responder certificate was not valid when the response was produced")
			}
		}
		signer = r.X509
	}
	if err := signer.CheckSignature(alg, resp.TBSResponseData, resp.Signature); err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	return nil
}
