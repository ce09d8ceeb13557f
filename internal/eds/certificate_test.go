package eds

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// ncaCertCase is what openssl shows for one НУЦ certificate (worked out with `openssl x509
// -text`, not with this package).
type ncaCertCase struct {
	file               string
	alg                Algorithm
	sigAlg             Algorithm
	notBefore          string
	notAfter           string
	serial             string // hex, "" when not asserted
	subject            Subject
	isCA               bool
	goReadsWithoutHelp bool // crypto/x509 parses it (GOST keys left nil)
}

const (
	testIIN = "123456789011" // the НУЦ test CA's IIN; it fails the IIN checksum on purpose
	testBIN = "123456789021"
)

func individualSubject(purpose KeyPurpose) Subject {
	return Subject{
		CommonName: "ТЕСТОВ ТЕСТ", Surname: "ТЕСТОВ", GivenName: "ТЕСТОВИЧ", FirstName: "ТЕСТ",
		IIN: testIIN, Country: "KZ", SerialNumber: "IIN" + testIIN,
		Roles: []Role{RoleIndividual}, Purpose: purpose,
	}
}

func ncaCertCases() []ncaCertCase {
	signer := individualSubject(PurposeSign)
	auth := individualSubject(PurposeAuth)
	ceo := individualSubject(PurposeSign)
	ceo.BIN, ceo.Organization, ceo.Roles = testBIN, `АО "ТЕСТ"`, []Role{RoleLegalEntity, RoleHead}
	ca := func(cn, org string) Subject {
		return Subject{CommonName: cn, Country: "KZ", Organization: org, Purpose: PurposeUnknown}
	}
	const root = "РМК «МЕМЛЕКЕТТІК ТЕХНИКАЛЫҚ ҚЫЗМЕТ»"
	return []ncaCertCase{
		{"current/ca/nca_rsa_test.crt", AlgorithmRSA, AlgorithmRSA, "2019-03-15T03:42:17Z", "2024-03-13T03:42:17Z", "452A6437611C183FBF1EC5A1BA4920DD72148A9B",
			ca("ҰКО 3.0 (RSA TEST)", ""), true, true},
		{"current/ca/nca_gost_test.crt", AlgorithmGOST2004, AlgorithmGOST2004, "2019-03-14T11:34:07Z", "2024-03-12T11:34:07Z", "",
			ca("ҰКО 3.0 (GOST TEST)", ""), true, true},
		{"current/ca/nca_gost2015_test.cer", AlgorithmGOST2015Key512, AlgorithmGOST2015Key512, "2022-07-07T09:55:23Z", "2032-07-04T09:55:23Z", "7AD24B1BA3A0C961FE1CA8503E6AA2BB450DB8A3",
			ca("ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022", ""), true, true},
		{"current/certs/individual_valid_sign_2004_rsa.cer", AlgorithmRSA, AlgorithmRSA, "2022-01-18T04:38:50Z", "2023-01-18T04:38:50Z", "41E45CC8A04C705963E5CD6769848A934D8EAEF5",
			signer, false, true},
		{"current/certs/individual_valid_sign_2004_rsa_auth.cer", AlgorithmRSA, AlgorithmRSA, "2022-01-18T04:38:49Z", "2023-01-18T04:38:49Z", "247C3FDA89FA641EA226987393CDAF3F5BAF24B3",
			auth, false, true},
		{"current/certs/ceo_valid_sign_2004_gost.cer", AlgorithmGOST2004, AlgorithmGOST2004, "2022-01-18T04:45:35Z", "2023-01-18T04:45:35Z", "6CBD4560A33A58C0B07C3363C9AE0674A0838E58",
			ceo, false, true},
		{"2018/certs/root/root_rsa.crt", AlgorithmRSA, AlgorithmRSA, "2015-07-27T05:22:53Z", "2025-07-27T05:22:53Z", "",
			ca("НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)", root), true, true},
		{"2018/certs/root/root_gost.crt", AlgorithmGOST2004, AlgorithmGOST2004, "2015-07-27T05:20:49Z", "2025-07-27T05:20:49Z", "",
			ca("НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST)", root), true, true},
		{"2018/certs/trusted/nca_rsa.crt", AlgorithmRSA, AlgorithmRSA, "2018-08-08T04:26:36Z", "2025-06-25T04:26:36Z", "",
			ca("ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)", ""), true, true},
		{"2018/certs/trusted/nca_gost.crt", AlgorithmGOST2004, AlgorithmGOST2004, "2018-08-08T04:55:58Z", "2025-06-25T04:55:58Z", "",
			ca("ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST)", ""), true, true},
	}
}

func checkCertCase(t *testing.T, c *Certificate, tc ncaCertCase) {
	t.Helper()
	if c.Algorithm != tc.alg || c.SignatureAlgorithm() != tc.sigAlg {
		t.Errorf("algorithm %s / signature %s, want %s / %s", c.Algorithm, c.SignatureAlgorithm(), tc.alg, tc.sigAlg)
	}
	if got, want := c.X509.NotBefore, utc(t, tc.notBefore); !got.Equal(want) {
		t.Errorf("NotBefore %s, want %s", got, want)
	}
	if got, want := c.X509.NotAfter, utc(t, tc.notAfter); !got.Equal(want) {
		t.Errorf("NotAfter %s, want %s", got, want)
	}
	if tc.serial != "" && c.X509.SerialNumber.Cmp(mustSerial(t, tc.serial)) != 0 {
		t.Errorf("serial %X, want %s", c.X509.SerialNumber, tc.serial)
	}
	if c.X509.IsCA != tc.isCA {
		t.Errorf("IsCA %v, want %v", c.X509.IsCA, tc.isCA)
	}
	if c.Partial == tc.goReadsWithoutHelp {
		t.Errorf("Partial %v", c.Partial)
	}
	if tc.alg.IsGOST() && c.X509.PublicKey != nil {
		t.Errorf("a GOST key must stay unreadable to Go, got %T", c.X509.PublicKey)
	}
	s, err := ParseSubject(c.X509)
	if err != nil {
		t.Fatalf("ParseSubject: %v", err)
	}
	if diff := cmp.Diff(tc.subject, s); diff != "" {
		t.Errorf("subject (-want +got):\n%s", diff)
	}
}

func TestParseEveryNCACertificate(t *testing.T) {
	files := append(ncaGlob(t, "current/ca/*"), ncaGlob(t, "current/certs/*")...)
	files = append(files, ncaGlob(t, "2018/certs/*/*")...)
	cases := ncaCertCases()
	if len(files) != len(cases) {
		t.Fatalf("the test data has %d certificates, the table %d: %v", len(files), len(cases), files)
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			checkCertCase(t, ncaCert(t, tc.file), tc)
		})
	}
}

// The 2018 key stores: RSA signing and authentication keys decode; the GOST one's key does not,
// cleanly, and its certificate is still read.
func TestParseNCAKeyStores(t *testing.T) {
	almaty := func(s Subject) Subject { s.Locality, s.Province = "АЛМАТЫ", "АЛМАТЫ"; return s }
	for _, tc := range []struct {
		file    string
		serial  string
		subject Subject
	}{
		{"2018/individual_valid/RSA256_8426360556902ce4ac33977836f873e1dc190976.p12", "744CC3275FB3519EFF1CA31EFC9CED3321B87C12", almaty(individualSubject(PurposeSign))},
		{"2018/individual_valid/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12", "157D5C497A54FD2757B38AFBE0F4BC605B956C0A", almaty(individualSubject(PurposeAuth))},
	} {
		t.Run(tc.file, func(t *testing.T) {
			key, x, err := openNCAKeyStore(t, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			rsaKey, ok := key.(*rsa.PrivateKey)
			if !ok || !rsaKey.PublicKey.Equal(x.PublicKey) {
				t.Fatalf("key %T does not match the certificate", key)
			}
			checkCertCase(t, wrap(x), ncaCertCase{
				file: tc.file, alg: AlgorithmRSA, sigAlg: AlgorithmRSA, serial: tc.serial,
				notBefore: "2018-08-22T12:11:36Z", notAfter: "2019-08-22T12:11:36Z",
				subject: tc.subject, goReadsWithoutHelp: true,
			})
		})
	}
	t.Run("GOST key store", func(t *testing.T) {
		const file = "2018/individual_valid/GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12"
		key, x, err := openNCAKeyStore(t, file)
		if err == nil || key != nil || x != nil {
			t.Fatalf("the GOST key decoded: %T %v", key, err)
		}
		if !strings.Contains(err.Error(), "1.2.398.3.10.1.1.1.1") {
			t.Errorf("the failure should name the GOST 34.310-2004 key OID: %v", err)
		}
		ceo := almaty(individualSubject(PurposeSign))
		ceo.BIN, ceo.Organization, ceo.Roles = testBIN, `АО "ТЕСТ"`, []Role{RoleLegalEntity, RoleHead}
		checkCertCase(t, wrap(ncaKeyStoreCertificate(t, file)), ncaCertCase{
			file: file, alg: AlgorithmGOST2004, sigAlg: AlgorithmGOST2004, serial: "20F1B57ED3185056BDF3F7004CE3881157ABF844",
			notBefore: "2018-08-23T04:11:25Z", notAfter: "2019-08-23T04:11:25Z", subject: ceo, goReadsWithoutHelp: true,
		})
	})
}

// The own TBSCertificate reading must agree with crypto/x509 on every real certificate, so that
// the fallback is trustworthy when crypto/x509 refuses one.
func TestTBSReadingAgreesWithCryptoX509(t *testing.T) {
	for _, tc := range ncaCertCases() {
		t.Run(tc.file, func(t *testing.T) {
			c := ncaCert(t, tc.file)
			var outer rawCertificate
			var tbs rawTBS
			if _, err := asnUnmarshalBoth(c.X509.Raw, &outer, &tbs); err != nil {
				t.Fatal(err)
			}
			own, err := x509FromTBS(c.X509.Raw, &outer, &tbs)
			if err != nil {
				t.Fatal(err)
			}
			x := c.X509
			if own.SerialNumber.Cmp(x.SerialNumber) != 0 || !own.NotBefore.Equal(x.NotBefore) || !own.NotAfter.Equal(x.NotAfter) ||
				own.KeyUsage != x.KeyUsage || own.IsCA != x.IsCA || own.Version != x.Version ||
				!bytes.Equal(own.RawSubject, x.RawSubject) || !bytes.Equal(own.RawIssuer, x.RawIssuer) ||
				!bytes.Equal(own.SubjectKeyId, x.SubjectKeyId) || !bytes.Equal(own.AuthorityKeyId, x.AuthorityKeyId) ||
				!bytes.Equal(own.Signature, x.Signature) || !slices.Equal(own.ExtKeyUsage, x.ExtKeyUsage) ||
				own.Subject.String() != x.Subject.String() || own.Issuer.String() != x.Issuer.String() {
				t.Errorf("own reading differs:\n own %+v\n x509 %+v", own, x)
			}
			if len(own.UnknownExtKeyUsage) != len(x.UnknownExtKeyUsage) || len(own.PolicyIdentifiers) != len(x.PolicyIdentifiers) {
				t.Errorf("EKU/policies differ: %v %v / %v %v", own.UnknownExtKeyUsage, own.PolicyIdentifiers, x.UnknownExtKeyUsage, x.PolicyIdentifiers)
			}
		})
	}
}

// asnUnmarshalBoth reads the outer certificate and its TBSCertificate as ParseCertificateDER does.
func asnUnmarshalBoth(der []byte, outer *rawCertificate, tbs *rawTBS) ([]byte, error) {
	if _, err := asn1Unmarshal(der, outer); err != nil {
		return nil, err
	}
	return asn1Unmarshal(outer.TBS.FullBytes, tbs)
}

// A GOST certificate that crypto/x509 refuses (here: a negative serial number, which Go
// rejects since 1.23) is still read for its subject; an RSA one is refused.
func TestParseCertificateFallsBackForGOSTOnly(t *testing.T) {
	gost := ncaCert(t, "current/certs/ceo_valid_sign_2004_gost.cer").X509.Raw
	rsaDER := ncaCert(t, "current/certs/individual_valid_sign_2004_rsa.cer").X509.Raw
	negate := func(der []byte, serialHex string) []byte {
		serial := mustHex(t, serialHex)
		i := bytes.Index(der, serial)
		if i < 0 {
			t.Fatal("serial not found")
		}
		out := bytes.Clone(der)
		out[i] |= 0x80 // same length, now a negative INTEGER
		return out
	}
	badGOST := negate(gost, "6CBD4560A33A58C0B07C3363C9AE0674A0838E58")
	if _, err := x509.ParseCertificate(badGOST); err == nil {
		t.Fatal("crypto/x509 accepts the negative serial; the fallback is not exercised")
	}
	c, err := ParseCertificateDER(badGOST)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Partial || c.Algorithm != AlgorithmGOST2004 || c.X509.SerialNumber.Sign() >= 0 {
		t.Errorf("partial %v algorithm %s serial %v", c.Partial, c.Algorithm, c.X509.SerialNumber)
	}
	s, err := ParseSubject(c.X509)
	if err != nil || s.IIN != testIIN || s.BIN != testBIN || !s.HasRole(RoleHead) || s.Purpose != PurposeSign {
		t.Errorf("subject %+v, %v", s, err)
	}
	if !c.X509.NotAfter.Equal(time.Date(2023, 1, 18, 4, 45, 35, 0, time.UTC)) {
		t.Errorf("NotAfter %s", c.X509.NotAfter)
	}
	if _, err := VerifyChain(c, nil, mustTrust(t), c.X509.NotBefore); !errors.Is(err, ErrNeedsExternalVerifier) {
		t.Errorf("a partial GOST certificate must go to the external verifier, got %v", err)
	}
	if _, err := ParseCertificateDER(negate(rsaDER, "41E45CC8A04C705963E5CD6769848A934D8EAEF5")); !errors.Is(err, ErrMalformed) {
		t.Errorf("an RSA certificate Go refuses must be refused, got %v", err)
	}
}

func TestParseCertificateRefusesGarbage(t *testing.T) {
	for name, in := range map[string][]byte{
		"empty":          nil,
		"not ASN.1":      []byte("hello"),
		"PEM without":    []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
		"trailing bytes": append(bytes.Clone(ncaCert(t, "current/ca/nca_rsa_test.crt").X509.Raw), 0),
		"a CRL":          ncaFile(t, "current/crl/nca_rsa_test.crl"),
	} {
		if _, err := ParseCertificate(in); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: got %v, want ErrMalformed", name, err)
		}
	}
}
