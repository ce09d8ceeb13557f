package eds_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/sim/ncasim"
)

// The verifier remembers chains it verified (verified_cache.go). These tests make a first
// verification succeed, so that the cache holds the chain, and then show that what changed
// since is still seen: the cache saves signature checks, never a decision.

func TestR6_4_CertificateRevokedAfterAcceptanceRefused(t *testing.T) {
	n := startNCA(t)
	v := n.builtin(t)
	sig, cert := n.signed(t, client(), ncasim.Options{}, statement)
	if _, err := verifyClient(t, v, sig, statement); err != nil {
		t.Fatalf("first verification: %v", err)
	}
	if err := n.sim.Revoke(cert.SerialNumber, 1); err != nil {
		t.Fatal(err)
	}
	ev, err := verifyClient(t, v, sig, statement)
	var revoked *eds.RevokedError
	if !errors.As(err, &revoked) || revoked.Reason != 1 || ev.Revocation.Status != eds.StatusRevoked {
		t.Fatalf("the same signature after revocation: %v, evidence %+v", err, ev.Revocation)
	}
}

func TestR9_1_CertificateExpiredAfterAcceptanceRefused(t *testing.T) {
	n := startNCA(t)
	v := n.builtin(t)
	cert, key, err := n.sim.Issue(client(), ncasim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	contract := []byte("Договор о предоставлении микрокредита № 7")
	sign := func() []byte {
		sig, err := eds.SignCMS(contract, cert, key, n.clock.Now(), true)
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	if _, err := verifyClient(t, v, sign(), contract); err != nil {
		t.Fatalf("while valid: %v", err)
	}
	// The last second of validity is still valid (crypto/x509 includes NotAfter)…
	n.clock.Advance(cert.NotAfter.Sub(n.clock.Now()))
	if _, err := verifyClient(t, v, sign(), contract); err != nil {
		t.Fatalf("at NotAfter: %v", err)
	}
	// …the next one is not, though the chain was verified twice before.
	n.clock.Advance(time.Second)
	if _, err := verifyClient(t, v, sign(), contract); !errors.Is(err, eds.ErrNotValidAtSigningTime) {
		t.Fatalf("signed a second after NotAfter: %v", err)
	}
}

func TestR6_4_SameSubjectOtherKeyNotTakenFromCache(t *testing.T) {
	n := startNCA(t)
	v := n.builtin(t)
	sig, first := n.signed(t, client(), ncasim.Options{}, statement)
	if _, err := verifyClient(t, v, sig, statement); err != nil {
		t.Fatalf("first certificate: %v", err)
	}
	// The same person and subject, another key, from a CA nobody trusts.
	forged, forgedCert := n.signed(t, client(), ncasim.Options{Untrusted: true}, statement)
	if !bytes.Equal(forgedCert.RawSubject, first.RawSubject) {
		t.Fatal("the test needs the same subject")
	}
	if _, err := verifyClient(t, v, forged, statement); !errors.Is(err, eds.ErrUntrustedChain) {
		t.Fatalf("same subject, other key, untrusted issuer: %v", err)
	}
	// A second genuine certificate of the same subject is verified as itself.
	sig2, second := n.signed(t, client(), ncasim.Options{}, statement)
	ev, err := verifyClient(t, v, sig2, statement)
	if err != nil {
		t.Fatalf("second certificate: %v", err)
	}
	if !bytes.Equal(ev.Signer, second.Raw) || !bytes.Equal(ev.Chain[0], second.Raw) || bytes.Equal(ev.Chain[0], first.Raw) {
		t.Fatal("the evidence names another certificate than the signer's")
	}
	if ev.Revocation.Status != eds.StatusGood || len(ev.Revocation.Response) == 0 {
		t.Fatalf("revocation evidence %+v", ev.Revocation)
	}
}
