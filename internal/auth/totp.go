package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"time"
)

// TOTP as authenticator apps implement it (RFC 6238 over RFC 4226): HMAC-SHA-1, 30-second
// steps from the Unix epoch, 6 digits, and one step of drift tolerated either way.
const (
	totpPeriod  = 30
	totpDigits  = 6
	totpSkew    = 1
	totpKeySize = 20 // 160 bits, RFC 4226's recommended secret length for SHA-1
)

var totpBase32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// hotp computes the RFC 4226 one-time password for counter with the given number of digits.
func hotp(secret []byte, counter uint64, digits int) string {
	mac := hmac.New(sha1.New, secret)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// totpStep is the RFC 6238 time step of t.
func totpStep(t time.Time) uint64 {
	u := t.Unix()
	if u < 0 {
		return 0
	}
	return uint64(u) / totpPeriod
}

// matchTOTP returns the step within ±totpSkew of now whose code equals code and that is later
// than lastStep (a step already accepted is never accepted again, R11), comparing in constant
// time.
func matchTOTP(secret []byte, code string, now time.Time, lastStep uint64) (uint64, bool) {
	if len(code) != totpDigits {
		return 0, false
	}
	cur := totpStep(now)
	for d := -totpSkew; d <= totpSkew; d++ {
		step := cur + uint64(d)
		if d < 0 && cur < uint64(-d) {
			continue
		}
		if step <= lastStep {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(hotp(secret, step, totpDigits)), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

func newTOTPSecret() ([]byte, error) {
	b := make([]byte, totpKeySize)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("totp secret: %w", err)
	}
	return b, nil
}

// TOTPEnrollment is what a client needs to set up an authenticator app: the secret in
// base32 for typing in, and the otpauth:// URI for a QR code. Show it once; it is not
// retrievable again.
type TOTPEnrollment struct {
	Secret string
	URI    string
}

func newEnrollment(secret []byte, issuer, account string) TOTPEnrollment {
	s := totpBase32.EncodeToString(secret)
	q := url.Values{}
	q.Set("secret", s)
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", fmt.Sprint(totpDigits))
	q.Set("period", fmt.Sprint(totpPeriod))
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: q.Encode()}
	return TOTPEnrollment{Secret: s, URI: u.String()}
}
