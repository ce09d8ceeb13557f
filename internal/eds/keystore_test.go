package eds

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"testing"
	"unicode/utf16"

	"software.sslmate.com/src/go-pkcs12"
)

// The НУЦ key stores are written by a Java encoder in BER: indefinite lengths inside the
// MAC-protected content and a chunked encrypted content. go-pkcs12 reads DER only and fails with
// "indefinite length found (not DER)". The test helpers below verify the original MAC with the
// password, re-encode the layers that can be reached without decrypting to DER, put a new MAC
// over the re-encoded content and hand the result to pkcs12.DecodeChain, which still does the
// decryption (3DES key bag, RC2-40 certificate bag) and the key and certificate parsing.

const ncaKeyStorePassword = "Qwerty12"

var (
	oidPKCS7Data          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidPKCS7EncryptedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 6}
	oidKeyBag             = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
)

type pfxPDU struct {
	Version  int
	AuthSafe contentInfoRaw
	MacData  struct {
		Mac struct {
			Algorithm pkix.AlgorithmIdentifier
			Digest    []byte
		}
		Salt       []byte
		Iterations int `asn1:"optional,default:1"`
	}
}

type contentInfoRaw struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue // [0] EXPLICIT
}

func explicit0(inner []byte) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner}
}

// openNCAKeyStore decodes a НУЦ .p12 with pkcs12.DecodeChain after re-encoding it to DER.
func openNCAKeyStore(t testing.TB, rel string) (key any, cert *x509.Certificate, err error) {
	t.Helper()
	der, err := ncaKeyStoreDER(ncaFile(t, rel), ncaKeyStorePassword, nil)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	key, cert, _, err = pkcs12.DecodeChain(der, ncaKeyStorePassword)
	return key, cert, err
}

// ncaKeyStoreCertificate reads only the certificate of a key store whose key Go cannot parse
// (GOST): the key bag is swapped for a throwaway key so that DecodeChain reaches the
// certificate bag. The throwaway key is never used.
func ncaKeyStoreCertificate(t testing.TB, rel string) *x509.Certificate {
	t.Helper()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(newECKey(t))
	if err != nil {
		t.Fatal(err)
	}
	der, err := ncaKeyStoreDER(ncaFile(t, rel), ncaKeyStorePassword, pkcs8)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	_, cert, _, err := pkcs12.DecodeChain(der, ncaKeyStorePassword)
	if err != nil {
		t.Fatalf("%s: certificate bag: %v", rel, err)
	}
	return cert
}

// ncaKeyStoreDER returns raw re-encoded in DER with a fresh MAC. With replaceKey set, the
// unencrypted (key) content is replaced by a key bag holding that PKCS #8 key.
func ncaKeyStoreDER(raw []byte, password string, replaceKey []byte) ([]byte, error) {
	outer, err := normalizeBER(raw)
	if err != nil {
		return nil, err
	}
	var pfx pfxPDU
	if _, err := asn1.Unmarshal(outer, &pfx); err != nil {
		return nil, fmt.Errorf("PFX: %w", err)
	}
	var content []byte
	if _, err := asn1.Unmarshal(pfx.AuthSafe.Content.Bytes, &content); err != nil {
		return nil, fmt.Errorf("authSafe: %w", err)
	}
	pw := bmpPassword(password)
	macKey := pkcs12KDF(pfx.MacData.Salt, pw, pfx.MacData.Iterations, 3, 20)
	if !hmac.Equal(hmacSHA1(macKey, content), pfx.MacData.Mac.Digest) {
		return nil, errors.New("MAC does not verify: wrong password or damaged file")
	}
	innerDER, err := normalizeBER(content)
	if err != nil {
		return nil, err
	}
	var cis []contentInfoRaw
	if _, err := asn1.Unmarshal(innerDER, &cis); err != nil {
		return nil, fmt.Errorf("authenticated safe: %w", err)
	}
	var out []asn1.RawValue
	for _, ci := range cis {
		body := ci.Content.Bytes
		switch {
		case ci.ContentType.Equal(oidPKCS7Data) && replaceKey != nil:
			continue
		case ci.ContentType.Equal(oidPKCS7Data):
			if body, err = derSafeContents(body); err != nil {
				return nil, err
			}
		case ci.ContentType.Equal(oidPKCS7EncryptedData):
			if body, err = joinEncryptedContent(body); err != nil {
				return nil, err
			}
		}
		out = append(out, asn1.RawValue{FullBytes: mustMarshal(contentInfoRaw{ci.ContentType, explicit0(body)})})
	}
	if replaceKey != nil {
		bag := mustMarshal(struct {
			ID    asn1.ObjectIdentifier
			Value asn1.RawValue
		}{oidKeyBag, explicit0(replaceKey)})
		safe := mustMarshal([]asn1.RawValue{{FullBytes: bag}})
		out = append(out, asn1.RawValue{FullBytes: mustMarshal(contentInfoRaw{oidPKCS7Data, explicit0(mustMarshal(safe))})})
	}
	newContent := mustMarshal(out)
	pfx.MacData.Mac.Digest = hmacSHA1(macKey, newContent)
	pfx.AuthSafe.Content = explicit0(mustMarshal(newContent))
	return asn1.Marshal(pfx)
}

// derSafeContents re-encodes the SafeContents inside a data content info.
func derSafeContents(body []byte) ([]byte, error) {
	var safe []byte
	if _, err := asn1.Unmarshal(body, &safe); err != nil {
		return nil, fmt.Errorf("data content: %w", err)
	}
	safeDER, err := normalizeBER(safe)
	if err != nil {
		return nil, err
	}
	return mustMarshal(safeDER), nil
}

// joinEncryptedContent turns a chunked [0] IMPLICIT encryptedContent into one primitive value.
func joinEncryptedContent(body []byte) ([]byte, error) {
	var ed struct {
		Version int
		Info    struct {
			ContentType asn1.ObjectIdentifier
			Algorithm   asn1.RawValue
			Content     asn1.RawValue
		}
	}
	if _, err := asn1.Unmarshal(body, &ed); err != nil {
		return nil, fmt.Errorf("encrypted data: %w", err)
	}
	if ed.Info.Content.IsCompound {
		var joined []byte
		for rest := ed.Info.Content.Bytes; len(rest) > 0; {
			var chunk []byte
			var err error
			if rest, err = asn1.Unmarshal(rest, &chunk); err != nil {
				return nil, fmt.Errorf("encrypted content chunk: %w", err)
			}
			joined = append(joined, chunk...)
		}
		ed.Info.Content = asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, Bytes: joined}
	}
	return asn1.Marshal(ed)
}

func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func hmacSHA1(key, msg []byte) []byte {
	m := hmac.New(sha1.New, key)
	m.Write(msg)
	return m.Sum(nil)
}

// bmpPassword is the PKCS #12 password form: UTF-16BE with a terminating zero.
func bmpPassword(s string) []byte {
	var out []byte
	for _, r := range utf16.Encode([]rune(s)) {
		out = append(out, byte(r>>8), byte(r))
	}
	return append(out, 0, 0)
}

// pkcs12KDF is the key derivation of RFC 7292 Appendix B.2 with SHA-1 (u = 20, v = 64).
func pkcs12KDF(salt, password []byte, iterations int, id byte, size int) []byte {
	const u, v = 20, 64
	repeat := func(p []byte) []byte {
		if len(p) == 0 {
			return nil
		}
		out := make([]byte, v*((len(p)+v-1)/v))
		for i := range out {
			out[i] = p[i%len(p)]
		}
		return out
	}
	d := make([]byte, v)
	for i := range d {
		d[i] = id
	}
	in := append(repeat(salt), repeat(password)...)
	var out []byte
	for len(out) < size {
		sum := sha1.Sum(append(append([]byte{}, d...), in...))
		a := sum[:]
		for j := 1; j < iterations; j++ {
			s := sha1.Sum(a)
			a = s[:]
		}
		out = append(out, a...)
		b := new(big.Int).SetBytes(repeat(a)[:v])
		for j := 0; j < len(in)/v; j++ {
			block := new(big.Int).SetBytes(in[j*v : (j+1)*v])
			block.Add(block, b).Add(block, big.NewInt(1))
			bs := block.Bytes()
			if len(bs) > v {
				bs = bs[len(bs)-v:]
			}
			clear(in[j*v : (j+1)*v])
			copy(in[(j+1)*v-len(bs):(j+1)*v], bs)
		}
	}
	return out[:size]
}

// The helpers must reject a wrong password rather than decode garbage.
func TestNCAKeyStoreWrongPasswordRefused(t *testing.T) {
	_, err := ncaKeyStoreDER(ncaFile(t, "2018/individual_valid/RSA256_8426360556902ce4ac33977836f873e1dc190976.p12"), "Qwerty13", nil)
	if err == nil {
		t.Fatal("wrong password accepted")
	}
}

// The key stores really are BER: without the re-encoding go-pkcs12 cannot read them. If this
// starts passing, the helpers above can go.
func TestNCAKeyStoreIsBERForGoPKCS12(t *testing.T) {
	_, _, _, err := pkcs12.DecodeChain(ncaFile(t, "2018/individual_valid/RSA256_8426360556902ce4ac33977836f873e1dc190976.p12"), ncaKeyStorePassword)
	if err == nil {
		t.Fatal("go-pkcs12 now reads the BER key store directly; drop the re-encoding helpers")
	}
}
