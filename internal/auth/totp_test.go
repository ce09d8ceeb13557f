package auth

import (
	"encoding/base32"
	"strings"
	"testing"
	"time"
)

// RFC 4226 Appendix D: the secret "12345678901234567890" and its HOTP values for counters 0–9.
func TestRFC4226Vectors(t *testing.T) {
	secret := []byte("12345678901234567890")
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for i, w := range want {
		if got := hotp(secret, uint64(i), 6); got != w {
			t.Errorf("HOTP(%d) = %s, want %s", i, got, w)
		}
	}
}

// RFC 6238 Appendix B, SHA-1 column: 8-digit TOTP values at the given Unix times with a
// 30-second step. Six-digit codes are the last six digits of the same truncation.
func TestRFC6238Vectors(t *testing.T) {
	secret := []byte("12345678901234567890")
	for _, v := range []struct {
		unix int64
		step uint64
		code string
	}{
		{59, 0x1, "94287082"},
		{1111111109, 0x23523EC, "07081804"},
		{1111111111, 0x23523ED, "14050471"},
		{1234567890, 0x273EF07, "89005924"},
		{2000000000, 0x3F940AA, "69279037"},
		{20000000000, 0x27BC86AA, "65353130"},
	} {
		at := time.Unix(v.unix, 0)
		if got := totpStep(at); got != v.step {
			t.Errorf("step(%d) = %#x, want %#x", v.unix, got, v.step)
		}
		if got := hotp(secret, totpStep(at), 8); got != v.code {
			t.Errorf("TOTP(%d) = %s, want %s", v.unix, got, v.code)
		}
		six := v.code[2:]
		step, ok := matchTOTP(secret, six, at, 0)
		if !ok || step != v.step {
			t.Errorf("matchTOTP(%s at %d) = %d, %v; want step %#x", six, v.unix, step, ok, v.step)
		}
	}
}

func TestTOTPWindowAndReplay(t *testing.T) {
	secret := []byte("12345678901234567890")
	at := time.Unix(1111111111, 0) // step 0x23523ED
	prev, cur, next := hotp(secret, 0x23523EC, 6), hotp(secret, 0x23523ED, 6), hotp(secret, 0x23523EE, 6)
	for _, c := range []string{prev, cur, next} {
		if _, ok := matchTOTP(secret, c, at, 0); !ok {
			t.Errorf("code %s within ±1 step refused", c)
		}
	}
	if _, ok := matchTOTP(secret, hotp(secret, 0x23523EF, 6), at, 0); ok {
		t.Error("code two steps ahead accepted")
	}
	if _, ok := matchTOTP(secret, hotp(secret, 0x23523EB, 6), at, 0); ok {
		t.Error("code two steps behind accepted")
	}
	// Once step cur is accepted, neither it nor the previous step passes again.
	if _, ok := matchTOTP(secret, cur, at, 0x23523ED); ok {
		t.Error("accepted step replayed")
	}
	if _, ok := matchTOTP(secret, prev, at, 0x23523ED); ok {
		t.Error("step older than the accepted one passed")
	}
	if _, ok := matchTOTP(secret, next, at, 0x23523ED); !ok {
		t.Error("the next step should still pass")
	}
}

func TestTOTPEnrollmentURI(t *testing.T) {
	secret := []byte("12345678901234567890")
	e := newEnrollment(secret, "Nesie", "c1")
	// base32 of the RFC secret, as authenticator apps print it.
	if e.Secret != "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" {
		t.Errorf("secret = %s", e.Secret)
	}
	back, err := base32.StdEncoding.DecodeString(e.Secret)
	if err != nil || string(back) != string(secret) {
		t.Errorf("secret does not decode back: %v", err)
	}
	for _, part := range []string{"otpauth://totp/Nesie:c1?", "secret=" + e.Secret, "issuer=Nesie", "digits=6", "period=30", "algorithm=SHA1"} {
		if !strings.Contains(e.URI, part) {
			t.Errorf("URI %s lacks %s", e.URI, part)
		}
	}
}
