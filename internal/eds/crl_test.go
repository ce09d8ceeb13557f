package eds

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"
	"time"
)

// Entry counts and dates as `openssl crl -text` shows them.
func TestParseNCACRLs(t *testing.T) {
	for _, tc := range []struct {
		file, issuer, thisUpdate, nextUpdate string
		entries                              int
		sigAlg                               Algorithm
	}{
		{"current/crl/nca_rsa_test.crl", "current/ca/nca_rsa_test.crt", "2022-03-29T04:18:29Z", "2022-09-25T04:18:29Z", 126, AlgorithmRSA},
		{"current/crl/nca_gost_test.crl", "current/ca/nca_gost_test.crt", "2022-03-29T04:30:07Z", "2022-09-25T04:30:07Z", 31, AlgorithmGOST2004},
		{"current/crl/nca_gost2022_test.crl", "current/ca/nca_gost2015_test.cer", "2022-07-27T11:26:06Z", "2023-01-23T11:26:06Z", 6, AlgorithmGOST2015Key512},
	} {
		crl, err := ParseCRL(ncaFile(t, tc.file))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if len(crl.RevokedCertificateEntries) != tc.entries || !crl.ThisUpdate.Equal(utc(t, tc.thisUpdate)) || !crl.NextUpdate.Equal(utc(t, tc.nextUpdate)) {
			t.Errorf("%s: %d entries, %s … %s", tc.file, len(crl.RevokedCertificateEntries), crl.ThisUpdate, crl.NextUpdate)
		}
		oid, err := crlSignatureOID(crl)
		if err != nil || AlgorithmFromOID(oid) != tc.sigAlg {
			t.Errorf("%s: signature %s %v", tc.file, oid, err)
		}
		if !bytes.Equal(crl.RawIssuer, ncaCert(t, tc.issuer).X509.RawSubject) {
			t.Errorf("%s: not issued by %s", tc.file, tc.issuer)
		}
	}
}

func TestCheckNCACRL(t *testing.T) {
	raw := ncaFile(t, "current/crl/nca_rsa_test.crl")
	issuer := ncaCert(t, "current/ca/nca_rsa_test.crt").X509
	now := utc(t, "2022-04-01T00:00:00Z")

	// Serial 4B779CB5… is listed: revoked 2021-03-30T18:10:21Z, keyCompromise (1).
	ev, err := CheckCRL(raw, CRLCheck{Serial: mustSerial(t, "4B779CB5647C4DA7B07327C503EAB1656D716ED8"), Issuer: issuer, Now: now})
	var revoked *RevokedError
	if !errors.As(err, &revoked) || !errors.Is(err, ErrRevoked) || revoked.Reason != 1 || !revoked.RevokedAt.Equal(utc(t, "2021-03-30T18:10:21Z")) {
		t.Errorf("listed serial: %v", err)
	}
	if ev.Status != StatusRevoked || ev.Source != SourceCRL || !bytes.Equal(ev.Response, raw) {
		t.Errorf("evidence %+v", ev)
	}
	// A listed certificateHold (6) is revoked as well.
	if _, err := CheckCRL(raw, CRLCheck{Serial: mustSerial(t, "474C38696D8677A2C8B6E40345A8B04168C0905C"), Issuer: issuer, Now: now}); !errors.As(err, &revoked) || revoked.Reason != 6 {
		t.Errorf("certificate hold: %v", err)
	}
	// The individual signing certificate is not listed.
	signer := ncaCert(t, "current/certs/individual_valid_sign_2004_rsa.cer").X509
	if ev, err := CheckCRL(raw, CRLCheck{Serial: signer.SerialNumber, Issuer: issuer, Now: now}); err != nil || ev.Status != StatusGood {
		t.Errorf("unlisted serial: %v %s", err, ev.Status)
	}
	tampered := bytes.Clone(raw)
	tampered[len(tampered)-10] ^= 0x01 // in the signature value
	for name, tc := range map[string]struct {
		raw   []byte
		check CRLCheck
	}{
		"stale":         {raw, CRLCheck{Serial: signer.SerialNumber, Issuer: issuer, Now: utc(t, "2022-09-26T00:00:00Z")}},
		"not yet":       {raw, CRLCheck{Serial: signer.SerialNumber, Issuer: issuer, Now: utc(t, "2022-03-01T00:00:00Z")}},
		"other issuer":  {raw, CRLCheck{Serial: signer.SerialNumber, Issuer: ncaCert(t, "2018/certs/trusted/nca_rsa.crt").X509, Now: now}},
		"bad signature": {tampered, CRLCheck{Serial: signer.SerialNumber, Issuer: issuer, Now: now}},
		"not a CRL":     {ncaFile(t, "current/ca/nca_rsa_test.crt"), CRLCheck{Serial: signer.SerialNumber, Issuer: issuer, Now: now}},
	} {
		ev, err := CheckCRL(tc.raw, tc.check)
		if !errors.Is(err, ErrRevocationUnknown) || ev.Status == StatusGood {
			t.Errorf("%s: %v", name, err)
		}
	}
	if e, ok := LookupCRL(mustParseCRL(t, raw), mustSerial(t, "1F6DE34F4F4BB353DD57EF15E4E6DDB8363F6D00")); !ok || !e.RevocationTime.Equal(utc(t, "2021-05-31T05:45:26Z")) {
		t.Errorf("lookup: %+v %v", e, ok)
	}
}

func TestCheckNCAGOSTCRLNeedsExternalVerifier(t *testing.T) {
	for crlFile, caFile := range map[string]string{
		"current/crl/nca_gost_test.crl":     "current/ca/nca_gost_test.crt",
		"current/crl/nca_gost2022_test.crl": "current/ca/nca_gost2015_test.cer",
	} {
		_, err := CheckCRL(ncaFile(t, crlFile), CRLCheck{Serial: big.NewInt(1), Issuer: ncaCert(t, caFile).X509, Now: utc(t, "2022-08-01T00:00:00Z")})
		if !errors.Is(err, ErrNeedsExternalVerifier) || !errors.Is(err, ErrRevocationUnknown) {
			t.Errorf("%s: %v", crlFile, err)
		}
	}
}

// A delta CRL (critical deltaCRLIndicator) is not a complete list and is refused.
func TestCheckCRLRefusesUnknownCriticalExtension(t *testing.T) {
	now := time.Now()
	ca := newTestCA(t, "CRL TEST CA", now.Add(-time.Hour), now.Add(time.Hour))
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(2), ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(time.Hour),
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 27}, Critical: true, Value: []byte{0x02, 0x01, 0x01}}},
	}, ca.cert, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CheckCRL(der, CRLCheck{Serial: big.NewInt(5), Issuer: ca.cert, Now: now}); !errors.Is(err, ErrRevocationUnknown) {
		t.Errorf("delta CRL: %v", err)
	}
}

func mustParseCRL(t testing.TB, raw []byte) *x509.RevocationList {
	t.Helper()
	crl, err := ParseCRL(raw)
	if err != nil {
		t.Fatal(err)
	}
	return crl
}
