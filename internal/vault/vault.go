// Package vault encrypts personal data at rest with keys the MFO holds (R37, DESIGN invariant
// 8). Each value is sealed with envelope encryption: a fresh 256-bit data key encrypts the
// value with AES-256-GCM, and the newest key-encryption key (KEK) from the operator's key file
// wraps the data key. The ciphertext names its format version and the KEK's id, so the
// operator can add a key and keep the old ones: new values use the newest key, old ones still
// open, and Rewrap moves an old value to the newest key by re-wrapping only its 32-byte data
// key. Associated data binds a ciphertext to the row and column it was written for, so a
// ciphertext copied into another row does not open.
//
// A blind index (HMAC-SHA256 under a separate key) lets the database look clients up by IIN,
// BIN or phone, and enforce their uniqueness, without holding them in clear.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
)

// KeySize is the length of every key the vault uses: AES-256 and a 256-bit HMAC key.
const KeySize = 32

// formatV1 is the first byte of every ciphertext this version writes.
const formatV1 byte = 1

// Layout of a v1 ciphertext:
//
//	version(1) | kek id(4, big-endian) | wrap nonce(12) | wrapped data key(32+16) | data nonce(12) | data ciphertext+tag(n+16)
const (
	headerLen  = 1 + 4
	nonceLen   = 12
	tagLen     = 16
	wrappedLen = KeySize + tagLen
	// Overhead is how many bytes Seal adds to a plaintext.
	Overhead = headerLen + nonceLen + wrappedLen + nonceLen + tagLen
)

// ErrOpen is returned for every ciphertext that does not open: wrong associated data (another
// row or column), an unknown key id, a truncated or altered ciphertext. The reasons are not
// told apart, so that a caller cannot be used as an oracle.
var ErrOpen = errors.New("vault: ciphertext does not open")

// Key is one key-encryption key with the id the ciphertexts it wraps carry.
type Key struct {
	ID     uint32
	Secret [KeySize]byte
}

// Keys is what a Vault is built from.
type Keys struct {
	// Data are the key-encryption keys; the one with the highest ID seals, any of them opens.
	Data []Key
	// Index is the HMAC key of the blind index. It never rotates: a new index key would
	// change every stored index value, and they cannot be recomputed without the clear
	// values (a migration that decrypts every row would; there is none yet).
	Index [KeySize]byte
}

// Vault seals and opens values and computes blind indexes. It is safe for concurrent use.
type Vault struct {
	keks    map[uint32]cipher.AEAD
	current uint32
	index   [KeySize]byte
	random  io.Reader // crypto/rand; tests make it repeatable
}

// New returns a Vault holding keys. It refuses an empty key set, duplicate ids, id 0 (kept
// free so that a zeroed header never names a real key) and an all-zero index key.
func New(keys Keys) (*Vault, error) {
	if len(keys.Data) == 0 {
		return nil, errors.New("vault: no data key")
	}
	if keys.Index == ([KeySize]byte{}) {
		return nil, errors.New("vault: index key is all zero")
	}
	v := &Vault{keks: make(map[uint32]cipher.AEAD, len(keys.Data)), index: keys.Index, random: rand.Reader}
	for _, k := range keys.Data {
		if k.ID == 0 {
			return nil, errors.New("vault: key id 0 is reserved")
		}
		if _, dup := v.keks[k.ID]; dup {
			return nil, fmt.Errorf("vault: key id %d appears twice", k.ID)
		}
		if k.Secret == ([KeySize]byte{}) {
			return nil, fmt.Errorf("vault: key %d is all zero", k.ID)
		}
		aead, err := newGCM(k.Secret[:])
		if err != nil {
			return nil, err
		}
		v.keks[k.ID] = aead
		v.current = max(v.current, k.ID)
	}
	return v, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return cipher.NewGCM(block)
}

// CurrentKeyID is the id of the key new values are sealed with.
func (v *Vault) CurrentKeyID() uint32 { return v.current }

// KeyIDs lists the ids of the keys the vault can open with, in increasing order.
func (v *Vault) KeyIDs() []uint32 {
	ids := make([]uint32, 0, len(v.keks))
	for id := range v.keks {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// Seal encrypts plaintext bound to aad (build it with AAD) under the newest key.
func (v *Vault) Seal(plaintext, aad []byte) ([]byte, error) {
	dataKey := make([]byte, KeySize)
	if _, err := io.ReadFull(v.random, dataKey); err != nil {
		return nil, fmt.Errorf("vault: data key: %w", err)
	}
	out := make([]byte, headerLen, Overhead+len(plaintext))
	out[0] = formatV1
	binary.BigEndian.PutUint32(out[1:headerLen], v.current)
	out, err := v.wrap(out, v.current, dataKey, aad)
	if err != nil {
		return nil, err
	}
	data, err := newGCM(dataKey)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, nonceLen)
	if _, err := io.ReadFull(v.random, nonce); err != nil {
		return nil, fmt.Errorf("vault: nonce: %w", err)
	}
	out = append(out, nonce...)
	return data.Seal(out, nonce, plaintext, boundAAD(out[:1], aad)), nil
}

// wrap appends the wrap nonce and the data key wrapped under kek id to out, whose first
// headerLen bytes are the header.
func (v *Vault) wrap(out []byte, id uint32, dataKey, aad []byte) ([]byte, error) {
	nonce := make([]byte, nonceLen)
	if _, err := io.ReadFull(v.random, nonce); err != nil {
		return nil, fmt.Errorf("vault: nonce: %w", err)
	}
	out = append(out, nonce...)
	return v.keks[id].Seal(out, nonce, dataKey, boundAAD(out[:headerLen], aad)), nil
}

// boundAAD is the associated data GCM authenticates: a prefix of the header followed by the
// caller's row-and-column binding. The wrap authenticates the whole header (version and key
// id cannot be swapped); the data part authenticates only the version, because its data key is
// used once and already bound to aad by the wrap — which is what lets Rewrap change the key
// id without re-encrypting the value.
func boundAAD(header, aad []byte) []byte {
	b := make([]byte, 0, len(header)+len(aad))
	return append(append(b, header...), aad...)
}

// Open decrypts a ciphertext Seal produced with the same aad. Anything else — another row's
// ciphertext, an altered byte, an unknown key — is ErrOpen.
func (v *Vault) Open(ciphertext, aad []byte) ([]byte, error) {
	dataKey, body, err := v.unwrap(ciphertext, aad)
	if err != nil {
		return nil, err
	}
	data, err := newGCM(dataKey)
	if err != nil {
		return nil, ErrOpen
	}
	pt, err := data.Open(nil, body[:nonceLen], body[nonceLen:], boundAAD(ciphertext[:1], aad))
	if err != nil {
		return nil, ErrOpen
	}
	if pt == nil {
		pt = []byte{}
	}
	return pt, nil
}

// unwrap checks the header and returns the data key and the rest (data nonce and
// ciphertext).
func (v *Vault) unwrap(ct, aad []byte) (dataKey, body []byte, err error) {
	if len(ct) < Overhead || ct[0] != formatV1 {
		return nil, nil, ErrOpen
	}
	kek, ok := v.keks[binary.BigEndian.Uint32(ct[1:headerLen])]
	if !ok {
		return nil, nil, ErrOpen
	}
	wrapEnd := headerLen + nonceLen + wrappedLen
	dataKey, err = kek.Open(nil, ct[headerLen:headerLen+nonceLen], ct[headerLen+nonceLen:wrapEnd], boundAAD(ct[:headerLen], aad))
	if err != nil || len(dataKey) != KeySize {
		return nil, nil, ErrOpen
	}
	return dataKey, ct[wrapEnd:], nil
}

// KeyID returns the id of the key that wrapped ciphertext, so that a rotation job can find the
// values still under an old key. It does not authenticate anything.
func KeyID(ciphertext []byte) (uint32, error) {
	if len(ciphertext) < Overhead || ciphertext[0] != formatV1 {
		return 0, ErrOpen
	}
	return binary.BigEndian.Uint32(ciphertext[1:headerLen]), nil
}

// Rewrap returns ciphertext with its data key wrapped under the newest key; the value itself
// is not re-encrypted, so rotating a 10 MB scan rewrites 48 bytes of key material. The
// ciphertext must open with aad: it is fully checked first.
func (v *Vault) Rewrap(ciphertext, aad []byte) ([]byte, error) {
	if _, err := v.Open(ciphertext, aad); err != nil {
		return nil, err
	}
	dataKey, body, err := v.unwrap(ciphertext, aad)
	if err != nil {
		return nil, err
	}
	out := make([]byte, headerLen, len(ciphertext))
	out[0] = formatV1
	binary.BigEndian.PutUint32(out[1:headerLen], v.current)
	out, err = v.wrap(out, v.current, dataKey, aad)
	if err != nil {
		return nil, err
	}
	return append(out, body...), nil
}

// Index returns the blind index of value for kind ("iin", "bin", "phone"): HMAC-SHA256 under
// the index key over the kind and the value, each length-prefixed so that no two (kind,
// value) pairs collide. Equal inputs give equal indexes, which is what lets the database
// enforce uniqueness; without the index key the values cannot be recomputed.
func (v *Vault) Index(kind, value string) []byte {
	m := hmac.New(sha256.New, v.index[:])
	writePart(m, kind)
	writePart(m, value)
	return m.Sum(nil)
}

// AAD builds associated data from parts (table, column, row id…), each length-prefixed so
// that ("ab","c") and ("a","bc") differ.
func AAD(parts ...string) []byte {
	var b []byte
	for _, p := range parts {
		b = binary.BigEndian.AppendUint32(b, uint32(len(p)))
		b = append(b, p...)
	}
	return b
}

// writePart writes s length-prefixed (hash writers never fail).
func writePart(w io.Writer, s string) {
	_, _ = w.Write(binary.BigEndian.AppendUint32(nil, uint32(len(s))))
	_, _ = w.Write([]byte(s))
}
