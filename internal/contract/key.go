package contract

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"

	"nesie.kz/nesie/internal/keyfile"
)

// The receipt key is kept exactly like the audit checkpoint key (internal/audit/key.go): a PEM
// "PRIVATE KEY" block holding a PKCS#8 Ed25519 key, in a file only its owner may read, and
// named by KeyID. It is a separate file and a separate key: a receipt shown to a client must
// not be able to stand in for an audit checkpoint, nor the other way round.

// KeyID names a public key: the first 8 bytes of its SHA-256, in hex (the audit package's
// formula, so one tool lists both kinds of key alike).
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// LoadOrCreateSigningKey reads the receipt key at path, or creates it (mode 0600) when there
// is no such file. A file that group or others can read is refused.
func LoadOrCreateSigningKey(path string) (ed25519.PrivateKey, error) {
	return keyfile.LoadOrCreate("receipt key", path)
}

// LoadSigningKey reads the receipt key at path; production provisions it.
func LoadSigningKey(path string) (ed25519.PrivateKey, error) {
	return keyfile.Load("receipt key", path)
}
