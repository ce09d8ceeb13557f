package ncasim

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"
	"net/http"
	"slices"
	"testing"
	"time"

	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/sim"
)

// Made-up identifiers with valid check digits (checked in validIDs).
const (
	clientIIN   = "900101300017"
	directorIIN = "920303500031"
	companyBIN  = "050340000019"
)

var start = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func validIDs(t *testing.T) {
	t.Helper()
	for _, iin := range []string{clientIIN, directorIIN} {
		if _, err := kz.ParseIIN(iin); err != nil {
			t.Fatalf("test IIN %s: %v", iin, err)
		}
	}
	if _, err := kz.ParseBIN(companyBIN); err != nil {
		t.Fatalf("test BIN: %v", err)
	}
}

func individual() Identity {
	return Identity{IIN: clientIIN, Surname: "СЫНАҚОВ", Name: "АЙДАР", Patronymic: "БОЛАТҰЛЫ"}
}

func director() Identity {
	return Identity{IIN: directorIIN, Surname: "ЖАНҰЗАҚОВА", Name: "ӘСЕЛ", BIN: companyBIN,
		Organization: "ТОО «ДАЛА ҚАРЖЫ»", Roles: []eds.Role{eds.RoleHead}}
}

// startSim runs a simulator over HTTP.
func startSim(t *testing.T, production bool) (*Simulator, *sim.Server, *clock.Test) {
	t.Helper()
	validIDs(t)
	clk := clock.NewTest(start)
	s, err := New(Config{Clock: clk, Production: production})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start("nca", "", s.Handler())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return s, srv, clk
}

func post(t *testing.T, url, contentType string, body []byte) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Post(url, contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func get(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	return b
}

func TestIssuedCertificatesReadLikeNUC(t *testing.T) {
	s, _, _ := startSim(t, false)
	cert, _, err := s.Issue(individual(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := eds.ParseSubject(cert)
	if err != nil {
		t.Fatal(err)
	}
	if sub.IIN != clientIIN || sub.Surname != "СЫНАҚОВ" || sub.GivenName != "БОЛАТҰЛЫ" || sub.FirstName != "АЙДАР" ||
		sub.CommonName != "СЫНАҚОВ АЙДАР" || sub.Country != "KZ" || sub.SerialNumber != "IIN"+clientIIN {
		t.Errorf("individual subject %+v", sub)
	}
	if !slices.Equal(sub.Roles, []eds.Role{eds.RoleIndividual}) || sub.Purpose != eds.PurposeSign {
		t.Errorf("roles %v purpose %s", sub.Roles, sub.Purpose)
	}
	if !slices.ContainsFunc(cert.PolicyIdentifiers, func(o asn1.ObjectIdentifier) bool { return o.String() == "1.2.398.3.3.2.3" }) {
		t.Errorf("SIGN policy missing: %v", cert.PolicyIdentifiers)
	}
	if cert.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment {
		t.Errorf("SIGN key usage %b", cert.KeyUsage)
	}
	if err := cert.CheckSignatureFrom(s.IssuingCA()); err != nil {
		t.Errorf("not issued by the issuing CA: %v", err)
	}

	auth, _, err := s.Issue(individual(), Options{Purpose: eds.PurposeAuth})
	if err != nil {
		t.Fatal(err)
	}
	if sub, _ := eds.ParseSubject(auth); sub.Purpose != eds.PurposeAuth || auth.PolicyIdentifiers[0].String() != "1.2.398.3.3.2.4" {
		t.Errorf("AUTH certificate: purpose %s, policies %v", sub.Purpose, auth.PolicyIdentifiers)
	}

	le, _, err := s.Issue(director(), Options{KeyType: KeyRSA})
	if err != nil {
		t.Fatal(err)
	}
	sub, err = eds.ParseSubject(le)
	if err != nil {
		t.Fatal(err)
	}
	if sub.BIN != companyBIN || sub.IIN != directorIIN || sub.Organization != "ТОО «ДАЛА ҚАРЖЫ»" ||
		!slices.Equal(sub.Roles, []eds.Role{eds.RoleLegalEntity, eds.RoleHead}) {
		t.Errorf("legal entity subject %+v", sub)
	}
	if le.PublicKeyAlgorithm != x509.RSA {
		t.Errorf("asked for RSA, got %s", le.PublicKeyAlgorithm)
	}
	if err := eds.CheckSigner(sub, eds.SignerExpectation{IIN: directorIIN, BIN: companyBIN}); err != nil {
		t.Errorf("director may not sign: %v", err)
	}
}

func TestIssueOnDemandValidity(t *testing.T) {
	s, _, clk := startSim(t, false)
	now := clk.Now()
	expired, _, _ := s.Issue(individual(), Options{Expired: true})
	if !expired.NotAfter.Before(now) {
		t.Errorf("expired certificate valid until %s, now %s", expired.NotAfter, now)
	}
	future, _, _ := s.Issue(individual(), Options{NotYetValid: true})
	if !future.NotBefore.After(now) {
		t.Errorf("not-yet-valid certificate valid from %s", future.NotBefore)
	}
	s.SetBaseURL("http://127.0.0.1:9")
	withURLs, _, _ := s.Issue(individual(), Options{})
	if len(withURLs.OCSPServer) != 1 || withURLs.OCSPServer[0] != "http://127.0.0.1:9/ocsp" ||
		len(withURLs.CRLDistributionPoints) != 1 || withURLs.CRLDistributionPoints[0] != "http://127.0.0.1:9/crl" {
		t.Errorf("AIA %v, CRL DP %v", withURLs.OCSPServer, withURLs.CRLDistributionPoints)
	}
	foreign, _, _ := s.Issue(individual(), Options{Untrusted: true})
	if err := foreign.CheckSignatureFrom(s.IssuingCA()); err == nil {
		t.Error("untrusted certificate verifies under the trusted issuing CA")
	}
	if _, _, err := s.Issue(Identity{IIN: "12345", Surname: "A", Name: "B"}, Options{}); err == nil {
		t.Error("a 5-digit IIN was accepted")
	}
}

func TestCAEndpointsServeTheHierarchy(t *testing.T) {
	s, srv, _ := startSim(t, false)
	if !bytes.Equal(get(t, srv.URL+"/ca/root.crt"), s.Roots()[0].Raw) {
		t.Error("root.crt is not the root")
	}
	nca := get(t, srv.URL+"/ca/nca.crt")
	c, err := x509.ParseCertificate(nca)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckSignatureFrom(s.Roots()[0]); err != nil {
		t.Errorf("nca.crt not issued by the root: %v", err)
	}
}

// ocspAsk posts an OCSP request with a nonce for serial under the issuing CA.
func ocspAsk(t *testing.T, s *Simulator, srv *sim.Server, serial *big.Int, nonce []byte) []byte {
	t.Helper()
	req, err := eds.BuildOCSPRequest(serial, s.IssuingCA(), crypto.SHA256, nonce)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := post(t, srv.URL+"/ocsp", "application/ocsp-request", req)
	if ct := resp.Header.Get("Content-Type"); ct != "application/ocsp-response" {
		t.Errorf("content type %q", ct)
	}
	return body
}

func TestOCSPEchoesNonceAmongResponseExtensions(t *testing.T) {
	s, srv, clk := startSim(t, false)
	cert, _, err := s.Issue(individual(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	nonce := []byte("0123456789abcdef")
	raw := ocspAsk(t, s, srv, cert.SerialNumber, nonce)
	parsed, err := eds.ParseOCSPResponse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !parsed.HasNonce || !bytes.Equal(parsed.Nonce, nonce) {
		t.Errorf("response extensions nonce %x, want %x", parsed.Nonce, nonce)
	}
	if len(parsed.Responses) != 1 || parsed.Responses[0].HasNonce {
		t.Errorf("the nonce belongs among the response extensions, not the single ones: %+v", parsed.Responses)
	}
	check := eds.OCSPCheck{Serial: cert.SerialNumber, Issuer: s.IssuingCA(), Nonce: nonce, Now: clk.Now()}
	if ev, err := eds.CheckOCSPResponse(raw, check); err != nil || ev.Status != eds.StatusGood {
		t.Fatalf("good certificate: %s %v", ev.Status, err)
	}

	clk.Advance(time.Minute)
	if err := s.Revoke(cert.SerialNumber, 1); err != nil {
		t.Fatal(err)
	}
	check.Now = clk.Now()
	_, err = eds.CheckOCSPResponse(ocspAsk(t, s, srv, cert.SerialNumber, nonce), check)
	var revoked *eds.RevokedError
	if !errors.As(err, &revoked) || revoked.Reason != 1 || !revoked.RevokedAt.Equal(start.Add(time.Minute)) {
		t.Fatalf("revoked certificate: %v", err)
	}

	stranger := new(big.Int).Add(cert.SerialNumber, big.NewInt(1))
	check.Serial = stranger
	if ev, err := eds.CheckOCSPResponse(ocspAsk(t, s, srv, stranger, nonce), check); !errors.Is(err, eds.ErrRevocationUnknown) || ev.Status != eds.StatusUnknown {
		t.Fatalf("a serial never issued: %s %v", ev.Status, err)
	}

	_, body := post(t, srv.URL+"/ocsp", "application/ocsp-request", []byte("not DER"))
	if p, err := eds.ParseOCSPResponse(body); err != nil || p.ResponseStatus != eds.OCSPMalformedRequest {
		t.Fatalf("malformed request answered %v %v", p, err)
	}
}

func TestCRLListsRevokedSerials(t *testing.T) {
	s, srv, clk := startSim(t, false)
	kept, _, _ := s.Issue(individual(), Options{})
	gone, _, _ := s.Issue(individual(), Options{})
	if err := s.Revoke(gone.SerialNumber, 4); err != nil {
		t.Fatal(err)
	}
	raw := get(t, srv.URL+"/crl")
	crl, err := x509.ParseRevocationList(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := crl.CheckSignatureFrom(s.IssuingCA()); err != nil {
		t.Fatalf("CRL signature: %v", err)
	}
	if len(crl.RevokedCertificateEntries) != 1 || crl.RevokedCertificateEntries[0].SerialNumber.Cmp(gone.SerialNumber) != 0 ||
		crl.RevokedCertificateEntries[0].ReasonCode != 4 {
		t.Fatalf("entries %+v", crl.RevokedCertificateEntries)
	}
	if _, err := eds.CheckCRL(raw, eds.CRLCheck{Serial: kept.SerialNumber, Issuer: s.IssuingCA(), Now: clk.Now()}); err != nil {
		t.Errorf("unrevoked certificate per CRL: %v", err)
	}
	if err := s.Revoke(big.NewInt(7), 0); err == nil {
		t.Error("revoked a serial never issued")
	}
}
