package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params is the cost of an argon2id hash (RFC 9106).
type Argon2Params struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory in KiB
	Threads   uint8  // lanes
	SaltLen   uint32 // bytes of random salt
	KeyLen    uint32 // bytes of hash
}

// DefaultArgon2 returns time 2, 64 MiB, 2 lanes, a 16-byte salt and a 32-byte hash: about
// RFC 9106's second recommended option, around a tenth of a second on one server core.
func DefaultArgon2() Argon2Params {
	return Argon2Params{Time: 2, MemoryKiB: 64 * 1024, Threads: 2, SaltLen: 16, KeyLen: 32}
}

// Bounds on parameters read from a stored hash, so a corrupted or hostile row cannot make
// verification take gigabytes or hours.
const (
	maxArgonTime    = 16
	maxArgonMemory  = 1 << 20 // 1 GiB in KiB
	maxArgonThreads = 16
	maxArgonBytes   = 64
)

func (p Argon2Params) validate() error {
	switch {
	case p.Time < 1 || p.Time > maxArgonTime:
		return fmt.Errorf("argon2 time %d: want 1…%d", p.Time, maxArgonTime)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxArgonMemory:
		return fmt.Errorf("argon2 memory %d KiB: want 8×threads…%d", p.MemoryKiB, maxArgonMemory)
	case p.Threads < 1 || p.Threads > maxArgonThreads:
		return fmt.Errorf("argon2 threads %d: want 1…%d", p.Threads, maxArgonThreads)
	case p.SaltLen < 8 || p.SaltLen > maxArgonBytes:
		return fmt.Errorf("argon2 salt length %d: want 8…%d", p.SaltLen, maxArgonBytes)
	case p.KeyLen < 16 || p.KeyLen > maxArgonBytes:
		return fmt.Errorf("argon2 key length %d: want 16…%d", p.KeyLen, maxArgonBytes)
	}
	return nil
}

// phcHash is a parsed "$argon2id$v=19$m=…,t=…,p=…$salt$hash" string.
type phcHash struct {
	params Argon2Params
	salt   []byte
	key    []byte
}

var b64 = base64.RawStdEncoding

func (h phcHash) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.params.MemoryKiB, h.params.Time, h.params.Threads, b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
}

// hashPassword hashes pw with a fresh random salt and returns the PHC string.
func hashPassword(pw Password, p Argon2Params) (string, error) {
	if err := p.validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw.reveal()), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	return phcHash{params: p, salt: salt, key: key}.String(), nil
}

var errBadHash = errors.New("stored password hash is malformed")

// parsePHC reads a PHC argon2id string strictly: every field present, in order, within
// bounds, canonical base64.
func parsePHC(s string) (phcHash, error) {
	// encoding/base64 skips CR and LF even in strict mode: refused here, or a hash with a
	// line break inside its salt or key would be read as the one without.
	if strings.ContainsAny(s, "\r\n") {
		return phcHash{}, errBadHash
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return phcHash{}, errBadHash
	}
	var h phcHash
	var m, t, p uint64
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return phcHash{}, errBadHash
	}
	for i, want := range []struct {
		name string
		dst  *uint64
		max  uint64
	}{{"m=", &m, maxArgonMemory}, {"t=", &t, maxArgonTime}, {"p=", &p, maxArgonThreads}} {
		digits, ok := strings.CutPrefix(fields[i], want.name)
		if !ok || digits == "" || digits[0] == '0' || len(digits) > 8 {
			return phcHash{}, errBadHash
		}
		v, err := strconv.ParseUint(digits, 10, 32)
		if err != nil || v > want.max {
			return phcHash{}, errBadHash
		}
		*want.dst = v
	}
	salt, err1 := b64.Strict().DecodeString(parts[4])
	key, err2 := b64.Strict().DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return phcHash{}, errBadHash
	}
	h.params = Argon2Params{Time: uint32(t), MemoryKiB: uint32(m), Threads: uint8(p), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if h.params.validate() != nil {
		return phcHash{}, errBadHash
	}
	h.salt, h.key = salt, key
	return h, nil
}

// verifyPassword reports whether pw matches the stored PHC hash, comparing in constant time,
// and whether the hash was made with parameters other than want (so it should be rehashed).
func verifyPassword(pw Password, stored string, want Argon2Params) (ok, stale bool, err error) {
	h, err := parsePHC(stored)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(pw.reveal()), h.salt, h.params.Time, h.params.MemoryKiB, h.params.Threads, h.params.KeyLen)
	ok = subtle.ConstantTimeCompare(got, h.key) == 1
	return ok, h.params != want, nil
}
