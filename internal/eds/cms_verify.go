package eds

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"time"
)

// minRSABits is the shortest RSA key accepted; НУЦ issued 2048-bit keys.
const minRSABits = 2048

// VerifyOptions tunes VerifyCMS.
type VerifyOptions struct {
	// RequireSigningTime refuses a signature without the signingTime attribute. The built-in
	// Verifier always sets it: the chain is checked at the signing time.
	RequireSigningTime bool
}

// Result is what a verified CMS signature proves.
type Result struct {
	SignedData *SignedData
	SignerInfo *SignerInfo
	// Signer is the certificate whose key made the signature.
	Signer *Certificate
	// SigningTime is the signer's claimed signingTime; zero when absent.
	SigningTime time.Time
	// DigestAlgorithm and ContentDigest: the digest of the exact document bytes, as signed.
	DigestAlgorithm crypto.Hash
	ContentDigest   []byte
	// Content is the document that was verified (the attached content, or the one given).
	Content []byte
}

// VerifyCMS verifies a CMS signature (attached or detached) made with RSA (PKCS #1 v1.5 or PSS,
// SHA-256/384/512) or ECDSA by the one signer it must hold: the digest of the exact content
// equals the signed messageDigest, and the signature over the DER signed attributes verifies
// with the signer certificate's key. content is the document; it may be nil for an attached
// signature, and must then equal the attached content byte for byte when given.
//
// VerifyCMS does not judge the certificate (chain, validity, usage, subject): see VerifyChain
// and the Check functions. GOST signatures return a *NeedsExternalVerifierError.
func VerifyCMS(sig []byte, content []byte, opts VerifyOptions) (*Result, error) {
	sd, err := ParseCMS(sig)
	if err != nil {
		return nil, err
	}
	if len(sd.SignerInfos) != 1 {
		return nil, malformed(fmt.Sprintf("CMS has %d signers, one is expected", len(sd.SignerInfos)), nil)
	}
	si := &sd.SignerInfos[0]
	switch {
	case sd.Detached && len(content) == 0:
		return nil, fmt.Errorf("%w: detached signature and no document", ErrContentMismatch)
	case !sd.Detached && len(content) == 0:
		content = sd.Content
	case !sd.Detached && !bytes.Equal(content, sd.Content):
		return nil, fmt.Errorf("%w: attached content differs from the document", ErrContentMismatch)
	}
	signer, err := findSigner(sd.Certificates, si)
	if err != nil {
		return nil, err
	}
	for _, a := range []Algorithm{AlgorithmFromOID(si.SignatureAlgorithm), AlgorithmFromOID(si.DigestAlgorithm), signer.Algorithm} {
		if a.IsGOST() {
			return nil, &NeedsExternalVerifierError{What: "CMS signature", Algorithm: a, OID: si.SignatureAlgorithm}
		}
	}
	if si.SignedAttributesDER == nil {
		return nil, malformed("CMS signer has no signed attributes (CAdES requires them)", nil)
	}
	if si.MessageDigest == nil || si.ContentType == nil {
		return nil, malformed("CMS signed attributes lack messageDigest or contentType", nil)
	}
	if !si.ContentType.Equal(sd.ContentType) {
		return nil, malformed("CMS contentType attribute differs from the content type", nil)
	}
	h, ok := hashFromOID(si.DigestAlgorithm)
	if !ok {
		return nil, fmt.Errorf("%w: digest %s", ErrUnsupportedAlgorithm, si.DigestAlgorithm)
	}
	digest := hashOf(h, content)
	if !hmac.Equal(digest, si.MessageDigest) {
		return nil, fmt.Errorf("%w: the document's %s digest differs from the signed one", ErrContentMismatch, h)
	}
	if err := checkSigningCertificateAttr(si, signer); err != nil {
		return nil, err
	}
	if err := verifySignerSignature(signer, si); err != nil {
		return nil, err
	}
	if opts.RequireSigningTime && si.SigningTime.IsZero() {
		return nil, fmt.Errorf("%w: the signature has no signingTime", ErrSigningTime)
	}
	return &Result{
		SignedData: sd, SignerInfo: si, Signer: signer, SigningTime: si.SigningTime,
		DigestAlgorithm: h, ContentDigest: digest, Content: content,
	}, nil
}

// findSigner picks the certificate the signer info names.
func findSigner(certs []*Certificate, si *SignerInfo) (*Certificate, error) {
	for _, c := range certs {
		x := c.X509
		if si.SerialNumber != nil && x.SerialNumber != nil && x.SerialNumber.Cmp(si.SerialNumber) == 0 &&
			bytes.Equal(x.RawIssuer, si.Issuer) {
			return c, nil
		}
		if si.SubjectKeyID != nil && bytes.Equal(x.SubjectKeyId, si.SubjectKeyID) {
			return c, nil
		}
	}
	return nil, ErrSignerNotFound
}

func hashOf(h crypto.Hash, data []byte) []byte {
	w := h.New()
	w.Write(data)
	return w.Sum(nil)
}

// verifySignerSignature checks the signature over the DER signed attributes.
func verifySignerSignature(signer *Certificate, si *SignerInfo) error {
	alg := si.SignatureAlgorithm
	switch AlgorithmFromOID(alg) {
	case AlgorithmRSA:
		pub, ok := signer.X509.PublicKey.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: RSA signature but the certificate key is not RSA", ErrBadSignature)
		}
		if pub.N.BitLen() < minRSABits {
			return fmt.Errorf("%w: RSA key of %d bits", ErrUnsupportedAlgorithm, pub.N.BitLen())
		}
		if alg.Equal(oidRSAPSS) {
			h, saltLen, err := parsePSSParams(si.SignatureAlgorithmParams)
			if err != nil {
				return err
			}
			opts := &rsa.PSSOptions{SaltLength: saltLen, Hash: h}
			if err := rsa.VerifyPSS(pub, h, hashOf(h, si.SignedAttributesDER), si.Signature, opts); err != nil {
				return fmt.Errorf("%w: %w", ErrBadSignature, err)
			}
			return nil
		}
		h, err := rsaPKCS1Hash(alg, si.DigestAlgorithm)
		if err != nil {
			return err
		}
		if err := rsa.VerifyPKCS1v15(pub, h, hashOf(h, si.SignedAttributesDER), si.Signature); err != nil {
			return fmt.Errorf("%w: %w", ErrBadSignature, err)
		}
		return nil
	case AlgorithmECDSA:
		pub, ok := signer.X509.PublicKey.(*ecdsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: ECDSA signature but the certificate key is not ECDSA", ErrBadSignature)
		}
		h, err := ecdsaHash(alg, si.DigestAlgorithm)
		if err != nil {
			return err
		}
		if !ecdsa.VerifyASN1(pub, hashOf(h, si.SignedAttributesDER), si.Signature) {
			return fmt.Errorf("%w: ECDSA", ErrBadSignature)
		}
		return nil
	}
	return fmt.Errorf("%w: signature algorithm %s", ErrUnsupportedAlgorithm, alg)
}

// rsaPKCS1Hash is the hash of a PKCS #1 v1.5 signature: named by the OID, or, for plain
// rsaEncryption (as many CMS encoders write), the signer's digest algorithm.
func rsaPKCS1Hash(sigAlg, digestAlg asn1.ObjectIdentifier) (crypto.Hash, error) {
	switch {
	case sigAlg.Equal(oidSHA256RSA):
		return crypto.SHA256, nil
	case sigAlg.Equal(oidSHA384RSA):
		return crypto.SHA384, nil
	case sigAlg.Equal(oidSHA512RSA):
		return crypto.SHA512, nil
	case sigAlg.Equal(oidRSA):
		if h, ok := hashFromOID(digestAlg); ok {
			return h, nil
		}
	}
	return 0, fmt.Errorf("%w: RSA signature %s with digest %s", ErrUnsupportedAlgorithm, sigAlg, digestAlg)
}

// ecdsaHash is the hash of an ECDSA signature, like rsaPKCS1Hash.
func ecdsaHash(sigAlg, digestAlg asn1.ObjectIdentifier) (crypto.Hash, error) {
	switch {
	case sigAlg.Equal(oidECDSASHA256):
		return crypto.SHA256, nil
	case sigAlg.Equal(oidECDSASHA384):
		return crypto.SHA384, nil
	case sigAlg.Equal(oidECDSASHA512):
		return crypto.SHA512, nil
	case sigAlg.Equal(oidECPublicKey):
		if h, ok := hashFromOID(digestAlg); ok {
			return h, nil
		}
	}
	return 0, fmt.Errorf("%w: ECDSA signature %s with digest %s", ErrUnsupportedAlgorithm, sigAlg, digestAlg)
}

// pssParams is RSASSA-PSS-params (RFC 4055 §3.1). The hash and mask generation are required
// here: their defaults are SHA-1, which is refused.
type pssParams struct {
	Hash         pkix.AlgorithmIdentifier `asn1:"explicit,tag:0"`
	MGF          pkix.AlgorithmIdentifier `asn1:"explicit,tag:1"`
	SaltLength   int                      `asn1:"optional,explicit,tag:2,default:20"`
	TrailerField int                      `asn1:"optional,explicit,tag:3,default:1"`
}

func parsePSSParams(der []byte) (crypto.Hash, int, error) {
	var p pssParams
	if rest, err := asn1.Unmarshal(der, &p); err != nil || len(rest) != 0 {
		return 0, 0, malformed("RSASSA-PSS parameters", orTrailing(err))
	}
	h, ok := hashFromOID(p.Hash.Algorithm)
	if !ok {
		return 0, 0, fmt.Errorf("%w: PSS hash %s", ErrUnsupportedAlgorithm, p.Hash.Algorithm)
	}
	var mgfHash pkix.AlgorithmIdentifier
	if !p.MGF.Algorithm.Equal(oidMGF1) {
		return 0, 0, fmt.Errorf("%w: PSS mask generation %s", ErrUnsupportedAlgorithm, p.MGF.Algorithm)
	}
	if rest, err := asn1.Unmarshal(p.MGF.Parameters.FullBytes, &mgfHash); err != nil || len(rest) != 0 {
		return 0, 0, malformed("RSASSA-PSS MGF1 parameters", orTrailing(err))
	}
	if !mgfHash.Algorithm.Equal(p.Hash.Algorithm) {
		return 0, 0, fmt.Errorf("%w: PSS with MGF1 over a different hash", ErrUnsupportedAlgorithm)
	}
	if p.TrailerField != 1 || p.SaltLength < 0 {
		return 0, 0, malformed("RSASSA-PSS parameters: trailer field or salt length", nil)
	}
	return h, p.SaltLength, nil
}
