package eds

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// cachedHierarchy is root → intermediate (valid 30 days from now) → two leaves of the same
// subject: one valid for a year (past the intermediate), one for 10 days.
type cachedHierarchy struct {
	now                time.Time
	root, inter        *testCA
	long, short        *x509.Certificate
	trust              *Trust
	interNotAfter, end time.Time
}

func newCachedHierarchy(t *testing.T) cachedHierarchy {
	t.Helper()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h := cachedHierarchy{now: now, root: newTestCA(t, "CACHE ROOT", now.AddDate(-5, 0, 0), now.AddDate(5, 0, 0))}
	interKey := newECKey(t)
	interCert := h.root.issue(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "CACHE INTERMEDIATE"}, NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(0, 0, 30),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}, interKey.Public())
	h.inter = &testCA{cert: interCert, key: interKey}
	long := individualTemplate("900101300017", PurposeSign)
	long.NotBefore, long.NotAfter = now.AddDate(0, 0, -1), now.AddDate(1, 0, 0)
	h.long = h.inter.issue(t, long, newECKey(t).Public())
	short := individualTemplate("900101300017", PurposeSign)
	short.NotBefore, short.NotAfter = now.AddDate(0, 0, -1), now.AddDate(0, 0, 10)
	h.short = h.inter.issue(t, short, newECKey(t).Public())
	var err error
	if h.trust, err = NewTrust([]*Certificate{wrap(h.root.cert)}, []*Certificate{wrap(interCert)}); err != nil {
		t.Fatal(err)
	}
	h.interNotAfter = interCert.NotAfter
	return h
}

// A cached chain is served only inside the window where every certificate of it is valid, with
// crypto/x509's bounds; outside it, the answer is the uncached one.
func TestChainCacheHonoursValidityAtEveryCall(t *testing.T) {
	h := newCachedHierarchy(t)
	c := newChainCache()
	for _, leaf := range []*x509.Certificate{h.long, h.short} {
		if _, err := c.verify(wrap(leaf), nil, h.trust, h.now); err != nil {
			t.Fatal(err)
		}
	}
	if c.len() != 2 {
		t.Fatalf("%d chains cached, want 2", c.len())
	}
	cases := []struct {
		name string
		leaf *x509.Certificate
		at   time.Time
		ok   bool
	}{
		{"short leaf at its NotAfter", h.short, h.short.NotAfter, true},
		{"short leaf a second after", h.short, h.short.NotAfter.Add(time.Second), false},
		{"short leaf before NotBefore", h.short, h.short.NotBefore.Add(-time.Second), false},
		{"long leaf at the intermediate's NotAfter", h.long, h.interNotAfter, true},
		{"long leaf after the intermediate expired", h.long, h.interNotAfter.Add(time.Second), false},
	}
	for _, tc := range cases {
		_, uncached := VerifyChain(wrap(tc.leaf), nil, h.trust, tc.at)
		_, cached := c.verify(wrap(tc.leaf), nil, h.trust, tc.at)
		if (uncached == nil) != tc.ok || (cached == nil) != tc.ok {
			t.Errorf("%s: uncached %v, cached %v, want ok=%v", tc.name, uncached, cached, tc.ok)
		}
		if !tc.ok && !errors.Is(cached, ErrNotValidAtSigningTime) {
			t.Errorf("%s: %v is not ErrNotValidAtSigningTime", tc.name, cached)
		}
	}
}

// The cache is keyed by the leaf's exact bytes: a certificate with the same subject (and even
// the same serial) from a CA of the same name but another key is verified, and refused.
func TestChainCacheKeyedByExactLeaf(t *testing.T) {
	h := newCachedHierarchy(t)
	c := newChainCache()
	if _, err := c.verify(wrap(h.long), nil, h.trust, h.now); err != nil {
		t.Fatal(err)
	}
	impostor := lookalikeCA(t, h.inter.cert) // the intermediate's name, another key
	tmpl := individualTemplate("900101300017", PurposeSign)
	tmpl.SerialNumber, tmpl.NotBefore, tmpl.NotAfter = h.long.SerialNumber, h.long.NotBefore, h.long.NotAfter
	for name, pub := range map[string]any{"same key": h.long.PublicKey, "other key": newECKey(t).Public()} {
		forged := impostor.issue(t, tmpl, pub)
		if string(forged.RawSubject) != string(h.long.RawSubject) || string(forged.RawIssuer) != string(h.long.RawIssuer) {
			t.Fatal("the forgery must look like the genuine certificate")
		}
		if _, err := c.verify(wrap(forged), nil, h.trust, h.now); !errors.Is(err, ErrUntrustedChain) {
			t.Errorf("%s: forged leaf %v", name, err)
		}
	}
	chain, err := c.verify(wrap(h.short), nil, h.trust, h.now)
	if err != nil || chain[0] == nil || string(chain[0].Raw) != string(h.short.Raw) {
		t.Fatalf("another genuine leaf of the same subject: %v", err)
	}
}

// The bound holds, and concurrent use is safe (run with -race).
func TestBoundedCacheBoundAndConcurrency(t *testing.T) {
	c := &boundedCache[int]{limit: 8}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				key := []byte(fmt.Sprint(g, "/", i))
				c.put(key, i)
				if v, ok := c.get(key); ok && v != i {
					t.Errorf("key %s holds %d", key, v)
				}
			}
		}()
	}
	wg.Wait()
	if c.len() > 8 {
		t.Fatalf("%d entries, limit 8", c.len())
	}
}

// The responder cache saves the issuer's signature over a delegated responder's certificate,
// and nothing else: a response whose status changed is read afresh, and a responder
// certificate remembered for one issuer is verified again for another.
func TestOCSPResponderCacheDecidesNothing(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	ca := newTestCA(t, "RESPONDER CA", now.Add(-24*time.Hour), now.Add(24*time.Hour))
	respKey := newECKey(t)
	respCert := ca.issue(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: "CACHE OCSP RESPONDER"}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning},
	}, respKey.Public())
	leaf := ca.issue(t, individualTemplate("900101300017", PurposeSign), newECKey(t).Public())
	r := &testResponder{ca: ca, signer: respKey, signerCert: respCert, now: func() time.Time { return now }, status: ocsp.Good}
	checker := &OCSPThenCRL{OCSP: r}
	if _, err := checker.CheckRevocation(context.Background(), leaf, ca.cert, now); err != nil {
		t.Fatalf("good: %v", err)
	}
	if checker.responders.len() != 1 {
		t.Fatalf("%d responders cached, want 1", checker.responders.len())
	}
	r.status, r.revokedAt = ocsp.Revoked, now.Add(-time.Minute)
	if _, err := checker.CheckRevocation(context.Background(), leaf, ca.cert, now); !errors.Is(err, ErrRevoked) {
		t.Fatalf("revoked after a good answer: %v", err)
	}
	// Another CA of the same name asks about its own certificate, and the answer comes signed
	// by the first CA's responder, whose certificate is in the cache.
	other := lookalikeCA(t, ca.cert)
	otherCert := other.cert
	otherLeaf := other.issue(t, individualTemplate("900101300017", PurposeSign), newECKey(t).Public())
	r2 := &testResponder{ca: other, signer: respKey, signerCert: respCert, now: func() time.Time { return now }, status: ocsp.Good}
	checker.OCSP = r2
	if _, err := checker.CheckRevocation(context.Background(), otherLeaf, otherCert, now); !errors.Is(err, ErrRevocationUnknown) {
		t.Fatalf("a responder certified by another issuer: %v", err)
	}
}

// lookalikeCA is a self-signed CA with exactly the subject of genuine, and its own key.
func lookalikeCA(t *testing.T, genuine *x509.Certificate) *testCA {
	t.Helper()
	key := newECKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(), RawSubject: genuine.RawSubject, NotBefore: genuine.NotBefore, NotAfter: genuine.NotAfter,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key}
}
