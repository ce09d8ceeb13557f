package audit

import (
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheckpointFile feeds arbitrary file contents to the checkpoint reader and the signature
// check: nothing panics, and no line is accepted as signed unless the key really signed it.
func FuzzCheckpointFile(f *testing.F) {
	dir := f.TempDir()
	key, err := LoadOrCreateKey(filepath.Join(dir, "k.pem"))
	if err != nil {
		f.Fatal(err)
	}
	good := key.sign(7, make([]byte, 32), 1772424000000000)
	line, _ := json.Marshal(good)
	f.Add(string(line) + "\n")
	f.Add(`{"seq":1,"hash":"AAAA","signed_at":1,"key_id":"x","sig":"AAAA"}` + "\n")
	f.Add("not json\n\n{}")
	ring := Keyring{key.ID: key.Public()}
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(t.TempDir(), "cp.log")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		cps, err := NewCheckpointFile(path).ReadAll()
		if err != nil {
			return
		}
		for _, c := range cps {
			if c.Verify(ring) != nil {
				continue
			}
			// Accepted: it must be exactly a message the key signed.
			if !ed25519.Verify(key.Public(), c.message(), c.Signature) {
				t.Fatalf("accepted a checkpoint the key did not sign: %+v", c)
			}
		}
	})
}

// FuzzParseKeyring never panics on arbitrary PEM input.
func FuzzParseKeyring(f *testing.F) {
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ring, err := ParseKeyring(b)
		if err == nil && len(ring) == 0 {
			t.Fatal("an empty keyring without an error")
		}
	})
}
