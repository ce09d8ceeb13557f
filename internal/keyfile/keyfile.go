// Package keyfile keeps the Ed25519 signing keys Nesie holds outside the database — the
// audit checkpoint key, the receipt key — in one file format: a PEM "PRIVATE KEY" block of
// a PKCS#8 Ed25519 key, in a file only its owner may read.
package keyfile

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Load reads the key at path; what names the key in errors ("audit key"). A file that group
// or others can read is refused: a key anyone on the machine can read signs nothing worth
// trusting.
func Load(what, path string) (ed25519.PrivateKey, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s %s: permissions %v let others read it; chmod 600", what, path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%s %s: want a PEM \"PRIVATE KEY\" block", what, path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s %s: want an Ed25519 key, got %T", what, path, k)
	}
	return priv, nil
}

// LoadOrCreate loads the key at path, creating a new one (mode 0600) when the file does not
// exist. The demo uses it; production provisions its keys and uses Load.
func LoadOrCreate(what, path string) (ed25519.PrivateKey, error) {
	k, err := Load(what, path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return priv, nil
}
