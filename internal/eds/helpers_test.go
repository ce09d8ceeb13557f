package eds

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// ncaDir is the real НУЦ РК test data, shared by the whole project.
const ncaDir = "../../../shared/testdata/nca"

// ncaFile reads a file of the НУЦ test data. A missing directory fails the test loudly: these
// tests exist to run against the real encodings, and skipping would hide that they did not.
func ncaFile(t testing.TB, rel string) []byte {
	t.Helper()
	if _, err := os.Stat(ncaDir); err != nil {
		t.Fatalf("НУЦ test data missing at %s (expected /work/shared/testdata/nca beside the repo): %v", ncaDir, err)
	}
	b, err := os.ReadFile(filepath.Join(ncaDir, rel))
	if err != nil {
		t.Fatalf("НУЦ test file %s: %v", rel, err)
	}
	return b
}

// ncaGlob lists files of the НУЦ test data matching pattern, failing when there are none.
func ncaGlob(t testing.TB, pattern string) []string {
	t.Helper()
	ncaFile(t, "README.md") // fails loudly when the directory is missing
	matches, err := filepath.Glob(filepath.Join(ncaDir, pattern))
	if err != nil || len(matches) == 0 {
		t.Fatalf("no НУЦ test files match %s (%v)", pattern, err)
	}
	var rel []string
	for _, m := range matches {
		r, _ := filepath.Rel(ncaDir, m)
		rel = append(rel, r)
	}
	return rel
}

func ncaCert(t testing.TB, rel string) *Certificate {
	t.Helper()
	c, err := ParseCertificate(ncaFile(t, rel))
	if err != nil {
		t.Fatalf("parse %s: %v", rel, err)
	}
	return c
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustSerial(t testing.TB, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		t.Fatalf("bad serial %q", s)
	}
	return n
}

func utc(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// testCA is a self-made CA, for what the НУЦ data cannot provide: an untrusted root, and OCSP
// responses and CRLs we can sign.
type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func nextSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err)
	}
	return n.Add(n, big.NewInt(1))
}

func newECKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newTestCA(t testing.TB, cn string, notBefore, notAfter time.Time) *testCA {
	t.Helper()
	key := newECKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: cn, Country: []string{"KZ"}},
		NotBefore: notBefore, NotAfter: notAfter, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key}
}

// issue signs tmpl for pub; SerialNumber and validity default from the CA.
func (ca *testCA) issue(t testing.TB, tmpl *x509.Certificate, pub crypto.PublicKey) *x509.Certificate {
	t.Helper()
	if tmpl.SerialNumber == nil {
		tmpl.SerialNumber = nextSerial()
	}
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = ca.cert.NotBefore, ca.cert.NotAfter
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, pub, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// individualTemplate is a certificate shaped like НУЦ's for an individual: SERIALNUMBER=IIN…,
// the individual role OID and, for purpose SIGN, digitalSignature + nonRepudiation.
func individualTemplate(iin string, purpose KeyPurpose) *x509.Certificate {
	tmpl := &x509.Certificate{
		Subject: pkix.Name{
			CommonName: "СЫНАҚОВ АЙДАР", Country: []string{"KZ"}, SerialNumber: "IIN" + iin,
			ExtraNames: []pkix.AttributeTypeAndValue{{Type: oidSurname, Value: "СЫНАҚОВ"}, {Type: oidGivenName, Value: "БОЛАТҰЛЫ"}},
		},
		UnknownExtKeyUsage: []asn1.ObjectIdentifier{{1, 2, 398, 3, 3, 4, 1, 1}},
	}
	if purpose == PurposeSign {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
	} else {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	return tmpl
}

// asn1Unmarshal is asn1.Unmarshal that refuses trailing bytes.
func asn1Unmarshal(der []byte, v any) ([]byte, error) {
	rest, err := asn1.Unmarshal(der, v)
	if err == nil && len(rest) != 0 {
		err = errors.New("trailing data")
	}
	return rest, err
}

// mustTrust is the 2018 production-format RSA chain: root_rsa → nca_rsa.
func mustTrust(t testing.TB) *Trust {
	t.Helper()
	tr, err := NewTrust([]*Certificate{ncaCert(t, "2018/certs/root/root_rsa.crt")}, []*Certificate{ncaCert(t, "2018/certs/trusted/nca_rsa.crt")})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func wrap(c *x509.Certificate) *Certificate {
	out, err := ParseCertificateDER(c.Raw)
	if err != nil {
		panic(err)
	}
	return out
}
