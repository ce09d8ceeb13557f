package eds

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// ncaCertificateDERs is every certificate of the НУЦ test data as DER, for seeds.
func ncaCertificateDERs(f *testing.F) [][]byte {
	var out [][]byte
	files := append(ncaGlob(f, "current/ca/*"), ncaGlob(f, "current/certs/*")...)
	for _, file := range append(files, ncaGlob(f, "2018/certs/*/*")...) {
		b := ncaFile(f, file)
		if block, _ := pem.Decode(b); block != nil {
			b = block.Bytes
		}
		out = append(out, b)
	}
	_, sign := ncaSigner(f, ncaSignStore)
	_, auth := ncaSigner(f, ncaAuthStore)
	return append(out, sign.Raw, auth.Raw)
}

// FuzzParseSubject: no panic; and what is accepted is re-checked against the certificate by a
// different route: the IIN/BIN is among the raw name attributes, the purpose matches the key
// usage bits, each role OID is in the certificate.
func FuzzParseSubject(f *testing.F) {
	for _, der := range ncaCertificateDERs(f) {
		f.Add(der)
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := ParseCertificateDER(der)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not ErrMalformed: %v", err)
			}
			return
		}
		if c.Partial && !c.Algorithm.IsGOST() {
			t.Fatalf("own reading used for a %s certificate", c.Algorithm)
		}
		s, err := ParseSubject(c.X509)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not ErrMalformed: %v", err)
			}
			return
		}
		for prefix, id := range map[string]string{"IIN": s.IIN, "BIN": s.BIN} {
			if id == "" {
				continue
			}
			if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
				t.Fatalf("%s %q accepted", prefix, id)
			}
			found := false
			for _, atv := range c.X509.Subject.Names {
				if v, ok := atv.Value.(string); ok && v == prefix+id && (atv.Type.Equal(oidSerialNumber) || atv.Type.Equal(oidOrgUnit)) {
					found = true
				}
			}
			if !found {
				t.Fatalf("%s %s is not in the subject", prefix, id)
			}
		}
		ku := c.X509.KeyUsage
		if s.Purpose == PurposeSign && ku&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) != x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment {
			t.Fatalf("SIGN with key usage %#x", ku)
		}
		if s.Purpose == PurposeAuth && ku&x509.KeyUsageContentCommitment != 0 {
			t.Fatalf("AUTH with nonRepudiation, key usage %#x", ku)
		}
		for _, r := range s.Roles {
			i := -1
			for j, ro := range roleOIDs() {
				if ro.role == r {
					i = j
				}
			}
			if i < 0 || !(containsOID(c.X509.UnknownExtKeyUsage, roleOIDs()[i].oid) || containsOID(c.X509.PolicyIdentifiers, roleOIDs()[i].oid)) {
				t.Fatalf("role %s not in the certificate", r)
			}
		}
	})
}

// FuzzParseCMS: no panic in ParseCMS or VerifyCMS; a signature VerifyCMS accepts is verified
// again through crypto/x509's CheckSignature and a fresh digest of the content.
func FuzzParseCMS(f *testing.F) {
	key, cert := ncaSigner(f, ncaSignStore)
	for _, detached := range []bool{true, false} {
		sig, err := SignCMS(contract, cert, key, signedAt2019, detached)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(sig, contract)
		f.Add(toBER(f, sig), contract)
	}
	pss, err := signCMS(contract, cert, key, signedAt2019, false, signParams{hash: crypto.SHA384, pss: true, timeStampToken: ncaFile(f, "current/tsp/tsp_token.bin")})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(pss, []byte(nil))
	f.Add(ncaFile(f, "current/tsp/tsp_token.bin"), []byte(nil))
	f.Add(ncaFile(f, "current/tsp/tsp_response.bin"), []byte(nil))
	f.Fuzz(func(t *testing.T, data, content []byte) {
		sd, err := ParseCMS(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not ErrMalformed: %v", err)
			}
			return
		}
		for _, si := range sd.SignerInfos {
			if si.SignedAttributesDER != nil {
				var set asn1.RawValue
				if _, err := asn1Unmarshal(si.SignedAttributesDER, &set); err != nil || set.Tag != asn1.TagSet {
					t.Fatalf("signed attributes are not a SET: %v", err)
				}
			}
		}
		res, err := VerifyCMS(data, content, VerifyOptions{})
		if err != nil {
			return
		}
		si := res.SignerInfo
		if !bytes.Equal(hashOf(res.DigestAlgorithm, res.Content), si.MessageDigest) {
			t.Fatal("accepted with a digest that does not match the content")
		}
		if len(content) > 0 && !bytes.Equal(content, res.Content) {
			t.Fatal("accepted over other content than given")
		}
		alg, ok := x509SignatureAlgorithm(si)
		if !ok {
			t.Fatalf("accepted signature algorithm %s that crypto/x509 does not name", si.SignatureAlgorithm)
		}
		if err := res.Signer.X509.CheckSignature(alg, si.SignedAttributesDER, si.Signature); err != nil {
			t.Fatalf("accepted a signature crypto/x509 refuses: %v", err)
		}
	})
}

// x509SignatureAlgorithm names the signer info's algorithm for crypto/x509; PSS only with the
// salt length crypto/x509 assumes (equal to the hash).
func x509SignatureAlgorithm(si *SignerInfo) (x509.SignatureAlgorithm, bool) {
	digest, _ := hashFromOID(si.DigestAlgorithm)
	rsaBy := map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA256: x509.SHA256WithRSA, crypto.SHA384: x509.SHA384WithRSA, crypto.SHA512: x509.SHA512WithRSA}
	ecBy := map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA256: x509.ECDSAWithSHA256, crypto.SHA384: x509.ECDSAWithSHA384, crypto.SHA512: x509.ECDSAWithSHA512}
	pssBy := map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA256: x509.SHA256WithRSAPSS, crypto.SHA384: x509.SHA384WithRSAPSS, crypto.SHA512: x509.SHA512WithRSAPSS}
	switch a := si.SignatureAlgorithm; {
	case a.Equal(oidSHA256RSA):
		return x509.SHA256WithRSA, true
	case a.Equal(oidSHA384RSA):
		return x509.SHA384WithRSA, true
	case a.Equal(oidSHA512RSA):
		return x509.SHA512WithRSA, true
	case a.Equal(oidRSA):
		alg, ok := rsaBy[digest]
		return alg, ok
	case a.Equal(oidECDSASHA256):
		return x509.ECDSAWithSHA256, true
	case a.Equal(oidECDSASHA384):
		return x509.ECDSAWithSHA384, true
	case a.Equal(oidECDSASHA512):
		return x509.ECDSAWithSHA512, true
	case a.Equal(oidECPublicKey):
		alg, ok := ecBy[digest]
		return alg, ok
	case a.Equal(oidRSAPSS):
		h, salt, err := parsePSSParams(si.SignatureAlgorithmParams)
		if err != nil || salt != h.Size() {
			return 0, false
		}
		alg, ok := pssBy[h]
		return alg, ok
	}
	return 0, false
}

// FuzzParseOCSP: no panic; the structure read agrees with golang.org/x/crypto/ocsp whenever
// both parse; and a response CheckOCSPResponse accepts as good is also good and correctly
// signed for x/crypto/ocsp.
func FuzzParseOCSP(f *testing.F) {
	for _, file := range ncaGlob(f, "current/ocsp/*") {
		f.Add(ncaFile(f, file))
	}
	f.Add([]byte{0x30, 0x03, 0x0a, 0x01, 0x03})
	issuer := ncaCert(f, "current/ca/nca_rsa_test.crt").X509
	nonce := mustHex(f, "B5E5C9B552CBCAC4")
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseOCSPResponse(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not ErrMalformed: %v", err)
			}
			return
		}
		if r.ResponseStatus != OCSPSuccessful {
			return
		}
		if len(r.Responses) == 0 {
			t.Fatal("successful response without single responses")
		}
		first := r.Responses[0]
		if xr, err := ocsp.ParseResponse(data, nil); err == nil {
			statusOf := map[int]RevocationStatus{ocsp.Good: StatusGood, ocsp.Revoked: StatusRevoked, ocsp.Unknown: StatusUnknown}
			if xr.SerialNumber.Cmp(first.CertID.SerialNumber) != 0 || statusOf[xr.Status] != first.Status || !xr.ThisUpdate.Equal(first.ThisUpdate) {
				t.Fatalf("parsers disagree: %X %d %s / %X %s %s", xr.SerialNumber, xr.Status, xr.ThisUpdate, first.CertID.SerialNumber, first.Status, first.ThisUpdate)
			}
		}
		ev, err := CheckOCSPResponse(data, OCSPCheck{
			Serial: first.CertID.SerialNumber, Issuer: issuer, Nonce: nonce,
			Now: utc(t, "2022-09-02T16:55:00Z"), MaxAge: time.Hour,
		})
		if err != nil {
			if ev.Status == StatusGood {
				t.Fatal("refused with a good status in the evidence")
			}
			return
		}
		xr, xerr := ocsp.ParseResponseForCert(data, &x509.Certificate{SerialNumber: first.CertID.SerialNumber}, issuer)
		if xerr != nil || xr.Status != ocsp.Good || ev.Status != StatusGood {
			t.Fatalf("accepted as good, x/crypto/ocsp says %v %v", xerr, xr)
		}
	})
}

// FuzzNormalizeBER: no panic, normalising is idempotent (its output is a fixed point), and
// the fast path (isDER: the input comes back as it is) agrees with the full re-encoding.
func FuzzNormalizeBER(f *testing.F) {
	f.Add(ncaFile(f, "current/tsp/tsp_token.bin"))
	f.Add([]byte{0x30, 0x80, 0x24, 0x80, 0x04, 0x01, 0x41, 0x04, 0x01, 0x42, 0x00, 0x00, 0x00, 0x00})
	f.Add([]byte{0x1f, 0x81, 0x00, 0x00})
	f.Add(ncaFile(f, "current/ocsp/ocsp_response_individual_sign_2004.bin"))
	f.Add([]byte{0x30, 0x81, 0x03, 0x02, 0x01, 0x05})             // non-minimal length
	f.Add([]byte{0x1f, 0x80, 0x21, 0x00})                         // non-minimal tag
	f.Add([]byte{0x24, 0x06, 0x04, 0x01, 0x41, 0x04, 0x01, 0x42}) // chunked OCTET STRING
	f.Fuzz(func(t *testing.T, data []byte) {
		if isDER(data) {
			tree, err := normalizeBERTree(data)
			if err != nil || !bytes.Equal(tree, data) {
				t.Fatalf("isDER accepted what the re-encoding changes: %v\n% x\n% x", err, data, tree)
			}
		}
		out, err := normalizeBER(data)
		if err != nil {
			return
		}
		again, err := normalizeBER(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %v\n% x\n% x", err, out, again)
		}
		if isBERIndefinite(out) {
			t.Fatal("indefinite length left")
		}
	})
}
