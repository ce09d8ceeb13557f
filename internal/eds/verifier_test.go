package eds

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"nesie.kz/nesie/internal/clock"
)

// recordingRevocation stands in for the OCSP client on the 2018 chain, whose CA key we do not
// hold; it returns the evidence it was given and records what it was asked.
type recordingRevocation struct {
	ev           RevocationEvidence
	err          error
	cert, issuer *x509.Certificate
	at           time.Time
	calls        int
}

func (r *recordingRevocation) CheckRevocation(_ context.Context, cert, issuer *x509.Certificate, at time.Time) (RevocationEvidence, error) {
	r.calls++
	r.cert, r.issuer, r.at = cert, issuer, at
	return r.ev, r.err
}

func goodRevocation(t testing.TB) *recordingRevocation {
	return &recordingRevocation{ev: RevocationEvidence{
		Source: SourceOCSP, Status: StatusGood,
		Response: ncaFile(t, "current/ocsp/ocsp_response_individual_sign_2004.bin"),
	}}
}

// ncaBuiltin verifies against the 2018 НУЦ chain, with the clock three minutes after
// signedAt2019.
func ncaBuiltin(t testing.TB, rev RevocationChecker) *Builtin {
	t.Helper()
	b, err := NewBuiltin(BuiltinConfig{
		Trust: mustTrust(t), Revocation: rev, Clock: clock.NewTest(signedAt2019.Add(3 * time.Minute)), ClockSkew: 30 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func signWith(t testing.TB, store string, doc []byte, at time.Time, detached bool) []byte {
	t.Helper()
	key, cert := ncaSigner(t, store)
	sig, err := SignCMS(doc, cert, key, at, detached)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// R9.1: a contract is concluded with the client's EDS: a SIGN key, over the exact bytes shown.
func TestR9_1_ContractSignatureOverExactBytesWithSignKey(t *testing.T) {
	rev := goodRevocation(t)
	v := ncaBuiltin(t, rev)
	sig := signWith(t, ncaSignStore, contract, signedAt2019, true)
	ev, err := v.Verify(context.Background(), VerifyRequest{Signature: sig, Document: contract, Expect: SignerExpectation{IIN: testIIN}})
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(contract)
	_, signer := ncaSigner(t, ncaSignStore)
	if !bytes.Equal(ev.DocumentSHA256, want[:]) || !bytes.Equal(ev.Signer, signer.Raw) || len(ev.Chain) != 3 ||
		!bytes.Equal(ev.Chain[2], ncaFile(t, "2018/certs/root/root_rsa.crt")) || ev.Subject.IIN != testIIN ||
		!ev.SigningTime.Equal(signedAt2019) || ev.Backend != "builtin" || ev.Revocation.Status != StatusGood {
		t.Errorf("evidence %+v", ev)
	}
	if rev.calls != 1 || !rev.cert.Equal(signer) || !bytes.Equal(rev.issuer.Raw, ncaFile(t, "2018/certs/trusted/nca_rsa.crt")) ||
		!rev.at.Equal(signedAt2019.Add(3*time.Minute)) {
		t.Errorf("revocation asked about %v / %v at %s", rev.cert.Subject, rev.issuer.Subject, rev.at)
	}

	t.Run("AUTH key refused", func(t *testing.T) {
		rev := goodRevocation(t)
		sig := signWith(t, ncaAuthStore, contract, signedAt2019, true)
		_, err := ncaBuiltin(t, rev).Verify(context.Background(), VerifyRequest{Signature: sig, Document: contract, Expect: SignerExpectation{IIN: testIIN}})
		if !errors.Is(err, ErrWrongKeyUsage) || rev.calls != 0 {
			t.Errorf("got %v, revocation asked %d times", err, rev.calls)
		}
	})
	t.Run("signature over other bytes refused", func(t *testing.T) {
		other := signWith(t, ncaSignStore, []byte("ДРУГОЙ ДОГОВОР"), signedAt2019, true)
		_, err := v.Verify(context.Background(), VerifyRequest{Signature: other, Document: contract, Expect: SignerExpectation{IIN: testIIN}})
		if !errors.Is(err, ErrContentMismatch) {
			t.Errorf("got %v", err)
		}
	})
}

// R11 at the verifier: the contract altered by one byte after signing is refused.
func TestR11_AlteredContractRefusedByVerifier(t *testing.T) {
	v := ncaBuiltin(t, goodRevocation(t))
	sig := signWith(t, ncaSignStore, contract, signedAt2019, true)
	altered := bytes.Clone(contract)
	altered[len(altered)/3]++
	ev, err := v.Verify(context.Background(), VerifyRequest{Signature: sig, Document: altered, Expect: SignerExpectation{IIN: testIIN}})
	if !errors.Is(err, ErrContentMismatch) {
		t.Fatalf("got %v", err)
	}
	want := sha256.Sum256(altered)
	if !bytes.Equal(ev.DocumentSHA256, want[:]) || !bytes.Equal(ev.Signature, sig) {
		t.Error("the refusal's evidence does not record what was received")
	}
}

// R6.4: at registration the EDS subject's IIN must be the client's.
func TestR6_4_RegistrationSignatureSubjectMustBeClientsIIN(t *testing.T) {
	v := ncaBuiltin(t, goodRevocation(t))
	consent := []byte("Заявление на регистрацию в личном кабинете. ИИН клиента: 123456789011")
	sig := signWith(t, ncaSignStore, consent, signedAt2019, false)
	if _, err := v.Verify(context.Background(), VerifyRequest{Signature: sig, Document: consent, Expect: SignerExpectation{IIN: testIIN}}); err != nil {
		t.Errorf("the client's own key: %v", err)
	}
	for _, other := range []string{"900101300017", "850702400029"} {
		_, err := v.Verify(context.Background(), VerifyRequest{Signature: sig, Document: consent, Expect: SignerExpectation{IIN: other}})
		if !errors.Is(err, ErrSubjectMismatch) {
			t.Errorf("client %s: got %v", other, err)
		}
	}
	if _, err := v.Verify(context.Background(), VerifyRequest{Signature: sig, Document: consent, Expect: SignerExpectation{IIN: testIIN, BIN: "150340000015"}}); !errors.Is(err, ErrSubjectMismatch) {
		t.Errorf("an individual's key for a legal entity: %v", err)
	}
}

// R34: the evidence keeps the signature and the OCSP response byte for byte as received (here a
// BER signature, which a re-encoding would change), and later changes to the caller's buffers
// do not reach it.
func TestR34_EvidenceKeepsRawBytesAsReceived(t *testing.T) {
	rev := goodRevocation(t)
	ocspRaw := bytes.Clone(rev.ev.Response)
	ber := toBER(t, signWith(t, ncaSignStore, contract, signedAt2019, false))
	received := bytes.Clone(ber)
	ev, err := ncaBuiltin(t, rev).Verify(context.Background(), VerifyRequest{Signature: received, Document: contract, Expect: SignerExpectation{IIN: testIIN}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range received {
		received[i] = 0
	}
	if !bytes.Equal(ev.Signature, ber) {
		t.Error("the evidence does not hold the signature as received")
	}
	if !bytes.Equal(ev.Revocation.Response, ocspRaw) {
		t.Error("the evidence does not hold the OCSP response as received")
	}
	if _, err := ParseCMS(ev.Signature); err != nil {
		t.Errorf("the kept signature no longer parses: %v", err)
	}
}

func TestBuiltinRefusals(t *testing.T) {
	ctx := context.Background()
	expect := SignerExpectation{IIN: testIIN}
	t.Run("expired at today's date", func(t *testing.T) {
		now := time.Now().UTC().Truncate(time.Second)
		rev := goodRevocation(t)
		v, err := NewBuiltin(BuiltinConfig{Trust: mustTrust(t), Revocation: rev, Clock: clock.NewTest(now.Add(time.Minute))})
		if err != nil {
			t.Fatal(err)
		}
		sig := signWith(t, ncaSignStore, contract, now, true)
		if _, err := v.Verify(ctx, VerifyRequest{Signature: sig, Document: contract, Expect: expect}); !errors.Is(err, ErrNotValidAtSigningTime) || rev.calls != 0 {
			t.Errorf("got %v", err)
		}
	})
	t.Run("back-dated signature", func(t *testing.T) {
		v, err := NewBuiltin(BuiltinConfig{Trust: mustTrust(t), Revocation: goodRevocation(t), Clock: clock.NewTest(signedAt2019.Add(24 * time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		sig := signWith(t, ncaSignStore, contract, signedAt2019, true)
		if _, err := v.Verify(ctx, VerifyRequest{Signature: sig, Document: contract, Expect: expect}); !errors.Is(err, ErrSigningTime) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("signing time in the future", func(t *testing.T) {
		sig := signWith(t, ncaSignStore, contract, signedAt2019.Add(10*time.Minute), true)
		if _, err := ncaBuiltin(t, goodRevocation(t)).Verify(ctx, VerifyRequest{Signature: sig, Document: contract, Expect: expect}); !errors.Is(err, ErrSigningTime) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("untrusted root", func(t *testing.T) {
		ca := newTestCA(t, "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)", signedAt2019.Add(-time.Hour), signedAt2019.Add(time.Hour))
		key := newECKey(t)
		cert := ca.issue(t, individualTemplate(testIIN, PurposeSign), key.Public())
		sig, err := SignCMS(contract, cert, key, signedAt2019, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ncaBuiltin(t, goodRevocation(t)).Verify(ctx, VerifyRequest{Signature: sig, Document: contract, Expect: expect}); !errors.Is(err, ErrUntrustedChain) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("revoked", func(t *testing.T) {
		rev := &recordingRevocation{ev: RevocationEvidence{Status: StatusRevoked}, err: &RevokedError{RevokedAt: signedAt2019, Source: SourceOCSP}}
		sig := signWith(t, ncaSignStore, contract, signedAt2019, true)
		ev, err := ncaBuiltin(t, rev).Verify(ctx, VerifyRequest{Signature: sig, Document: contract, Expect: expect})
		if !errors.Is(err, ErrRevoked) || ev.Revocation.Status != StatusRevoked {
			t.Errorf("got %v", err)
		}
	})
	t.Run("checker says nothing wrong but not good", func(t *testing.T) {
		rev := &recordingRevocation{ev: RevocationEvidence{Status: StatusUnknown}}
		sig := signWith(t, ncaSignStore, contract, signedAt2019, true)
		if _, err := ncaBuiltin(t, rev).Verify(ctx, VerifyRequest{Signature: sig, Document: contract, Expect: expect}); !errors.Is(err, ErrRevocationUnknown) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("GOST signature goes to the external verifier", func(t *testing.T) {
		ev, err := ncaBuiltin(t, goodRevocation(t)).Verify(ctx, VerifyRequest{Signature: ncaFile(t, "current/tsp/tsp_token.bin"), Expect: expect})
		if !errors.Is(err, ErrNeedsExternalVerifier) || len(ev.Signature) == 0 {
			t.Errorf("got %v", err)
		}
	})
	t.Run("configuration", func(t *testing.T) {
		for name, cfg := range map[string]BuiltinConfig{
			"no trust":      {Revocation: goodRevocation(t), Clock: clock.System{}},
			"no revocation": {Trust: mustTrust(t), Clock: clock.System{}},
			"no clock":      {Trust: mustTrust(t), Revocation: goodRevocation(t)},
		} {
			if _, err := NewBuiltin(cfg); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
	})
}

// The whole built-in path with a CA we hold: SignCMS → Builtin → OCSPThenCRL with a live
// responder that echoes the nonce.
func TestBuiltinEndToEndWithOwnCA(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	ca := newTestCA(t, "OWN TEST CA", now.Add(-24*time.Hour), now.Add(24*time.Hour))
	key := newECKey(t)
	cert := ca.issue(t, individualTemplate("900101300017", PurposeSign), key.Public())
	trust, err := NewTrust([]*Certificate{wrap(ca.cert)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		status int
		err    error
	}{{ocsp.Good, nil}, {ocsp.Revoked, ErrRevoked}, {ocsp.Unknown, ErrRevocationUnknown}} {
		r := &testResponder{ca: ca, now: func() time.Time { return now }, status: tc.status, revokedAt: now.Add(-time.Hour)}
		v, err := NewBuiltin(BuiltinConfig{Trust: trust, Revocation: &OCSPThenCRL{OCSP: r, CRL: r}, Clock: clock.NewTest(now.Add(time.Minute))})
		if err != nil {
			t.Fatal(err)
		}
		sig, err := SignCMS(contract, cert, key, now, true)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := v.Verify(context.Background(), VerifyRequest{Signature: sig, Document: contract, Expect: SignerExpectation{IIN: "900101300017"}})
		if (tc.err == nil) != (err == nil) || (tc.err != nil && !errors.Is(err, tc.err)) {
			t.Errorf("OCSP status %d: %v", tc.status, err)
		}
		if len(ev.Revocation.Request) == 0 || len(ev.Revocation.Response) == 0 || r.crlCalls != 0 {
			t.Errorf("OCSP status %d: evidence %+v", tc.status, ev.Revocation)
		}
	}
}
