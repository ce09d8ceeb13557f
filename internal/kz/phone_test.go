package kz

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/fault"
)

func TestParsePhoneAcceptsKazakhMobileSpellings(t *testing.T) {
	for _, in := range []string{
		"+77011234567", "+7 701 123 45 67", "+7 (701) 123-45-67", "87011234567",
		"8 701 123 45 67", "8-701-123-45-67", "77011234567", "  +7 701 1234567 ", "701 123 45 67",
	} {
		p, err := ParsePhone(in)
		if err != nil {
			t.Errorf("ParsePhone(%q): %v", in, err)
			continue
		}
		if p.String() != "+77011234567" {
			t.Errorf("ParsePhone(%q) = %s, want +77011234567", in, p)
		}
	}
	for in, want := range map[string]string{"+7 747 000 11 22": "+77470001122", "8 778 999 00 01": "+77789990001"} {
		if p, err := ParsePhone(in); err != nil || p.String() != want {
			t.Errorf("ParsePhone(%q) = %s, %v; want %s", in, p, err, want)
		}
	}
}

func TestParsePhoneRefusesOthersNamingTheField(t *testing.T) {
	for _, in := range []string{
		"", "+7 727 250 00 00", // Almaty landline
		"+7 7172 55 00 00",  // Astana landline
		"+7 916 123 45 67",  // Russian mobile
		"+8 701 123 45 67",  // + then the trunk prefix
		"+996 555 123 456",  // Kyrgyz
		"+7 701 123 45 6",   // too short
		"+7 701 123 45 678", // too long
		"+7 701 123 45 6x",  // a letter
		"+7 701 123 45 67;", // trailing junk
		"++77011234567", "+7011234567", "8011234567", "+7 779 123 45 67",
	} {
		_, err := ParsePhone(in)
		var fe *fault.FieldError
		if !errors.As(err, &fe) || fe.Field != "phone" || !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("ParsePhone(%q) = %v, want a field error on phone", in, err)
		}
	}
}

func TestPhoneLogsMasked(t *testing.T) {
	p, err := ParsePhone("+7 701 123 45 67")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("sent", "phone", p)
	if !strings.Contains(buf.String(), "phone=+7********67") || strings.Contains(buf.String(), "1234567") {
		t.Errorf("log line %q does not mask the phone as +7********67", buf.String())
	}
	if s := fmt.Sprintf("%#v", p); strings.Contains(s, "1234567") {
		t.Errorf("%%#v shows the number: %s", s)
	}
	if (Phone{}).Masked() != "" || !(Phone{}).IsZero() {
		t.Error("the zero Phone is not empty")
	}
}

// FuzzParsePhone checks that nothing panics and that whatever is accepted is, by an
// independent reading, an 11-digit +7 7XX number made of the input's own digits.
func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"+77011234567", "8 701 123-45-67", "(701) 123", "+7 727 250 00 00", "", "+", "8", "٧٧٠١٢٣٤٥٦٧٨"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePhone(s)
		if err != nil {
			if !errors.Is(err, fault.ErrInvalid) {
				t.Fatalf("ParsePhone(%q): error %v is not ErrInvalid", s, err)
			}
			return
		}
		e := p.String()
		if len(e) != 12 || e[:3] != "+77" || strings.Trim(e[1:], "0123456789") != "" {
			t.Fatalf("ParsePhone(%q) accepted %q, not +77 and 9 digits", s, e)
		}
		var digits []byte
		for _, c := range []byte(s) {
			if c >= '0' && c <= '9' {
				digits = append(digits, c)
			}
		}
		if len(digits) == 10 { // written without the country code
			digits = append([]byte{'7'}, digits...)
		}
		if string(digits[1:]) != e[2:] || (digits[0] != '7' && digits[0] != '8') {
			t.Fatalf("ParsePhone(%q) = %q, not the input's digits", s, e)
		}
		if again, err := ParsePhone(e); err != nil || again != p {
			t.Fatalf("ParsePhone(%q) = %v, %v; does not re-read its own output", e, again, err)
		}
		if m := p.Masked(); m != "+7********"+e[10:] {
			t.Fatalf("Masked() = %q", m)
		}
	})
}
