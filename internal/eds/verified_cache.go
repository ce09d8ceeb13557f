package eds

import (
	"bytes"
	"crypto/x509"
	"slices"
	"sync"
	"time"
)

// Why these caches exist: verifying one client signature used to cost five P-256 (or RSA)
// signature checks, and three of them proved, on every call, facts about bytes that never
// change: that the issuing CA signed this client's certificate, that the root signed the
// issuing CA, and that the issuing CA certified its OCSP responder. The caches remember those
// facts, keyed by the exact DER bytes involved, and nothing else:
//
//   - validity is compared with the time given on every call (a cached chain is only served
//     inside the window where every one of its certificates is valid; outside it the chain is
//     verified afresh, which refuses an expired certificate with the usual error);
//   - revocation is asked on every call, with a fresh nonce; no OCSP answer is cached;
//   - the signer's signature over the document and the OCSP response's own signature are
//     checked on every call.
//
// Only successes are stored, so a cache can make a verification cheaper, never more lenient.

// Bounds of the caches. A chain entry is keyed by a client certificate's DER (one or two
// kilobytes) and points at issuers shared by all, so a few thousand clients signing in the
// same hours fit in some megabytes; responders are few.
const (
	maxCachedChains     = 4096
	maxCachedResponders = 64
)

// boundedCache is a concurrency-safe map from exact DER bytes to what was proved about them,
// holding at most limit entries. When full, an arbitrary entry makes room: the cost of a miss
// is one verification, so no eviction order is worth its bookkeeping. The zero value is ready.
type boundedCache[V any] struct {
	limit int
	mu    sync.Mutex
	m     map[string]V
}

func (c *boundedCache[V]) get(der []byte) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[string(der)]
	return v, ok
}

func (c *boundedCache[V]) put(der []byte, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]V)
	}
	if _, ok := c.m[string(der)]; !ok && len(c.m) >= c.limitOrDefault() {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[string(der)] = v
}

// limitOrDefault is the bound; unset, it is the responders' (OCSPThenCRL's zero value holds
// a zero responderCache).
func (c *boundedCache[V]) limitOrDefault() int {
	if c.limit > 0 {
		return c.limit
	}
	return maxCachedResponders
}

// len is the number of entries, for tests.
func (c *boundedCache[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// verifiedChain is what VerifyChain proved for a leaf: the issuers up to the trusted root, and
// the window in which every certificate of the chain, the leaf included, is valid.
type verifiedChain struct {
	issuers             []*x509.Certificate
	notBefore, notAfter time.Time
}

// chainCache remembers the chains VerifyChain accepted, by the leaf's exact DER. It belongs to
// one Builtin, whose trust store never changes, so a chain that reached a trusted root once
// still does; only the time can make it invalid.
type chainCache struct {
	boundedCache[verifiedChain]
}

func newChainCache() *chainCache {
	return &chainCache{boundedCache[verifiedChain]{limit: maxCachedChains}}
}

// verify is VerifyChain with the cache in front: a leaf whose chain was verified before, asked
// about a time inside that chain's validity window, gets the same issuers without their
// signatures being checked again. Anything else is verified in full (and remembered when
// accepted). The chain returned starts with leaf.X509 itself, as VerifyChain's does.
func (c *chainCache) verify(leaf *Certificate, bag []*Certificate, trust *Trust, at time.Time) ([]*x509.Certificate, error) {
	if c == nil || leaf == nil || leaf.X509 == nil || leaf.Partial {
		return VerifyChain(leaf, bag, trust, at)
	}
	// The same bounds as crypto/x509's: valid from NotBefore to NotAfter, both included.
	if e, ok := c.get(leaf.X509.Raw); ok && !at.Before(e.notBefore) && !at.After(e.notAfter) {
		return append([]*x509.Certificate{leaf.X509}, e.issuers...), nil
	}
	chain, err := VerifyChain(leaf, bag, trust, at)
	if err != nil {
		return nil, err
	}
	e := verifiedChain{issuers: slices.Clone(chain[1:]), notBefore: chain[0].NotBefore, notAfter: chain[0].NotAfter}
	for _, x := range e.issuers {
		if x.NotBefore.After(e.notBefore) {
			e.notBefore = x.NotBefore
		}
		if x.NotAfter.Before(e.notAfter) {
			e.notAfter = x.NotAfter
		}
	}
	c.put(leaf.X509.Raw, e)
	return chain, nil
}

// verifiedResponder is an OCSP responder certificate whose signature by issuer was checked.
type verifiedResponder struct {
	issuer    []byte // the issuer's exact DER
	responder *Certificate
}

// responderCache remembers delegated OCSP responder certificates already verified as signed by
// the issuer asked about, by the responder's exact DER. The responder's purpose and validity
// are still checked on every response; only the issuer's signature over it is not re-checked.
type responderCache struct {
	boundedCache[verifiedResponder]
}

// lookup returns the parsed responder certificate der if issuer was already found to sign it.
func (c *responderCache) lookup(der []byte, issuer *x509.Certificate) (*Certificate, bool) {
	if c == nil {
		return nil, false
	}
	e, ok := c.get(der)
	if !ok || !bytes.Equal(e.issuer, issuer.Raw) || !bytes.Equal(e.responder.X509.Raw, der) {
		return nil, false
	}
	return e.responder, true
}

func (c *responderCache) remember(responder *Certificate, issuer *x509.Certificate) {
	if c != nil {
		c.put(responder.X509.Raw, verifiedResponder{issuer: bytes.Clone(issuer.Raw), responder: responder})
	}
}
