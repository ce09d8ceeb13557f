package device

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/fault"
)

func TestParseSignatureRoundTrip(t *testing.T) {
	in := "v=1,device=0123456789abcdef0123456789abcdef,ts=1772424000,nonce=AAAAAAAAAAAAAAAAAAAAAA,sig=" +
		base64.RawURLEncoding.EncodeToString([]byte("sixty-four bytes of signature, more or less, for this test ok"))
	s, err := ParseSignature(in)
	if err != nil {
		t.Fatal(err)
	}
	if s.DeviceID != "0123456789abcdef0123456789abcdef" || s.Timestamp != 1772424000 || s.Nonce != "AAAAAAAAAAAAAAAAAAAAAA" || s.String() != in {
		t.Errorf("parsed %+v, written back %q", s, s.String())
	}
	// Parts in another order, with spaces, are the same header.
	if s2, err := ParseSignature(" sig=" + in[strings.Index(in, "sig=")+4:] + ", nonce=AAAAAAAAAAAAAAAAAAAAAA,ts=1772424000,device=0123456789abcdef0123456789abcdef,v=1"); err != nil || s2.String() != in {
		t.Errorf("reordered: %v, %v", s2, err)
	}
	for _, bad := range []string{
		in + ",extra=1", strings.Replace(in, "v=1", "v=2", 1), strings.Replace(in, "v=1,", "", 1),
		in + ",nonce=BBBBBBBBBBBBBBBBBBBBBB", strings.Replace(in, "ts=", "ts=-", 1), strings.Replace(in, "0123456789abcdef0", "0123456789ABCDEF0", 1),
		strings.Replace(in, "nonce=AAAAAAAAAAAAAAAAAAAAAA", "nonce=short", 1), in + "=", strings.Replace(in, "ts=1772424000", "ts=1e9", 1),
	} {
		if _, err := ParseSignature(bad); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("ParseSignature(%q) = %v, want refused", bad, err)
		}
	}
}

// FuzzParseSignature checks that nothing panics and that an accepted header, read again
// independently, has each part in its exact form and writes back to a header that parses to
// the same thing.
func FuzzParseSignature(f *testing.F) {
	f.Add("v=1,device=0123456789abcdef0123456789abcdef,ts=1772424000,nonce=AAAAAAAAAAAAAAAAAAAAAA,sig=c2lnbmF0dXJl")
	f.Add("sig=AA, v=1, ts=0, nonce=0123456789abcdef, device=ffffffffffffffffffffffffffffffff")
	f.Add("v=1,,,")
	f.Add("")
	f.Fuzz(func(t *testing.T, h string) {
		s, err := ParseSignature(h)
		if err != nil {
			if !errors.Is(err, fault.ErrInvalid) {
				t.Fatalf("ParseSignature(%q): error %v is not ErrInvalid", h, err)
			}
			return
		}
		parts := strings.Split(h, ",")
		if len(parts) != 5 {
			t.Fatalf("accepted %q with %d parts", h, len(parts))
		}
		if len(s.DeviceID) != 32 || strings.Trim(s.DeviceID, "0123456789abcdef") != "" {
			t.Fatalf("accepted device id %q", s.DeviceID)
		}
		if len(s.Nonce) < 16 || len(s.Nonce) > 64 || s.Timestamp < 0 || len(s.Sig) == 0 || len(s.Sig) > 128 {
			t.Fatalf("accepted %+v", s)
		}
		if !strings.Contains(h, "nonce="+s.Nonce) || !strings.Contains(h, "device="+s.DeviceID) {
			t.Fatalf("parsed parts not in the input: %+v from %q", s, h)
		}
		again, err := ParseSignature(s.String())
		if err != nil || again.String() != s.String() {
			t.Fatalf("written back %q does not parse to the same: %v", s.String(), err)
		}
	})
}
