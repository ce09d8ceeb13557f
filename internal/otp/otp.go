// Package otp makes the one-time passwords sent by SMS (sign-in, recovery, a loan's consent)
// and the hashes they are kept as.
package otp

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math/big"
)

// New returns 6 uniformly random digits.
func New() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("one-time password: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// Hash binds code to what it was issued for (purpose, and the id of its challenge or record),
// so a hash cannot be reused across purposes or codes. A 6-digit code is guessable from its
// hash offline; the hash only keeps the code out of backups and logs during its few minutes
// of life, while the limit on tries guards it online.
func Hash(purpose, id, code string) []byte {
	h := sha256.Sum256([]byte(purpose + "\x00" + id + "\x00" + code))
	return h[:]
}

// Matches reports, in constant time, whether code is the one hashed as want.
func Matches(want []byte, purpose, id, code string) bool {
	return subtle.ConstantTimeCompare(want, Hash(purpose, id, code)) == 1
}
