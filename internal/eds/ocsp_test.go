package eds

import (
	"bytes"
	"crypto"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// What `openssl ocsp -respin … -resp_text` shows for the НУЦ test responses.
type ncaOCSPCase struct {
	file       string
	status     RevocationStatus
	serial     string
	revokedAt  string
	reason     int
	thisUpdate string
	nonce      string
	sigAlg     Algorithm
}

func ncaOCSPCases() []ncaOCSPCase {
	return []ncaOCSPCase{
		{"current/ocsp/ocsp_response_individual_sign_2004.bin", StatusGood, "4279390A141F5353A62947B61ED65E81741467D1", "", 0,
			"2022-09-02T16:53:59Z", "B5E5C9B552CBCAC4", AlgorithmRSA},
		{"current/ocsp/ocsp_response_ceo_sign_2004_revoked.bin", StatusRevoked, "12E3E7B9966D09EB9CDA64251457E815C2A8DDED", "2022-01-18T06:30:55Z", 4,
			"2022-09-02T16:57:04Z", "8B6B9F100D6B0005", AlgorithmGOST2004},
		{"current/ocsp/ocsp_response_ceo_2015_revoked.bin", StatusRevoked, "3A90343E720594C55204B19CB9A402422EF0E622", "2022-07-27T10:25:30Z", 6,
			"2022-09-02T16:59:28Z", "157B28FD1AC7761E", AlgorithmGOST2015Key512},
		{"current/ocsp/ocsp_response_individual_2015.bin", StatusRevoked, "0FF06211DC82BEB00253FFA000F1DE84ABEF454F", "1970-01-01T00:00:00Z", 6,
			"2022-09-02T16:58:34Z", "E408FFB790834AF2", AlgorithmGOST2015Key512},
	}
}

func TestParseNCAOCSPResponses(t *testing.T) {
	cases := ncaOCSPCases()
	if files := ncaGlob(t, "current/ocsp/*"); len(files) != len(cases) {
		t.Fatalf("the data has %d OCSP responses, the table %d", len(files), len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			raw := ncaFile(t, tc.file)
			r, err := ParseOCSPResponse(raw)
			if err != nil {
				t.Fatal(err)
			}
			if r.ResponseStatus != OCSPSuccessful || len(r.Responses) != 1 || !r.HasNonce || len(r.Certificates) != 1 {
				t.Fatalf("response %+v", r)
			}
			s := r.Responses[0]
			if s.Status != tc.status || s.CertID.SerialNumber.Cmp(mustSerial(t, tc.serial)) != 0 || s.RevocationReason != tc.reason ||
				!s.ThisUpdate.Equal(utc(t, tc.thisUpdate)) || !s.NextUpdate.IsZero() || !r.ProducedAt.Equal(utc(t, tc.thisUpdate)) {
				t.Errorf("single response %+v", s)
			}
			if tc.revokedAt != "" && !s.RevokedAt.Equal(utc(t, tc.revokedAt)) {
				t.Errorf("revoked at %s", s.RevokedAt)
			}
			if !bytes.Equal(r.Nonce, mustHex(t, tc.nonce)) {
				t.Errorf("nonce %X", r.Nonce)
			}
			if AlgorithmFromOID(r.SignatureAlgorithm) != tc.sigAlg || !s.CertID.HashAlgorithm.Equal(oidSHA256) {
				t.Errorf("algorithms %s %s", r.SignatureAlgorithm, s.CertID.HashAlgorithm)
			}
			if !bytes.Equal(r.Raw, raw) {
				t.Error("Raw is not the input")
			}
		})
	}
}

// The good RSA response verifies against ҰКО 3.0 (RSA TEST) when its nonce was the request's
// and it is fresh; every departure from that is refused. openssl agrees on the signature:
// `openssl ocsp -respin … -CAfile nca_rsa_test.crt -partial_chain` says "Response verify OK".
func TestCheckNCAOCSPGoodResponse(t *testing.T) {
	const file = "current/ocsp/ocsp_response_individual_sign_2004.bin"
	raw := ncaFile(t, file)
	issuer := ncaCert(t, "current/ca/nca_rsa_test.crt").X509
	good := OCSPCheck{
		Serial: mustSerial(t, "4279390A141F5353A62947B61ED65E81741467D1"), Issuer: issuer,
		Nonce: mustHex(t, "B5E5C9B552CBCAC4"), Request: []byte("the request"),
		Now: utc(t, "2022-09-02T16:55:00Z"), MaxAge: time.Hour, Skew: time.Minute,
	}
	ev, err := CheckOCSPResponse(raw, good)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Status != StatusGood || ev.Source != SourceOCSP || !bytes.Equal(ev.Response, raw) ||
		!ev.ThisUpdate.Equal(utc(t, "2022-09-02T16:53:59Z")) || !bytes.Equal(ev.Request, good.Request) {
		t.Errorf("evidence %+v", ev)
	}
	tampered := bytes.Clone(raw)
	tampered[500] ^= 0x01 // inside the signature BIT STRING (offset 405+4 … 665, see asn1parse)
	refusals := map[string]struct {
		raw  []byte
		edit func(*OCSPCheck)
	}{
		"other nonce":          {raw, func(c *OCSPCheck) { c.Nonce = mustHex(t, "B5E5C9B552CBCAC5") }},
		"stale":                {raw, func(c *OCSPCheck) { c.Now = c.Now.Add(2 * time.Hour) }},
		"from the future":      {raw, func(c *OCSPCheck) { c.Now = utc(t, "2022-09-02T16:50:00Z") }},
		"default max age":      {raw, func(c *OCSPCheck) { c.MaxAge, c.Now = 0, c.Now.Add(DefaultOCSPMaxAge+time.Minute) }},
		"other certificate":    {raw, func(c *OCSPCheck) { c.Serial = big.NewInt(7) }},
		"other issuer":         {raw, func(c *OCSPCheck) { c.Issuer = ncaCert(t, "2018/certs/trusted/nca_rsa.crt").X509 }},
		"GOST issuer":          {raw, func(c *OCSPCheck) { c.Issuer = ncaCert(t, "current/ca/nca_gost_test.crt").X509 }},
		"bad signature":        {tampered, func(*OCSPCheck) {}},
		"no nonce to compare":  {raw, func(c *OCSPCheck) { c.Nonce = nil }},
		"not an OCSP response": {ncaFile(t, "current/tsp/tsp_token.bin"), func(*OCSPCheck) {}},
	}
	for name, r := range refusals {
		c := good
		r.edit(&c)
		ev, err := CheckOCSPResponse(r.raw, c)
		t.Logf("%s: %v", name, err)
		if !errors.Is(err, ErrRevocationUnknown) || ev.Status == StatusGood {
			t.Errorf("%s: %v, status %s", name, err, ev.Status)
		}
		if !bytes.Equal(ev.Response, r.raw) {
			t.Errorf("%s: the evidence lost the response", name)
		}
	}
}

// The GOST-signed responses cannot be verified in Go: the answer is a clean "needs the
// external verifier" refusal, with what the response claims kept in the evidence.
func TestCheckNCAOCSPGOSTResponses(t *testing.T) {
	issuers := map[string]string{
		"current/ocsp/ocsp_response_ceo_sign_2004_revoked.bin": "current/ca/nca_gost_test.crt",
		"current/ocsp/ocsp_response_ceo_2015_revoked.bin":      "current/ca/nca_gost2015_test.cer",
		"current/ocsp/ocsp_response_individual_2015.bin":       "current/ca/nca_gost2015_test.cer",
	}
	for _, tc := range ncaOCSPCases()[1:] {
		raw := ncaFile(t, tc.file)
		ev, err := CheckOCSPResponse(raw, OCSPCheck{
			Serial: mustSerial(t, tc.serial), Issuer: ncaCert(t, issuers[tc.file]).X509, Nonce: mustHex(t, tc.nonce),
			Now: utc(t, tc.thisUpdate).Add(time.Minute),
		})
		var ext *NeedsExternalVerifierError
		if !errors.As(err, &ext) || !errors.Is(err, ErrRevocationUnknown) || ext.Algorithm != tc.sigAlg {
			t.Errorf("%s: %v", tc.file, err)
		}
		if ev.Status != StatusRevoked || !bytes.Equal(ev.Response, raw) {
			t.Errorf("%s: evidence status %s", tc.file, ev.Status)
		}
		// golang.org/x/crypto/ocsp cannot even parse them (it checks the embedded responder
		// certificate's GOST signature), which is why ParseOCSPResponse is this package's own.
		if _, err := ocsp.ParseResponse(raw, nil); err == nil {
			t.Errorf("%s: x/crypto/ocsp now parses GOST responses", tc.file)
		}
	}
}

// The CertID of a request for the good response's certificate equals the one in the response,
// whose hashes openssl shows as Issuer Name Hash 8A8DA2CC… and Issuer Key Hash E32738B5….
func TestBuildOCSPRequest(t *testing.T) {
	issuer := ncaCert(t, "current/ca/nca_rsa_test.crt").X509
	serial := mustSerial(t, "4279390A141F5353A62947B61ED65E81741467D1")
	nonce := mustHex(t, "00112233445566778899AABBCCDDEEFF")
	req, err := BuildOCSPRequest(serial, issuer, crypto.SHA256, nonce)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ocsp.ParseRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	if parsed.HashAlgorithm != crypto.SHA256 || parsed.SerialNumber.Cmp(serial) != 0 ||
		!bytes.Equal(parsed.IssuerNameHash, mustHex(t, "8A8DA2CC54E144C7A78E916AA2DFC4CF1660105333A887C48AB649B01EEEE62F")) ||
		!bytes.Equal(parsed.IssuerKeyHash, mustHex(t, "E32738B58CA445A8BD66B1FF745547FF0F2FEE8F5749AB9B3E4705D28DFDE4A8")) {
		t.Errorf("request %+v", parsed)
	}
	if got := requestNonce(t, req); !bytes.Equal(got, nonce) {
		t.Errorf("nonce %X", got)
	}
	for _, bad := range [][]byte{nil, make([]byte, 33)} {
		if _, err := BuildOCSPRequest(serial, issuer, crypto.SHA256, bad); err == nil {
			t.Errorf("nonce of %d bytes accepted", len(bad))
		}
	}
	// A GOST issuer still gets a request: its key is hashed, not interpreted.
	if _, err := BuildOCSPRequest(serial, ncaCert(t, "current/ca/nca_gost2015_test.cer").X509, crypto.SHA1, nonce); err != nil {
		t.Errorf("GOST issuer: %v", err)
	}
}

// requestNonce reads the nonce extension of a DER OCSP request, independently of the builder.
func requestNonce(t testing.TB, req []byte) []byte {
	t.Helper()
	nonce, err := parseRequestNonce(req)
	if err != nil {
		t.Fatal(err)
	}
	return nonce
}

func parseRequestNonce(req []byte) ([]byte, error) {
	var r struct {
		TBS struct {
			Version    int           `asn1:"optional,explicit,tag:0,default:0"`
			Name       asn1.RawValue `asn1:"optional,explicit,tag:1"`
			List       []asn1.RawValue
			Extensions []struct {
				ID       asn1.ObjectIdentifier
				Critical bool `asn1:"optional"`
				Value    []byte
			} `asn1:"optional,explicit,tag:2"`
		}
	}
	if _, err := asn1Unmarshal(req, &r); err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	for _, e := range r.TBS.Extensions {
		if e.ID.Equal(asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 2}) {
			var nonce []byte
			if _, err := asn1Unmarshal(e.Value, &nonce); err != nil {
				return nil, fmt.Errorf("nonce: %w", err)
			}
			return nonce, nil
		}
	}
	return nil, errors.New("no nonce")
}

func TestParseOCSPResponseNotSuccessful(t *testing.T) {
	for status, raw := range map[OCSPResponseStatus][]byte{
		OCSPTryLater:         {0x30, 0x03, 0x0a, 0x01, 0x03},
		OCSPUnauthorized:     {0x30, 0x03, 0x0a, 0x01, 0x06},
		OCSPMalformedRequest: {0x30, 0x03, 0x0a, 0x01, 0x01},
	} {
		r, err := ParseOCSPResponse(raw)
		if err != nil || r.ResponseStatus != status || len(r.Responses) != 0 {
			t.Errorf("status %d: %+v %v", status, r, err)
		}
		_, err = CheckOCSPResponse(raw, OCSPCheck{Serial: big.NewInt(1), Issuer: ncaCert(t, "current/ca/nca_rsa_test.crt").X509, Nonce: []byte{1}})
		if !errors.Is(err, ErrRevocationUnknown) || errors.Is(err, ErrUnreachable) != (status == OCSPTryLater) {
			t.Errorf("status %d: %v", status, err)
		}
	}
}
