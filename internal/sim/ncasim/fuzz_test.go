package ncasim

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"math/big"
	"testing"

	"golang.org/x/crypto/ocsp"

	"nesie.kz/nesie/internal/eds"
)

// FuzzParseOCSPRequest: no input panics, and a request the responder accepts is read the same
// way by golang.org/x/crypto/ocsp: the same serial and issuer hashes.
func FuzzParseOCSPRequest(f *testing.F) {
	issuer := &x509.Certificate{RawSubject: []byte{0x30, 0}, RawSubjectPublicKeyInfo: mustSPKI(f)}
	for _, nonce := range [][]byte{[]byte("0123456789abcdef"), {1}} {
		req, err := eds.BuildOCSPRequest(big.NewInt(0x1234567), issuer, crypto.SHA256, nonce)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(req)
	}
	plain, err := ocsp.CreateRequest(&x509.Certificate{SerialNumber: big.NewInt(42)}, issuer, &ocsp.RequestOptions{Hash: crypto.SHA1})
	if err == nil {
		f.Add(plain)
	}
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		got, err := ParseOCSPRequest(der)
		if err != nil {
			return
		}
		ref, err := ocsp.ParseRequest(der)
		if err != nil {
			return // x/crypto is stricter about hash algorithms; nothing was wrongly accepted
		}
		if ref.SerialNumber.Cmp(got.Serial) != 0 || !bytes.Equal(ref.IssuerNameHash, got.IssuerNameHash) ||
			!bytes.Equal(ref.IssuerKeyHash, got.IssuerKeyHash) {
			t.Fatalf("read differently: ours %+v, x/crypto %+v", got, ref)
		}
	})
}

// mustSPKI is a SubjectPublicKeyInfo for a made-up issuer.
func mustSPKI(f *testing.F) []byte {
	key, err := newECKey()
	if err != nil {
		f.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		f.Fatal(err)
	}
	return der
}
