package eds

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"math/big"
	"testing"
	"time"
)

const (
	ncaSignStore = "2018/individual_valid/RSA256_8426360556902ce4ac33977836f873e1dc190976.p12"
	ncaAuthStore = "2018/individual_valid/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12"
)

// contract is a document as the cabinet would ask the client to sign it.
var contract = []byte("ДОГОВОР О ПРЕДОСТАВЛЕНИИ МИКРОКРЕДИТА № 2019-000123\nСумма: 150 000,00 тенге\nСрок: 6 месяцев\n")

// signedAt2019 is inside the 2018 key's validity (2018-08-22 … 2019-08-22).
var signedAt2019 = time.Date(2019, 1, 1, 6, 0, 0, 0, time.UTC)

func ncaSigner(t testing.TB, store string) (crypto.Signer, *x509.Certificate) {
	t.Helper()
	key, cert, err := openNCAKeyStore(t, store)
	if err != nil {
		t.Fatal(err)
	}
	return key.(crypto.Signer), cert
}

func TestVerifyCMSWithNCAKey(t *testing.T) {
	key, cert := ncaSigner(t, ncaSignStore)
	for _, detached := range []bool{true, false} {
		sig, err := SignCMS(contract, cert, key, signedAt2019, detached)
		if err != nil {
			t.Fatal(err)
		}
		res, err := VerifyCMS(sig, contract, VerifyOptions{RequireSigningTime: true})
		if err != nil {
			t.Fatalf("detached=%v: %v", detached, err)
		}
		want := sha256.Sum256(contract)
		if !res.Signer.X509.Equal(cert) || !res.SigningTime.Equal(signedAt2019) || res.DigestAlgorithm != crypto.SHA256 ||
			!bytes.Equal(res.ContentDigest, want[:]) || !bytes.Equal(res.Content, contract) || res.SignedData.Detached != detached {
			t.Errorf("detached=%v: result %+v", detached, res)
		}
		if !detached {
			// An attached signature carries its document; verifying without one uses it.
			if res, err := VerifyCMS(sig, nil, VerifyOptions{}); err != nil || !bytes.Equal(res.Content, contract) {
				t.Errorf("attached without document: %v", err)
			}
		}
	}
}

// Every RSA and ECDSA form VerifyCMS claims to accept, made by the signer and checked.
func TestVerifyCMSAlgorithms(t *testing.T) {
	key, cert := ncaSigner(t, ncaSignStore)
	for _, p := range []signParams{
		{hash: crypto.SHA256, pss: true}, {hash: crypto.SHA384}, {hash: crypto.SHA384, pss: true}, {hash: crypto.SHA512}, {hash: crypto.SHA512, pss: true},
	} {
		sig, err := signCMS(contract, cert, key, signedAt2019, true, p)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := VerifyCMS(sig, contract, VerifyOptions{}); err != nil || res.DigestAlgorithm != p.hash {
			t.Errorf("RSA %v pss=%v: %v", p.hash, p.pss, err)
		}
	}
	ca := newTestCA(t, "ECDSA TEST CA", signedAt2019.Add(-time.Hour), signedAt2019.Add(time.Hour))
	for _, curve := range []elliptic.Curve{elliptic.P256(), elliptic.P384()} {
		ecKey, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		ecCert := ca.issue(t, individualTemplate("900101300017", PurposeSign), ecKey.Public())
		for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512} {
			sig, err := signCMS(contract, ecCert, ecKey, signedAt2019, false, signParams{hash: h})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := VerifyCMS(sig, contract, VerifyOptions{}); err != nil {
				t.Errorf("ECDSA %s %v: %v", curve.Params().Name, h, err)
			}
			sig[len(sig)-5] ^= 1 // inside the ECDSA signature, the last field
			if _, err := VerifyCMS(sig, contract, VerifyOptions{}); !errors.Is(err, ErrBadSignature) {
				t.Errorf("ECDSA %s %v tampered: %v", curve.Params().Name, h, err)
			}
		}
	}
}

// R11: a document changed after signing, even by one byte, is detected.
func TestR11_AlteredDocumentDetected(t *testing.T) {
	key, cert := ncaSigner(t, ncaSignStore)
	detached, err := SignCMS(contract, cert, key, signedAt2019, true)
	if err != nil {
		t.Fatal(err)
	}
	attached, err := SignCMS(contract, cert, key, signedAt2019, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, len(contract) / 2, len(contract) - 1} {
		altered := bytes.Clone(contract)
		altered[i] ^= 0x01
		if _, err := VerifyCMS(detached, altered, VerifyOptions{}); !errors.Is(err, ErrContentMismatch) {
			t.Errorf("detached, byte %d changed: %v", i, err)
		}
		if _, err := VerifyCMS(attached, altered, VerifyOptions{}); !errors.Is(err, ErrContentMismatch) {
			t.Errorf("attached vs altered document, byte %d: %v", i, err)
		}
		// The attached content itself altered inside the signature.
		j := bytes.Index(attached, contract)
		inside := bytes.Clone(attached)
		inside[j+i] ^= 0x01
		if _, err := VerifyCMS(inside, nil, VerifyOptions{}); !errors.Is(err, ErrContentMismatch) {
			t.Errorf("attached content altered, byte %d: %v", i, err)
		}
	}
	if _, err := VerifyCMS(detached, append(bytes.Clone(contract), ' '), VerifyOptions{}); !errors.Is(err, ErrContentMismatch) {
		t.Errorf("one byte appended: %v", err)
	}
	if _, err := VerifyCMS(detached, nil, VerifyOptions{}); !errors.Is(err, ErrContentMismatch) {
		t.Errorf("detached without a document: %v", err)
	}
}

// Tampering with the signed attributes or the signature value breaks the signature.
func TestVerifyCMSTamperedSignature(t *testing.T) {
	key, cert := ncaSigner(t, ncaSignStore)
	sig, err := SignCMS(contract, cert, key, signedAt2019, true)
	if err != nil {
		t.Fatal(err)
	}
	// The signing time as UTCTime "190101060000Z": move it one hour.
	i := bytes.Index(sig, []byte("190101060000Z"))
	if i < 0 {
		t.Fatal("signing time not found")
	}
	moved := bytes.Clone(sig)
	moved[i+7] = '7'
	if _, err := VerifyCMS(moved, contract, VerifyOptions{}); !errors.Is(err, ErrBadSignature) {
		t.Errorf("signing time moved: %v", err)
	}
	flipped := bytes.Clone(sig)
	flipped[len(flipped)-1] ^= 0x80 // last byte of the RSA signature value
	if _, err := VerifyCMS(flipped, contract, VerifyOptions{}); !errors.Is(err, ErrBadSignature) {
		t.Errorf("signature value flipped: %v", err)
	}
}

// The signing-certificate attribute binds the signature to one certificate: another
// certificate for the same key, issuer and serial (a CA error) is refused; a different serial
// is not the signer at all.
func TestVerifyCMSSignerCertificateBinding(t *testing.T) {
	ca := newTestCA(t, "BINDING TEST CA", signedAt2019.Add(-time.Hour), signedAt2019.Add(time.Hour))
	key := newECKey(t)
	serial := nextSerial()
	// The CA's ECDSA signatures vary in length; issue until the lengths match, so that the
	// certificates can be swapped inside the CMS without re-encoding it.
	issueLike := func(cn string, serial *big.Int, length int) *x509.Certificate {
		for range 50 {
			tmpl := individualTemplate("900101300017", PurposeSign)
			tmpl.Subject.CommonName, tmpl.SerialNumber = cn, serial
			c := ca.issue(t, tmpl, key.Public())
			if length == 0 || len(c.Raw) == length {
				return c
			}
		}
		t.Fatal("could not issue a certificate of the same length")
		return nil
	}
	first := issueLike("АЙДАР A", serial, 0)
	twin := issueLike("АЙДАР B", serial, len(first.Raw))
	other := issueLike("АЙДАР A", new(big.Int).Add(serial, big.NewInt(1)), len(first.Raw))
	sig, err := SignCMS(contract, first, key, signedAt2019, true)
	if err != nil {
		t.Fatal(err)
	}
	swapped := bytes.Replace(sig, first.Raw, twin.Raw, 1)
	if _, err := VerifyCMS(swapped, contract, VerifyOptions{}); !errors.Is(err, ErrBadSignature) {
		t.Errorf("twin certificate: %v", err)
	}
	if _, err := VerifyCMS(bytes.Replace(sig, first.Raw, other.Raw, 1), contract, VerifyOptions{}); !errors.Is(err, ErrSignerNotFound) {
		t.Errorf("other serial: %v", err)
	}
}

func TestVerifyCMSRefusesShortRSAKey(t *testing.T) {
	ca := newTestCA(t, "SHORT KEY CA", signedAt2019.Add(-time.Hour), signedAt2019.Add(time.Hour))
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	cert := ca.issue(t, individualTemplate("900101300017", PurposeSign), key.Public())
	sig, err := SignCMS(contract, cert, key, signedAt2019, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyCMS(sig, contract, VerifyOptions{}); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("1024-bit RSA: %v", err)
	}
}

func TestVerifyCMSRequireSigningTime(t *testing.T) {
	key, cert := ncaSigner(t, ncaSignStore)
	sig, err := signCMS(contract, cert, key, signedAt2019, true, signParams{hash: crypto.SHA256, omitSigningTime: true})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := VerifyCMS(sig, contract, VerifyOptions{}); err != nil || !res.SigningTime.IsZero() {
		t.Errorf("without the option: %v", err)
	}
	if _, err := VerifyCMS(sig, contract, VerifyOptions{RequireSigningTime: true}); !errors.Is(err, ErrSigningTime) {
		t.Errorf("with the option: %v", err)
	}
}

func TestSignCMSRefusesAForeignKey(t *testing.T) {
	_, cert := ncaSigner(t, ncaSignStore)
	if _, err := SignCMS(contract, cert, newECKey(t), signedAt2019, true); err == nil {
		t.Error("SignCMS accepted a key that is not the certificate's")
	}
	if _, err := SignCMS(nil, cert, newECKey(t), signedAt2019, true); err == nil {
		t.Error("SignCMS accepted an empty document")
	}
}

func TestParseCMSRefusesGarbage(t *testing.T) {
	key, cert := ncaSigner(t, ncaSignStore)
	sig, err := SignCMS(contract, cert, key, signedAt2019, true)
	if err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string][]byte{
		"empty":         nil,
		"truncated":     sig[:len(sig)/2],
		"trailing byte": append(bytes.Clone(sig), 0),
		"a certificate": cert.Raw,
		"OCSP response": ncaFile(t, "current/ocsp/ocsp_response_individual_sign_2004.bin"),
		"endless BER":   bytes.Repeat([]byte{0x30, 0x80}, 200),
	} {
		if _, err := ParseCMS(in); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
