package otp

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func TestNewIsSixDigits(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		c, err := New()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != 6 || c[0] < '0' || c[0] > '9' || c[5] < '0' || c[5] > '9' {
			t.Fatalf("code %q: want six digits", c)
		}
		for _, r := range c {
			if r < '0' || r > '9' {
				t.Fatalf("code %q: want six digits", c)
			}
		}
		seen[c] = true
	}
	if len(seen) < 190 {
		t.Fatalf("only %d distinct codes in 200", len(seen))
	}
}

// TestHashIsBoundToPurposeAndID: the kept form is SHA-256 over purpose, id and code with NUL
// separators (worked out here independently), and it differs with each of them.
func TestHashIsBoundToPurposeAndID(t *testing.T) {
	sum := sha256.Sum256([]byte("nesie sms code\x00ch-1\x00123456"))
	if got := hex.EncodeToString(Hash("nesie sms code", "ch-1", "123456")); got != hex.EncodeToString(sum[:]) {
		t.Fatalf("hash %s, want %x", got, sum)
	}
	base := Hash("p", "id", "123456")
	for _, other := range [][]byte{Hash("q", "id", "123456"), Hash("p", "id2", "123456"), Hash("p", "id", "123457")} {
		if string(other) == string(base) {
			t.Fatal("a hash does not change with purpose, id or code")
		}
	}
	if !Matches(base, "p", "id", "123456") || Matches(base, "p", "id", "654321") {
		t.Fatal("Matches accepts a wrong code or refuses the right one")
	}
}
