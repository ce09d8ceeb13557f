package eds_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/ncasim"
)

// Made-up identifiers with valid check digits (checked in startNCA).
const (
	clientIIN   = "900101300017"
	strangerIIN = "850515400022"
	directorIIN = "920303500031"
	companyBIN  = "050340000019"
)

var simStart = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// nca is the simulated НУЦ served three times over HTTP, as the real one is three services:
// the OCSP responder, the CRL distribution point and (standing in for NCANode) the verifier.
// Each can be failed on its own.
type nca struct {
	clock           *clock.Test
	sim             *ncasim.Simulator
	ocsp, crl, node *sim.Server
}

func startNCA(t testing.TB) *nca { return startNCAAt(t, simStart) }

// startNCAAt starts the simulated НУЦ with its clock at now.
func startNCAAt(t testing.TB, now time.Time) *nca {
	t.Helper()
	for _, iin := range []string{clientIIN, strangerIIN, directorIIN} {
		if _, err := kz.ParseIIN(iin); err != nil {
			t.Fatalf("test IIN %s: %v", iin, err)
		}
	}
	if _, err := kz.ParseBIN(companyBIN); err != nil {
		t.Fatal(err)
	}
	n := &nca{clock: clock.NewTest(now)}
	var err error
	if n.sim, err = ncasim.New(ncasim.Config{Clock: n.clock}); err != nil {
		t.Fatal(err)
	}
	for _, srv := range []**sim.Server{&n.ocsp, &n.crl, &n.node} {
		if *srv, err = sim.Start("nca", "", n.sim.Handler()); err != nil {
			t.Fatal(err)
		}
		s := *srv
		t.Cleanup(func() { s.Close() })
	}
	return n
}

// builtin is the built-in verifier wired to the simulator over HTTP, with short timeouts so
// that a hanging responder costs the test half a second.
func (n *nca) builtin(t testing.TB) *eds.Builtin {
	t.Helper()
	trust, err := n.sim.Trust()
	if err != nil {
		t.Fatal(err)
	}
	rev, err := eds.NewHTTPRevocation(eds.HTTPRevocationConfig{
		OCSPURL: n.ocsp.URL + "/ocsp", CRLURLs: []string{n.crl.URL + "/crl"},
		OCSPTimeout: 500 * time.Millisecond, CRLTimeout: 2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := eds.NewBuiltin(eds.BuiltinConfig{Trust: trust, Revocation: rev, Clock: n.clock})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (n *nca) ncanode(t *testing.T, timeout time.Duration) *eds.NCANode {
	t.Helper()
	c, err := eds.NewNCANode(eds.NCANodeConfig{URL: n.node.URL, Timeout: timeout, Clock: n.clock})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func client() ncasim.Identity {
	return ncasim.Identity{IIN: clientIIN, Surname: "СЫНАҚОВ", Name: "АЙДАР", Patronymic: "БОЛАТҰЛЫ"}
}

// signed issues a certificate and signs doc (detached) with it now.
func (n *nca) signed(t testing.TB, id ncasim.Identity, opts ncasim.Options, doc []byte) ([]byte, *x509.Certificate) {
	t.Helper()
	cert, key, err := n.sim.Issue(id, opts)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := eds.SignCMS(doc, cert, key, n.clock.Now(), true)
	if err != nil {
		t.Fatal(err)
	}
	return sig, cert
}

var statement = []byte("Заявление о регистрации клиента, версия 1")

func verifyClient(t *testing.T, v eds.Verifier, sig, doc []byte) (eds.Evidence, error) {
	t.Helper()
	return v.Verify(context.Background(), eds.VerifyRequest{Signature: sig, Document: doc, Expect: eds.SignerExpectation{IIN: clientIIN}})
}

func TestR6_4_BuiltinAcceptsSignatureWithOCSPGood(t *testing.T) {
	n := startNCA(t)
	sig, cert := n.signed(t, client(), ncasim.Options{}, statement)
	ev, err := verifyClient(t, n.builtin(t), sig, statement)
	if err != nil {
		t.Fatalf("a good signature was refused: %v", err)
	}
	want := sha256.Sum256(statement)
	if ev.Backend != "builtin" || !bytes.Equal(ev.DocumentSHA256, want[:]) || !bytes.Equal(ev.Signer, cert.Raw) ||
		ev.Subject.IIN != clientIIN || len(ev.Chain) != 3 || !bytes.Equal(ev.Signature, sig) {
		t.Errorf("evidence %+v", ev)
	}
	rev := ev.Revocation
	if rev.Source != eds.SourceOCSP || rev.Status != eds.StatusGood || len(rev.Nonce) == 0 || rev.OCSPFailure != "" {
		t.Fatalf("revocation evidence %+v", rev)
	}
	// The stored OCSP response is the one received: it parses, names this certificate and
	// carries the nonce that was sent (R34).
	resp, err := eds.ParseOCSPResponse(rev.Response)
	if err != nil || !bytes.Equal(resp.Nonce, rev.Nonce) || resp.Responses[0].CertID.SerialNumber.Cmp(cert.SerialNumber) != 0 {
		t.Fatalf("stored OCSP response: %v %+v", err, resp)
	}
}

func TestR9_1_LegalEntitySignerRoles(t *testing.T) {
	n := startNCA(t)
	v := n.builtin(t)
	want := eds.SignerExpectation{IIN: directorIIN, BIN: companyBIN}
	head := ncasim.Identity{IIN: directorIIN, Surname: "ЖАНҰЗАҚОВА", Name: "ӘСЕЛ", BIN: companyBIN,
		Organization: "ТОО «ДАЛА ҚАРЖЫ»", Roles: []eds.Role{eds.RoleHead}}
	sig, _ := n.signed(t, head, ncasim.Options{KeyType: ncasim.KeyRSA}, statement)
	if _, err := v.Verify(context.Background(), eds.VerifyRequest{Signature: sig, Document: statement, Expect: want}); err != nil {
		t.Fatalf("the head's signature was refused: %v", err)
	}
	employee := head
	employee.Roles = []eds.Role{eds.RoleEmployee}
	sig, _ = n.signed(t, employee, ncasim.Options{}, statement)
	if _, err := v.Verify(context.Background(), eds.VerifyRequest{Signature: sig, Document: statement, Expect: want}); !errors.Is(err, eds.ErrRoleMissing) {
		t.Fatalf("an employee without the right to sign: %v", err)
	}
	otherBIN := want
	otherBIN.BIN = "120840000022"
	sig, _ = n.signed(t, head, ncasim.Options{}, statement)
	if _, err := v.Verify(context.Background(), eds.VerifyRequest{Signature: sig, Document: statement, Expect: otherBIN}); !errors.Is(err, eds.ErrSubjectMismatch) {
		t.Fatalf("another company's BIN: %v", err)
	}
}

func TestR6_4_RevokedCertificateRefused(t *testing.T) {
	n := startNCA(t)
	sig, cert := n.signed(t, client(), ncasim.Options{}, statement)
	if err := n.sim.Revoke(cert.SerialNumber, 1); err != nil {
		t.Fatal(err)
	}
	ev, err := verifyClient(t, n.builtin(t), sig, statement)
	var revoked *eds.RevokedError
	if !errors.As(err, &revoked) || revoked.Source != eds.SourceOCSP || revoked.Reason != 1 {
		t.Fatalf("revoked certificate: %v", err)
	}
	if ev.Revocation.Status != eds.StatusRevoked || len(ev.Revocation.Response) == 0 {
		t.Errorf("evidence of the revocation %+v", ev.Revocation)
	}
}

func TestR6_4_RevokedCertificateRefusedByCRLWhenOCSPDown(t *testing.T) {
	n := startNCA(t)
	sig, cert := n.signed(t, client(), ncasim.Options{}, statement)
	n.sim.Revoke(cert.SerialNumber, 0)
	n.ocsp.SetMode(sim.Fail)
	_, err := verifyClient(t, n.builtin(t), sig, statement)
	var revoked *eds.RevokedError
	if !errors.As(err, &revoked) || revoked.Source != eds.SourceCRL {
		t.Fatalf("revoked certificate with OCSP down: %v", err)
	}
}

func TestR6_4_CertificateRefusals(t *testing.T) {
	cases := []struct {
		name string
		id   ncasim.Identity
		opts ncasim.Options
		want error
	}{
		{"expired", client(), ncasim.Options{Expired: true}, eds.ErrNotValidAtSigningTime},
		{"not yet valid", client(), ncasim.Options{NotYetValid: true}, eds.ErrNotValidAtSigningTime},
		{"AUTH key", client(), ncasim.Options{Purpose: eds.PurposeAuth}, eds.ErrWrongKeyUsage},
		{"keyEncipherment only", client(), ncasim.Options{KeyUsage: x509.KeyUsageKeyEncipherment}, eds.ErrWrongKeyUsage},
		{"foreign IIN", ncasim.Identity{IIN: strangerIIN, Surname: "БӨТЕН", Name: "АДАМ"}, ncasim.Options{}, eds.ErrSubjectMismatch},
		{"untrusted root", client(), ncasim.Options{Untrusted: true}, eds.ErrUntrustedChain},
		{"OCSP unknown", client(), ncasim.Options{OCSPUnknown: true}, eds.ErrRevocationUnknown},
	}
	n := startNCA(t)
	v := n.builtin(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sig, _ := n.signed(t, tc.id, tc.opts, statement)
			if _, err := verifyClient(t, v, sig, statement); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestR9_1_ExpiredWrongUsageForeignIINUntrustedRefused(t *testing.T) {
	// The same refusals hold for the signature of a loan contract (R9.1) as for the
	// registration statement (R6.4): one verifier serves both.
	n := startNCA(t)
	v := n.builtin(t)
	contract := []byte("Договор о предоставлении микрокредита № 1")
	for _, opts := range []ncasim.Options{{Expired: true}, {Purpose: eds.PurposeAuth}, {Untrusted: true}} {
		sig, _ := n.signed(t, client(), opts, contract)
		if _, err := verifyClient(t, v, sig, contract); err == nil {
			t.Errorf("contract signed with %+v accepted", opts)
		}
	}
	sig, _ := n.signed(t, ncasim.Identity{IIN: strangerIIN, Surname: "БӨТЕН", Name: "АДАМ"}, ncasim.Options{}, contract)
	if _, err := verifyClient(t, v, sig, contract); !errors.Is(err, eds.ErrSubjectMismatch) {
		t.Errorf("contract signed by someone else: %v", err)
	}
}

func TestR6_4_OCSPDownFallsBackToCRL(t *testing.T) {
	for _, mode := range []sim.Mode{sim.Fail, sim.Hang} {
		t.Run(mode.String(), func(t *testing.T) {
			n := startNCA(t)
			sig, _ := n.signed(t, client(), ncasim.Options{}, statement)
			n.ocsp.SetMode(mode)
			ev, err := verifyClient(t, n.builtin(t), sig, statement)
			if err != nil {
				t.Fatalf("OCSP %s, CRL up: %v", mode, err)
			}
			if ev.Revocation.Source != eds.SourceCRL || ev.Revocation.OCSPFailure == "" || len(ev.Revocation.Response) == 0 {
				t.Fatalf("evidence %+v", ev.Revocation)
			}
			if _, err := x509.ParseRevocationList(ev.Revocation.Response); err != nil {
				t.Errorf("stored CRL: %v", err)
			}
		})
	}
}

func TestR6_4_OCSPAndCRLDownRefused(t *testing.T) {
	n := startNCA(t)
	sig, _ := n.signed(t, client(), ncasim.Options{}, statement)
	n.ocsp.SetMode(sim.Hang)
	n.crl.SetMode(sim.Fail)
	_, err := verifyClient(t, n.builtin(t), sig, statement)
	if !errors.Is(err, eds.ErrRevocationUnknown) {
		t.Fatalf("both down: %v", err)
	}
}

func TestR6_4_OCSPGarbageRefusedWithoutFallback(t *testing.T) {
	n := startNCA(t)
	sig, _ := n.signed(t, client(), ncasim.Options{}, statement)
	n.ocsp.SetMode(sim.Garbage)
	ev, err := verifyClient(t, n.builtin(t), sig, statement)
	// A responder that answers nonsense is not "unreachable": the CRL, though up, is not asked.
	if !errors.Is(err, eds.ErrRevocationUnknown) || ev.Revocation.Source != eds.SourceOCSP {
		t.Fatalf("garbage OCSP: %v, evidence %+v", err, ev.Revocation)
	}
}

func TestR11_SignatureOverDifferentBytesRefused(t *testing.T) {
	n := startNCA(t)
	other := []byte("Заявление о регистрации клиента, версия 2")
	sig, _ := n.signed(t, client(), ncasim.Options{}, statement)
	if _, err := verifyClient(t, n.builtin(t), sig, other); !errors.Is(err, eds.ErrContentMismatch) {
		t.Fatalf("detached signature over other bytes, built-in: %v", err)
	}
	cert, key, _ := n.sim.Issue(client(), ncasim.Options{})
	attached, err := eds.SignCMS(statement, cert, key, n.clock.Now(), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := verifyClient(t, n.builtin(t), attached, other); !errors.Is(err, eds.ErrContentMismatch) {
		t.Fatalf("attached signature over other bytes, built-in: %v", err)
	}
	node := n.ncanode(t, 5*time.Second)
	if _, err := verifyClient(t, node, attached, other); !errors.Is(err, eds.ErrContentMismatch) {
		t.Fatalf("attached signature over other bytes, NCANode: %v", err)
	}
	if _, err := verifyClient(t, node, sig, other); !errors.Is(err, eds.ErrBadSignature) {
		t.Fatalf("detached signature over other bytes, NCANode: %v", err)
	}
}
