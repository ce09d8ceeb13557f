package eds_test

import (
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"testing"
	"time"

	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/ncasim"
)

func TestR6_4_NCANodeClientAcceptsValidSignature(t *testing.T) {
	n := startNCA(t)
	sig, cert := n.signed(t, client(), ncasim.Options{}, statement)
	ev, err := verifyClient(t, n.ncanode(t, 5*time.Second), sig, statement)
	if err != nil {
		t.Fatalf("valid signature refused: %v", err)
	}
	if ev.Backend != "ncanode" || ev.Subject.IIN != clientIIN || ev.Revocation.Status != eds.StatusGood ||
		ev.Revocation.Source != eds.SourceOCSP || string(ev.Signer) != string(cert.Raw) {
		t.Errorf("evidence %+v", ev)
	}
	// NCANode's answer is kept as received (R34).
	var answer map[string]any
	if err := json.Unmarshal(ev.BackendResponse, &answer); err != nil || answer["valid"] != true {
		t.Errorf("stored answer %s (%v)", ev.BackendResponse, err)
	}
}

func TestR6_4_NCANodeClientRefusals(t *testing.T) {
	n := startNCA(t)
	node := n.ncanode(t, 5*time.Second)

	revokedSig, revokedCert := n.signed(t, client(), ncasim.Options{}, statement)
	n.sim.Revoke(revokedCert.SerialNumber, 1)
	if _, err := verifyClient(t, node, revokedSig, statement); !errors.Is(err, eds.ErrRevoked) {
		t.Errorf("revoked: %v", err)
	}

	untrusted, _ := n.signed(t, client(), ncasim.Options{Untrusted: true}, statement)
	if _, err := verifyClient(t, node, untrusted, statement); !errors.Is(err, eds.ErrBadSignature) {
		t.Errorf("untrusted root: %v", err)
	}

	unknown, _ := n.signed(t, client(), ncasim.Options{OCSPUnknown: true}, statement)
	if _, err := verifyClient(t, node, unknown, statement); err == nil {
		t.Error("OCSP unknown accepted")
	}

	// A broken signature value: NCANode (the simulator) finds it invalid.
	good, _ := n.signed(t, client(), ncasim.Options{}, statement)
	broken := append([]byte(nil), good...)
	broken[len(broken)-1] ^= 0x01
	if _, err := verifyClient(t, node, broken, statement); !errors.Is(err, eds.ErrBadSignature) {
		t.Errorf("broken signature: %v", err)
	}

	// Checks the client makes itself, before asking.
	for name, opts := range map[string]ncasim.Options{"AUTH key": {Purpose: eds.PurposeAuth}, "expired": {Expired: true}} {
		sig, _ := n.signed(t, client(), opts, statement)
		if _, err := verifyClient(t, node, sig, statement); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	stranger, _ := n.signed(t, ncasim.Identity{IIN: strangerIIN, Surname: "БӨТЕН", Name: "АДАМ"}, ncasim.Options{}, statement)
	if _, err := verifyClient(t, node, stranger, statement); !errors.Is(err, eds.ErrSubjectMismatch) {
		t.Errorf("foreign IIN: %v", err)
	}
}

func TestR6_4_NCANodeClientRefusesWhenServiceFails(t *testing.T) {
	n := startNCA(t)
	sig, _ := n.signed(t, client(), ncasim.Options{}, statement)
	node := n.ncanode(t, 300*time.Millisecond)
	for _, mode := range []sim.Mode{sim.Fail, sim.Hang, sim.Garbage} {
		n.node.SetMode(mode)
		_, err := verifyClient(t, node, sig, statement)
		if !errors.Is(err, eds.ErrVerifierUnavailable) || !errors.Is(err, fault.ErrUnavailable) {
			t.Errorf("NCANode %s: %v", mode, err)
		}
	}
	n.node.Close()
	n.node.SetMode(sim.Normal)
	if _, err := verifyClient(t, node, sig, statement); !errors.Is(err, eds.ErrVerifierUnavailable) {
		t.Errorf("NCANode stopped: %v", err)
	}
}

func TestR6_4_RouterKeepsRSAAndECDSAOnTheBuiltinBackend(t *testing.T) {
	n := startNCA(t)
	router, err := eds.NewRouter(n.builtin(t), n.ncanode(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	sig, _ := n.signed(t, client(), ncasim.Options{}, statement)
	if ev, err := verifyClient(t, router, sig, statement); err != nil || ev.Backend != "builtin" {
		t.Fatalf("ECDSA signature: backend %q, %v", ev.Backend, err)
	}
	// A refusal of the built-in back end stands; it is not retried elsewhere.
	n.ocsp.SetMode(sim.Garbage)
	if ev, err := verifyClient(t, router, sig, statement); !errors.Is(err, eds.ErrRevocationUnknown) || ev.Backend != "builtin" {
		t.Fatalf("refused ECDSA signature: backend %q, %v", ev.Backend, err)
	}
}

func TestR6_4_RouterSendsGOSTToNCANode(t *testing.T) {
	// The real НУЦ GOST certificate of a company head (valid 2022-01-18 … 2023-01-18). Go
	// cannot make a GOST signature, so an ECDSA CMS is re-addressed to that certificate: the
	// built-in back end sees a GOST signer and hands the signature on.
	pem, err := os.ReadFile("../../../shared/testdata/nca/current/certs/ceo_valid_sign_2004_gost.cer")
	if err != nil {
		t.Fatalf("НУЦ test data: %v", err)
	}
	gost, err := eds.ParseCertificate(pem)
	if err != nil {
		t.Fatal(err)
	}
	n := startNCAAt(t, time.Date(2022, 6, 1, 9, 0, 0, 0, time.UTC))
	ecdsaSig, _ := n.signed(t, client(), ncasim.Options{}, statement)
	sig := readdressCMS(t, ecdsaSig, gost.X509)
	req := eds.VerifyRequest{Signature: sig, Document: statement, Expect: eds.SignerExpectation{IIN: "123456789011", BIN: "123456789021"}}
	if _, err := n.builtin(t).Verify(context.Background(), req); !errors.Is(err, eds.ErrNeedsExternalVerifier) {
		t.Fatalf("built-in alone: %v", err)
	}
	router, err := eds.NewRouter(n.builtin(t), n.ncanode(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := router.Verify(context.Background(), req)
	if ev.Backend != "ncanode" || len(ev.BackendResponse) == 0 {
		t.Fatalf("GOST signature not sent to NCANode: backend %q, %v", ev.Backend, err)
	}
	// The simulator cannot do GOST arithmetic either, so it answers invalid: refused.
	if !errors.Is(err, eds.ErrBadSignature) {
		t.Fatalf("GOST signature the service could not verify: %v", err)
	}
	if ev.Subject.BIN != "123456789021" || !ev.Subject.HasRole(eds.RoleHead) {
		t.Errorf("subject read locally %+v", ev.Subject)
	}
}

// readdressCMS replaces the certificate bag of a one-signer CMS with cert and points the
// signer identifier at it, leaving the signed attributes and the signature as they were.
func readdressCMS(t *testing.T, der []byte, cert *x509.Certificate) []byte {
	t.Helper()
	type contentInfo struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue `asn1:"explicit,tag:0"`
	}
	type signerInfo struct {
		Version     int
		SID         asn1.RawValue
		DigestAlg   asn1.RawValue
		SignedAttrs asn1.RawValue `asn1:"optional,tag:0"`
		SigAlg      asn1.RawValue
		Signature   []byte
	}
	type signedData struct {
		Version     int
		DigestAlgs  asn1.RawValue
		Encap       asn1.RawValue
		Certs       asn1.RawValue `asn1:"optional,tag:0"`
		SignerInfos []signerInfo  `asn1:"set"`
	}
	var ci contentInfo
	var sd signedData
	if _, err := asn1.Unmarshal(der, &ci); err != nil {
		t.Fatal(err)
	}
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		t.Fatal(err)
	}
	sid, err := asn1.Marshal(struct {
		Issuer asn1.RawValue
		Serial *big.Int
	}{asn1.RawValue{FullBytes: cert.RawIssuer}, cert.SerialNumber})
	if err != nil {
		t.Fatal(err)
	}
	sd.SignerInfos[0].SID = asn1.RawValue{FullBytes: sid}
	// Marshalled through untagged structs: the tags are in the raw values themselves.
	inner, err := asn1.Marshal(struct {
		Version     int
		DigestAlgs  asn1.RawValue
		Encap       asn1.RawValue
		Certs       asn1.RawValue
		SignerInfos []signerInfo `asn1:"set"`
	}{sd.Version, sd.DigestAlgs, sd.Encap,
		asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: cert.Raw}, sd.SignerInfos})
	if err != nil {
		t.Fatal(err)
	}
	out, err := asn1.Marshal(struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue
	}{ci.Type, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
