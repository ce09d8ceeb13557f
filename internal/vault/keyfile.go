package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// The key file is a sequence of PEM blocks: one or more data keys, each with a Key-Id header,
// and exactly one index key. PEM keeps the file readable by an operator and lets keys be added
// by appending a block.
//
//	-----BEGIN NESIE VAULT KEY-----
//	Key-Id: 1
//
//	<base64 of 32 random bytes>
//	-----END NESIE VAULT KEY-----
//	-----BEGIN NESIE INDEX KEY-----
//	<base64 of 32 random bytes>
//	-----END NESIE INDEX KEY-----
const (
	dataBlock  = "NESIE VAULT KEY"
	indexBlock = "NESIE INDEX KEY"
	idHeader   = "Key-Id"
)

// ErrKeyFilePermissions is returned by LoadKeyFile for a key file that anyone but its owner
// can read or write.
var ErrKeyFilePermissions = errors.New("vault: key file must be readable by its owner only (chmod 600)")

// ParseKeyFile reads the keys of a key file's contents.
func ParseKeyFile(data []byte) (Keys, error) {
	var keys Keys
	var haveIndex bool
	rest := data
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if len(b.Bytes) != KeySize {
			return Keys{}, fmt.Errorf("vault key file: %s block holds %d bytes, want %d", b.Type, len(b.Bytes), KeySize)
		}
		switch b.Type {
		case dataBlock:
			id, err := strconv.ParseUint(b.Headers[idHeader], 10, 32)
			if err != nil || id == 0 {
				return Keys{}, fmt.Errorf("vault key file: %s block needs a %s header from 1 to 4294967295", dataBlock, idHeader)
			}
			k := Key{ID: uint32(id)}
			copy(k.Secret[:], b.Bytes)
			keys.Data = append(keys.Data, k)
		case indexBlock:
			if haveIndex {
				return Keys{}, errors.New("vault key file: more than one index key")
			}
			haveIndex = true
			copy(keys.Index[:], b.Bytes)
		default:
			return Keys{}, fmt.Errorf("vault key file: unexpected block %q", b.Type)
		}
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return Keys{}, errors.New("vault key file: text after the last key block")
	}
	if len(keys.Data) == 0 {
		return Keys{}, errors.New("vault key file: no data key")
	}
	if !haveIndex {
		return Keys{}, errors.New("vault key file: no index key")
	}
	return keys, nil
}

// LoadKeyFile opens the vault whose keys are in path, the production way: the file must exist
// and be private to its owner.
func LoadKeyFile(path string) (*Vault, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("vault key file: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %v", ErrKeyFilePermissions, path, st.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("vault key file: %w", err)
	}
	keys, err := ParseKeyFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return New(keys)
}

// LoadOrCreateKeyFile is LoadKeyFile, creating the file with fresh random keys (mode 0600)
// when it does not exist yet: the demo starts on a fresh machine with nothing configured.
// Production names a key file the operator made and backed up, and uses LoadKeyFile: a
// lost key file means every encrypted value is lost.
func LoadOrCreateKeyFile(path string) (*Vault, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		keys, err := NewKeys()
		if err != nil {
			return nil, err
		}
		if err := writeNew(path, EncodeKeyFile(keys)); err != nil {
			return nil, err
		}
	}
	return LoadKeyFile(path)
}

// NewKeys returns a fresh key set: data key 1 and an index key, from crypto/rand.
func NewKeys() (Keys, error) {
	keys := Keys{Data: []Key{{ID: 1}}}
	if _, err := rand.Read(keys.Data[0].Secret[:]); err != nil {
		return Keys{}, fmt.Errorf("vault: %w", err)
	}
	if _, err := rand.Read(keys.Index[:]); err != nil {
		return Keys{}, fmt.Errorf("vault: %w", err)
	}
	return keys, nil
}

// EncodeKeyFile returns the key file text of keys.
func EncodeKeyFile(keys Keys) []byte {
	var b bytes.Buffer
	for _, k := range keys.Data {
		_ = pem.Encode(&b, &pem.Block{Type: dataBlock, Headers: map[string]string{idHeader: strconv.FormatUint(uint64(k.ID), 10)}, Bytes: k.Secret[:]})
	}
	_ = pem.Encode(&b, &pem.Block{Type: indexBlock, Bytes: keys.Index[:]})
	return b.Bytes()
}

// AddKey adds a fresh data key to the key file at path, with the next id, and returns that id.
// Values sealed from then on use it; older ones still open, and Rewrap moves them over. The
// file is replaced atomically (write a temporary file, rename), keeping mode 0600.
func AddKey(path string) (uint32, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("vault key file: %w", err)
	}
	keys, err := ParseKeyFile(data)
	if err != nil {
		return 0, err
	}
	k := Key{}
	for _, old := range keys.Data {
		k.ID = max(k.ID, old.ID)
	}
	if k.ID == ^uint32(0) {
		return 0, errors.New("vault key file: key ids exhausted")
	}
	k.ID++
	if _, err := rand.Read(k.Secret[:]); err != nil {
		return 0, fmt.Errorf("vault: %w", err)
	}
	keys.Data = append(keys.Data, k)
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".new")
	_ = os.Remove(tmp)
	if err := writeNew(tmp, EncodeKeyFile(keys)); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return 0, fmt.Errorf("vault key file: %w", err)
	}
	return k.ID, nil
}

// writeNew creates path (it must not exist) with mode 0600 and syncs it.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("vault key file: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("vault key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("vault key file: %w", err)
	}
	return f.Close()
}
