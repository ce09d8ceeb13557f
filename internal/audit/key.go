package audit

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Key signs checkpoints. It lives in a file the configuration names, never in the database:
// whoever can rewrite the database still cannot forge a checkpoint.
type Key struct {
	priv ed25519.PrivateKey
	ID   string
}

// KeyID names a public key: the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// Public returns the verifying half of k.
func (k *Key) Public() ed25519.PublicKey { return k.priv.Public().(ed25519.PublicKey) }

// LoadKey reads a PEM PKCS#8 Ed25519 private key. The file must not be readable by group or
// others: a key that anyone on the machine can read signs nothing worth trusting.
func LoadKey(path string) (*Key, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("audit key %s: permissions %v let others read it; chmod 600", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("audit key %s: want a PEM \"PRIVATE KEY\" block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("audit key %s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("audit key %s: want an Ed25519 key, got %T", path, k)
	}
	return &Key{priv: priv, ID: KeyID(priv.Public().(ed25519.PublicKey))}, nil
}

// LoadOrCreateKey loads the key at path, creating a new one (mode 0600) when the file does
// not exist. The demo uses it; production should provision the key and use LoadKey.
func LoadOrCreateKey(path string) (*Key, error) {
	k, err := LoadKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return &Key{priv: priv, ID: KeyID(priv.Public().(ed25519.PublicKey))}, nil
}

// PublicKeyPEM encodes pub for an auditor who verifies without the private key.
func PublicKeyPEM(pub ed25519.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// Keyring holds the public keys checkpoints may be signed with (several after a rotation).
type Keyring map[string]ed25519.PublicKey

// ParseKeyring reads PEM blocks: PUBLIC KEY (PKIX) or PRIVATE KEY (PKCS#8, its public half).
func ParseKeyring(b []byte) (Keyring, error) {
	ring := Keyring{}
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			break
		}
		var pub ed25519.PublicKey
		switch block.Type {
		case "PUBLIC KEY":
			k, err := x509.ParsePKIXPublicKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("public key: %w", err)
			}
			p, ok := k.(ed25519.PublicKey)
			if !ok {
				return nil, fmt.Errorf("public key: want Ed25519, got %T", k)
			}
			pub = p
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("private key: %w", err)
			}
			p, ok := k.(ed25519.PrivateKey)
			if !ok {
				return nil, fmt.Errorf("private key: want Ed25519, got %T", k)
			}
			pub = p.Public().(ed25519.PublicKey)
		default:
			continue
		}
		ring[KeyID(pub)] = pub
	}
	if len(ring) == 0 {
		return nil, errors.New("no Ed25519 key found in the PEM data")
	}
	return ring, nil
}
