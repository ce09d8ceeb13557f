package ncasim

import (
	"crypto"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// The responses assembled from the pre-encoded parts (ocspFixed) are read, and their
// signatures and the responder certificate verified, by an independent implementation:
// golang.org/x/crypto/ocsp. For both CertID hashes the responder serves.
func TestOCSPResponseReadByXCryptoOCSP(t *testing.T) {
	s, srv, clk := startSim(t, false)
	cert, _, err := s.Issue(individual(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ask := func(h crypto.Hash, otherIssuer bool, want int) *ocsp.Response {
		t.Helper()
		ca := s.IssuingCA()
		if otherIssuer {
			ca = s.Roots()[0] // a CertID under another issuer
		}
		req, err := ocsp.CreateRequest(cert, ca, &ocsp.RequestOptions{Hash: h})
		if err != nil {
			t.Fatal(err)
		}
		_, body := post(t, srv.URL+"/ocsp", "application/ocsp-request", req)
		resp, err := ocsp.ParseResponseForCert(body, cert, s.IssuingCA())
		if err != nil {
			t.Fatalf("%s: %v", h, err)
		}
		if resp.Status != want || resp.Certificate == nil || resp.IssuerHash != h {
			t.Fatalf("%s: status %d (want %d), hash %s, responder %v", h, resp.Status, want, resp.IssuerHash, resp.Certificate != nil)
		}
		return resp
	}
	now := clk.Now().UTC().Truncate(time.Second)
	for _, h := range []crypto.Hash{crypto.SHA1, crypto.SHA256} {
		r := ask(h, false, ocsp.Good)
		if !r.ProducedAt.Equal(now) || !r.ThisUpdate.Equal(now) || !r.NextUpdate.Equal(now.Add(ocspValidity)) {
			t.Errorf("%s: produced %s, this %s, next %s", h, r.ProducedAt, r.ThisUpdate, r.NextUpdate)
		}
		ask(h, true, ocsp.Unknown)
	}
	clk.Advance(90 * time.Second)
	if err := s.Revoke(cert.SerialNumber, 4); err != nil {
		t.Fatal(err)
	}
	r := ask(crypto.SHA256, false, ocsp.Revoked)
	if !r.RevokedAt.Equal(now.Add(90*time.Second)) || r.RevocationReason != 4 {
		t.Errorf("revoked at %s, reason %d", r.RevokedAt, r.RevocationReason)
	}
}

// derLen and appendHeader agree with each other at the length-encoding boundaries.
func TestDERHeaderLengths(t *testing.T) {
	for _, n := range []int{0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000} {
		if got, want := derLen(n), len(appendHeader(nil, 0x30, n))+n; got != want {
			t.Errorf("derLen(%d) = %d, want %d", n, got, want)
		}
	}
	if got := appendHeader(nil, 0x04, 0x100); string(got) != "\x04\x82\x01\x00" {
		t.Errorf("header of 256 bytes: % x", got)
	}
	if got := appendHeader(nil, 0x04, 0x7f); string(got) != "\x04\x7f" {
		t.Errorf("header of 127 bytes: % x", got)
	}
}

// ParseOCSPRequest, read without reflection, still serves one certificate per request with a
// positive serial, reads the nonce, and refuses the rest.
func TestParseOCSPRequestShapes(t *testing.T) {
	type certID struct {
		Alg               pkix.AlgorithmIdentifier
		NameHash, KeyHash []byte
		Serial            *big.Int
	}
	type request struct{ CertID certID }
	type tbs struct {
		List []request
		Exts []pkix.Extension `asn1:"explicit,tag:2,optional"`
	}
	type outer struct{ TBS tbs }
	id := func(serial int64) request {
		return request{certID{pkix.AlgorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1.NullRawValue},
			[]byte("name hash"), []byte("key hash"), big.NewInt(serial)}}
	}
	nonce, _ := asn1.Marshal([]byte("nonce-nonce"))
	der := func(list []request, exts ...pkix.Extension) []byte {
		b, err := asn1.Marshal(outer{tbs{List: list, Exts: exts}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	got, err := ParseOCSPRequest(der([]request{id(77)}, pkix.Extension{Id: oidOCSPNonce, Value: nonce}))
	if err != nil || got.Serial.Int64() != 77 || string(got.Nonce) != "nonce-nonce" || string(got.NonceExtension) != string(nonce) ||
		string(got.IssuerNameHash) != "name hash" || string(got.IssuerKeyHash) != "key hash" || !got.HashAlgorithm.Equal(oidSHA256) {
		t.Fatalf("%+v %v", got, err)
	}
	for name, bad := range map[string][]byte{
		"two certificates": der([]request{id(1), id(2)}),
		"none":             der(nil),
		"zero serial":      der([]request{id(0)}),
		"negative serial":  der([]request{id(-5)}),
		"trailing data":    append(der([]request{id(1)}), 0),
		"truncated":        der([]request{id(1)})[:20],
	} {
		if r, err := ParseOCSPRequest(bad); err == nil {
			t.Errorf("%s accepted: %+v", name, r)
		}
	}
}
