package audit

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"

	"nesie.kz/nesie/internal/keyfile"
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

// LoadKey reads the checkpoint key at path (internal/keyfile's format). The file must not be
// readable by group or others: a key that anyone on the machine can read signs nothing worth
// trusting.
func LoadKey(path string) (*Key, error) {
	priv, err := keyfile.Load("audit key", path)
	if err != nil {
		return nil, err
	}
	return &Key{priv: priv, ID: KeyID(priv.Public().(ed25519.PublicKey))}, nil
}

// LoadOrCreateKey loads the key at path, creating a new one (mode 0600) when the file does
// not exist. The demo uses it; production should provision the key and use LoadKey.
func LoadOrCreateKey(path string) (*Key, error) {
	priv, err := keyfile.LoadOrCreate("audit key", path)
	if err != nil {
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
