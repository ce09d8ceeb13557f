package vault

import (
	"bytes"
	mathrand "math/rand/v2"
	"testing"
)

// FuzzOpen feeds Open arbitrary ciphertexts and associated data: it must never panic, and
// nothing but the one genuine (ciphertext, aad) pair may open.
func FuzzOpen(f *testing.F) {
	v := mustNew(f, testKeys(f, 1, 2))
	// Repeatable randomness: the fuzzing workers rebuild genuine and must get the same bytes.
	v.random = mathrand.NewChaCha8([32]byte{9})
	aad := AAD("client", "phone", "row-1")
	genuine, err := v.Seal([]byte("+77012345678"), aad)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(genuine, aad)
	f.Add(genuine[:Overhead], aad)
	f.Add([]byte{}, []byte{})
	f.Add(append([]byte{2}, genuine[1:]...), aad)
	f.Add(bytes.Repeat([]byte{1}, Overhead+4), aad)
	f.Fuzz(func(t *testing.T, ct, ad []byte) {
		pt, err := v.Open(ct, ad)
		if err != nil {
			if pt != nil {
				t.Fatal("Open returned bytes with an error")
			}
			return
		}
		if !bytes.Equal(ct, genuine) || !bytes.Equal(ad, aad) {
			t.Fatalf("garbage opened: ct=%x aad=%x → %q", ct, ad, pt)
		}
		if string(pt) != "+77012345678" {
			t.Fatalf("genuine ciphertext opened to %q", pt)
		}
	})
}

// FuzzParseKeyFile checks the key-file parser never panics and that what it accepts builds a
// vault or is refused by New with an error, never half-accepted.
func FuzzParseKeyFile(f *testing.F) {
	f.Add(EncodeKeyFile(testKeys(f, 1, 7)))
	f.Add([]byte("-----BEGIN NESIE VAULT KEY-----\nKey-Id: 1\n\nAAAA\n-----END NESIE VAULT KEY-----\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := ParseKeyFile(data)
		if err != nil {
			return
		}
		if len(keys.Data) == 0 {
			t.Fatal("accepted a key file without data keys")
		}
		for _, k := range keys.Data {
			if k.ID == 0 {
				t.Fatal("accepted key id 0")
			}
		}
		if v, err := New(keys); err == nil {
			ct, err := v.Seal([]byte("x"), nil)
			if err != nil {
				t.Fatal(err)
			}
			if pt, err := v.Open(ct, nil); err != nil || string(pt) != "x" {
				t.Fatalf("round trip with parsed keys: %q, %v", pt, err)
			}
		}
	})
}
