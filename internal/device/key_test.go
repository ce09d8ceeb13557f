package device

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"testing"

	"nesie.kz/nesie/internal/fault"
)

func TestParseKeyAcceptsThePlatformsExports(t *testing.T) {
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	edDER, _ := x509.MarshalPKIXPublicKey(edPub)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	ecRaw, _ := ec.PublicKey.Bytes() // the uncompressed point iOS exports
	ec384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	ec384DER, _ := x509.MarshalPKIXPublicKey(&ec384.PublicKey)

	for _, tc := range []struct {
		name string
		alg  Algorithm
		raw  []byte
		want []byte // the stored DER; nil when refused
	}{
		{"ed25519 raw", Ed25519, edPub, edDER},
		{"ed25519 SPKI", Ed25519, edDER, edDER},
		{"p256 point", P256, ecRaw, ecDER},
		{"p256 SPKI", P256, ecDER, ecDER},
		{"ed25519 key named p256", P256, edDER, nil},
		{"p256 key named ed25519", Ed25519, ecDER, nil},
		{"p384", P256, ec384DER, nil},
		{"junk", P256, []byte("not a key at all, really not"), nil},
		{"point off the curve", P256, append([]byte{4}, make([]byte, 64)...), nil},
		{"rsa name", "rsa", edDER, nil},
	} {
		_, der, err := parseKey(tc.alg, tc.raw)
		switch {
		case tc.want == nil && !errors.Is(err, fault.ErrInvalid):
			t.Errorf("%s: %v, want refused as invalid", tc.name, err)
		case tc.want != nil && (err != nil || string(der) != string(tc.want)):
			t.Errorf("%s: %x, %v; want %x", tc.name, der, err, tc.want)
		}
	}
}
