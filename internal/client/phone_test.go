package client

import (
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"nesie.kz/nesie/internal/date"
)

func TestNormalisePhone(t *testing.T) {
	good := map[string]string{
		"+77012345678":       "+77012345678",
		"+7 701 234 56 78":   "+77012345678",
		"8 (701) 234-56-78":  "+77012345678",
		"87012345678":        "+77012345678",
		"77012345678":        "+77012345678",
		"7012345678":         "+77012345678",
		" +7 (747) 0000001 ": "+77470000001",
	}
	for in, want := range good {
		if got, why := normalisePhone(in); got != want || why != "" {
			t.Errorf("normalisePhone(%q) = %q, %q; want %q", in, got, why, want)
		}
	}
	for _, in := range []string{
		"", "+79123456789", "89123456789", "+1 701 234 5678", "701234567", "+770123456789",
		"7-701-234-56-78x", "+7+7012345678", "++77012345678", "0012345678", "８7012345678",
	} {
		if got, why := normalisePhone(in); why == "" {
			t.Errorf("normalisePhone(%q) accepted as %q", in, got)
		}
	}
	if got := maskPhone("+77012345678"); got != "+7701*****78" {
		t.Errorf("maskPhone = %q", got)
	}
}

var e164KZ = regexp.MustCompile(`^\+77[0-9]{9}$`)

// FuzzNormalisePhone: never panics; whatever it accepts is a +77XXXXXXXXX number whose ten
// national digits are the last ten digits of the input, in order.
func FuzzNormalisePhone(f *testing.F) {
	for _, s := range []string{"+77012345678", "8 (701) 234-56-78", "7012345678", "+79123456789", "", "+", "8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, why := normalisePhone(s)
		if why != "" {
			if got != "" {
				t.Fatalf("refused with a value %q", got)
			}
			return
		}
		if !e164KZ.MatchString(got) {
			t.Fatalf("normalisePhone(%q) = %q, not +77XXXXXXXXX", s, got)
		}
		var digits []rune
		for _, r := range s {
			if r >= '0' && r <= '9' {
				digits = append(digits, r)
			}
		}
		if len(digits) < 10 || string(digits[len(digits)-10:]) != got[2:] {
			t.Fatalf("normalisePhone(%q) = %q does not keep the input's digits", s, got)
		}
		if again, why := normalisePhone(got); again != got || why != "" {
			t.Fatalf("not idempotent: %q → %q", got, again)
		}
	})
}

// FuzzValidate: an application whose name, IIN, document number and phone come from the
// fuzzer never panics validation, and an accepted one satisfies the rules independently
// re-checked here.
func FuzzValidate(f *testing.F) {
	f.Add("Аружан Примерова", iinA, "N04455667", "+77012345678", int64(3))
	f.Add("", "", "", "", int64(0))
	f.Add("O'Brien-Smith Jr.", "850305400121", "ab12", "8 701 234 56 78", int64(-1))
	now := time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, name, iin, docNum, phone string, days int64) {
		app := individual(iin, phone)
		app.Person.FullName, app.Person.IDDocument.Number = name, docNum
		app.Person.IDDocument.Expires = date.In(now).AddDays(int(days % 100000))
		v, err := validate(app, now)
		if err != nil {
			return
		}
		if v.name == "" || !utf8.ValidString(v.name) || utf8.RuneCountInString(v.name) > 200 {
			t.Fatalf("accepted name %q", v.name)
		}
		if got := v.iin.String(); got != strings.TrimSpace(iin) || !iinChecksumOK(got) {
			t.Fatalf("accepted IIN %q as %q", iin, got)
		}
		if !regexp.MustCompile(`^[0-9A-Z]{1,20}$`).MatchString(v.idDoc.Number) {
			t.Fatalf("accepted document number %q", v.idDoc.Number)
		}
		if !v.idDoc.Expires.After(date.In(now)) {
			t.Fatalf("accepted an expired document %v", v.idDoc.Expires)
		}
		if !e164KZ.MatchString(v.phone) {
			t.Fatalf("accepted phone %q", v.phone)
		}
	})
}

// iinChecksumOK re-checks an IIN's control digit independently of package kz: weights 1…11,
// mod 11; a result of 10 retries with weights 3…11, 1, 2; 10 again means never issued.
func iinChecksumOK(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	sum := func(first int) int {
		total := 0
		for i := 0; i < 11; i++ {
			w := (first+i-1)%11 + 1
			total += w * int(s[i]-'0')
		}
		return total % 11
	}
	c := sum(1)
	if c == 10 {
		c = sum(3)
	}
	return c != 10 && c == int(s[11]-'0')
}
