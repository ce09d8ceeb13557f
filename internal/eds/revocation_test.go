package eds

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// testResponder is an OCSP responder and CRL distribution point of a self-made CA: the real
// НУЦ responses are fixed files, these answer each request with its own nonce.
type testResponder struct {
	ca *testCA
	// signer signs the responses; nil means the CA itself. signerCert is embedded when set.
	signer     crypto.Signer
	signerCert *x509.Certificate

	status      int // ocsp.Good, ocsp.Revoked, ocsp.Unknown
	revokedAt   time.Time
	reason      int
	age         time.Duration // how old thisUpdate is
	wrongNonce  bool
	noNonce     bool
	unreachable bool
	tryLater    bool
	garbage     bool

	crlRevoked     []x509.RevocationListEntry
	crlUnreachable bool
	now            func() time.Time

	ocspCalls, crlCalls int
}

func (r *testResponder) FetchOCSP(_ context.Context, cert *x509.Certificate, req []byte) ([]byte, error) {
	r.ocspCalls++
	switch {
	case r.unreachable:
		return nil, fmt.Errorf("dial tcp: connection refused: %w", ErrUnreachable)
	case r.tryLater:
		return []byte{0x30, 0x03, 0x0a, 0x01, 0x03}, nil
	case r.garbage:
		return []byte("<html>502</html>"), nil
	}
	parsed, err := ocsp.ParseRequest(req)
	if err != nil {
		return nil, err
	}
	if parsed.SerialNumber.Cmp(cert.SerialNumber) != 0 {
		return nil, errors.New("request for another certificate")
	}
	nonce, err := parseRequestNonce(req)
	if err != nil {
		return nil, err
	}
	if r.wrongNonce {
		nonce = append([]byte{0xff}, nonce[1:]...)
	}
	var exts []pkix.Extension
	if !r.noNonce {
		value, _ := asn1.Marshal(nonce)
		exts = append(exts, pkix.Extension{Id: oidOCSPNonce, Value: value})
	}
	now := r.now()
	tmpl := ocsp.Response{
		Status: r.status, SerialNumber: cert.SerialNumber, IssuerHash: crypto.SHA256,
		ThisUpdate: now.Add(-r.age), NextUpdate: now.Add(-r.age + time.Hour),
		RevokedAt: r.revokedAt, RevocationReason: r.reason, ExtraExtensions: exts,
		Certificate: r.signerCert,
	}
	signer := r.signer
	if signer == nil {
		signer = r.ca.key
	}
	return ocsp.CreateResponse(r.ca.cert, r.ca.cert, tmpl, signer)
}

func (r *testResponder) FetchCRL(_ context.Context, _ *x509.Certificate) ([]byte, error) {
	r.crlCalls++
	if r.crlUnreachable {
		return nil, fmt.Errorf("GET crl: timeout: %w", ErrUnreachable)
	}
	now := r.now()
	return x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(1), ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(time.Hour),
		RevokedCertificateEntries: r.crlRevoked,
	}, r.ca.cert, r.ca.key)
}

func TestOCSPThenCRL(t *testing.T) {
	// ocsp.CreateResponse stamps producedAt with the real clock, so the test CA lives now.
	now := time.Now().UTC().Truncate(time.Second)
	ca := newTestCA(t, "REVOCATION TEST CA", now.Add(-24*time.Hour), now.Add(24*time.Hour))
	leaf := ca.issue(t, individualTemplate("900101300017", PurposeSign), newECKey(t).Public())
	delegate := newECKey(t)
	ocspCert := ca.issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "OCSP RESPONDER"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}}, delegate.Public())
	notOCSP := ca.issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "NOT A RESPONDER"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, delegate.Public())
	revokedAt := now.Add(-48 * time.Hour).Truncate(time.Second)

	for _, tc := range []struct {
		name    string
		r       testResponder
		status  RevocationStatus
		source  RevocationSource
		err     error
		wantCRL bool
	}{
		{name: "good", r: testResponder{status: ocsp.Good}, status: StatusGood, source: SourceOCSP},
		{name: "good from a delegated responder", r: testResponder{status: ocsp.Good, signer: delegate, signerCert: ocspCert}, status: StatusGood, source: SourceOCSP},
		{name: "delegate without OCSPSigning", r: testResponder{status: ocsp.Good, signer: delegate, signerCert: notOCSP}, err: ErrRevocationUnknown, source: SourceOCSP},
		{name: "revoked", r: testResponder{status: ocsp.Revoked, revokedAt: revokedAt, reason: ocsp.KeyCompromise}, err: ErrRevoked, status: StatusRevoked, source: SourceOCSP},
		{name: "unknown", r: testResponder{status: ocsp.Unknown}, err: ErrRevocationUnknown, status: StatusUnknown, source: SourceOCSP},
		{name: "wrong nonce", r: testResponder{status: ocsp.Good, wrongNonce: true}, err: ErrRevocationUnknown, source: SourceOCSP},
		{name: "no nonce (a replayed answer)", r: testResponder{status: ocsp.Good, noNonce: true}, err: ErrRevocationUnknown, source: SourceOCSP},
		{name: "stale", r: testResponder{status: ocsp.Good, age: 2 * time.Hour}, err: ErrRevocationUnknown, source: SourceOCSP},
		{name: "garbage is not unreachable: no CRL", r: testResponder{garbage: true}, err: ErrRevocationUnknown, source: SourceOCSP},
		{name: "unreachable, CRL good", r: testResponder{unreachable: true}, status: StatusGood, source: SourceCRL, wantCRL: true},
		{name: "tryLater, CRL good", r: testResponder{tryLater: true}, status: StatusGood, source: SourceCRL, wantCRL: true},
		{name: "unreachable, CRL lists it", r: testResponder{unreachable: true, crlRevoked: []x509.RevocationListEntry{{SerialNumber: leaf.SerialNumber, RevocationTime: revokedAt, ReasonCode: 1}}},
			err: ErrRevoked, status: StatusRevoked, source: SourceCRL, wantCRL: true},
		{name: "both unreachable", r: testResponder{unreachable: true, crlUnreachable: true}, err: ErrRevocationUnknown, source: SourceCRL, wantCRL: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r
			r.ca, r.now = ca, func() time.Time { return now }
			checker := &OCSPThenCRL{OCSP: &r, CRL: &r, MaxAge: time.Hour, Skew: time.Minute}
			ev, err := checker.CheckRevocation(context.Background(), leaf, ca.cert, now)
			if (tc.err == nil) != (err == nil) || (tc.err != nil && !errors.Is(err, tc.err)) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if tc.status != "" && ev.Status != tc.status {
				t.Errorf("status %s, want %s", ev.Status, tc.status)
			}
			if err != nil && ev.Status == StatusGood {
				t.Error("an error with a good status")
			}
			if ev.Source != tc.source || (r.crlCalls > 0) != tc.wantCRL {
				t.Errorf("source %s, CRL asked %d times", ev.Source, r.crlCalls)
			}
			if tc.source == SourceOCSP && len(ev.Request) == 0 {
				t.Error("the OCSP request is not in the evidence")
			}
			if tc.source == SourceOCSP && r.ocspCalls == 1 && !r.unreachable && len(ev.Response) == 0 {
				t.Error("the OCSP response is not in the evidence")
			}
			if tc.source == SourceCRL && ev.OCSPFailure == "" {
				t.Error("the evidence does not say why OCSP was not used")
			}
			var revoked *RevokedError
			if errors.As(err, &revoked) && (!revoked.RevokedAt.Equal(revokedAt) || revoked.Reason != 1) {
				t.Errorf("revoked at %s reason %d", revoked.RevokedAt, revoked.Reason)
			}
		})
	}
	t.Run("each request has a fresh nonce", func(t *testing.T) {
		r := testResponder{ca: ca, now: func() time.Time { return now }, status: ocsp.Good}
		checker := &OCSPThenCRL{OCSP: &r}
		ev1, err1 := checker.CheckRevocation(context.Background(), leaf, ca.cert, now)
		ev2, err2 := checker.CheckRevocation(context.Background(), leaf, ca.cert, now)
		if err1 != nil || err2 != nil || len(ev1.Nonce) != nonceSize || bytes.Equal(ev1.Nonce, ev2.Nonce) {
			t.Errorf("nonces %X %X: %v %v", ev1.Nonce, ev2.Nonce, err1, err2)
		}
	})
	t.Run("no fallback configured", func(t *testing.T) {
		r := testResponder{ca: ca, now: func() time.Time { return now }, unreachable: true}
		_, err := (&OCSPThenCRL{OCSP: &r}).CheckRevocation(context.Background(), leaf, ca.cert, now)
		if !errors.Is(err, ErrRevocationUnknown) {
			t.Errorf("got %v", err)
		}
	})
}
