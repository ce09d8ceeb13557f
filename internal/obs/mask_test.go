package obs

import (
	"strings"
	"testing"
)

func TestMaskingForKeys(t *testing.T) {
	t.Parallel()
	cases := map[string]masking{
		"iin": keepIINHead, "client_iin": keepIINHead, "clientIIN": keepIINHead, "BIN": keepIINHead,
		"phone": keepPhoneEnds, "new-phone": keepPhoneEnds, "msisdn": keepPhoneEnds,
		"pan": keepCardEnds, "cardNumber": keepCardEnds,
		"iban": keepIBANEnds, "email": keepEmailDomain,
		"password": hideAll, "new_password": hideAll, "refresh_token": hideAll, "client_secret": hideAll,
		"otp": hideAll, "otp_phone": hideAll, "Set-Cookie": hideAll, "session_id": hideAll,
		"first_name": hideAll, "fullName": hideAll, "surname": hideAll,
		"msg": scrubText, "err": scrubText, "panic": scrubText, "path": scrubText,
		"amount_tiyn": keepValue, "loan_id": keepValue, "name": keepValue, "request_id": keepValue,
		"binding": keepValue, "pinned": keepValue,
	}
	for key, want := range cases {
		if got := maskingFor(key); got != want {
			t.Errorf("maskingFor(%q) = %d, want %d", key, got, want)
		}
	}
}

func TestMaskFunctions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"iin", MaskIIN, "900101300126", "900101******"},
		{"bin", MaskIIN, "040540001234", "040540******"},
		{"short iin", MaskIIN, "9001", "******"},
		{"phone +7", MaskPhone, "+7 (701) 123-45-67", "+7********67"},
		{"phone trunk 8", MaskPhone, "87011234567", "+7********67"},
		{"phone bare 10", MaskPhone, "7011234567", "+7********67"},
		{"phone too short", MaskPhone, "12345", "***"},
		{"card 16", MaskCard, "4400 4300 1234 5678", "440043******5678"},
		{"card 19", MaskCard, "6200000000000000005", "620000*********0005"},
		{"card short", MaskCard, "440043001234", "***"},
		{"iban", MaskIBAN, "KZ86 125K ZT50 0410 0100", "KZ86************0100"},
		{"iban short", MaskIBAN, "KZ86125", "***"},
		{"email", MaskEmail, "aigerim@mail.kz", "a***@mail.kz"},
		{"email cyrillic", MaskEmail, "айгерим@почта.kz", "а***@почта.kz"},
		{"not email", MaskEmail, "@mail.kz", "***"},
	}
	for _, c := range cases {
		if got := c.fn(c.in); got != c.want {
			t.Errorf("%s: %q → %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestScrubText(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"client 900101300126: not found":    "client 900101******: not found",
		"iin=900101300126,bin=040540001234": "iin=900101******,bin=040540******",
		"900101300126":                      "900101******",
		// Not IIN-shaped: left alone.
		"amount 1234567890123 tiyn":                 "amount 1234567890123 tiyn",                 // 13 digits
		"id 12345678901":                            "id 12345678901",                            // 11 digits
		"uuid 123e4567-e89b-12d3-a456-426614174000": "uuid 123e4567-e89b-12d3-a456-426614174000", // month 66
		"ref A900101300126":                         "ref A900101300126",                         // touches a letter
		"no digits at all":                          "no digits at all",
	}
	for in, want := range cases {
		if got := ScrubText(in); got != want {
			t.Errorf("ScrubText(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzScrubText checks that scrubbing never panics, keeps the length and every non-digit byte,
// and leaves no IIN-shaped run behind (checked by an independent regular-expression-free scan).
func FuzzScrubText(f *testing.F) {
	for _, s := range []string{"client 900101300126", "900101300126900101300126", "x", "", "1" + strings.Repeat("0", 11)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := ScrubText(s)
		if len(out) != len(s) {
			t.Fatalf("length changed: %q → %q", s, out)
		}
		for i := 0; i < len(s); i++ {
			if s[i] != out[i] && (out[i] != '*' || s[i] < '0' || s[i] > '9') {
				t.Fatalf("byte %d changed from %q to %q", i, s[i], out[i])
			}
		}
		for _, field := range strings.FieldsFunc(out, func(r rune) bool {
			return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
		}) {
			if len(field) == 12 && strings.Trim(field, "0123456789") == "" {
				if m := field[2:4]; m >= "01" && m <= "12" {
					t.Fatalf("IIN-shaped %q left in %q", field, out)
				}
			}
		}
	})
}
