package kz

import (
	"fmt"
	"log/slog"
	"strings"
)

// IBAN is a Kazakh account number (ИИК) that passed ParseIBAN, in canonical form: 20
// upper-case characters, no spaces. Layout (ISO 13616, SWIFT IBAN registry):
//
//	KZ 86 125 KZT5004100100
//	│  │  │   └ 13 alphanumeric account characters
//	│  │  └ 3-digit bank code (NBRK bank directory)
//	│  └ 2 check digits (ISO 7064 mod 97-10)
//	└ country
type IBAN struct{ s string }

const ibanLen = 20

// ParseIBAN checks s as a Kazakh IBAN. Spaces (also no-break ones) anywhere are dropped and
// lower case is accepted, as people copy IBANs in groups of four from statements; then it
// must be KZ, 20 characters, two check digits, a 3-digit numeric bank code, 13 letters or
// digits, and pass the mod-97 check. The bank code need not be known here: that is
// BankDirectory.Check. Errors are *ParseError and never repeat the account number.
func ParseIBAN(s string) (IBAN, error) {
	const what = "IBAN"
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '\u00a0' || r == '\u202f':
			continue
		case r >= 'a' && r <= 'z':
			// ASCII only: strings.ToUpper would turn 'ſ' into 'S' and 'ı' into 'I' and
			// accept characters no bank ever printed.
			b.WriteRune(r - 'a' + 'A')
		case (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
			b.WriteRune(r)
		default:
			return IBAN{}, parseErr(what, ErrFormat, fmt.Sprintf("only letters and digits allowed, found %q", r))
		}
	}
	v := b.String()
	if v == "" {
		return IBAN{}, parseErr(what, ErrFormat, "empty")
	}
	if len(v) >= 2 && isLetters(v[:2]) && v[:2] != "KZ" {
		return IBAN{}, parseErr(what, ErrCode, fmt.Sprintf("country %s, only KZ accounts are accepted", v[:2]))
	}
	if len(v) != ibanLen {
		return IBAN{}, parseErr(what, ErrFormat, fmt.Sprintf("must be %d characters, got %d", ibanLen, len(v)))
	}
	if v[:2] != "KZ" {
		return IBAN{}, parseErr(what, ErrFormat, "must start with KZ")
	}
	if !isDigits(v[2:4]) {
		return IBAN{}, parseErr(what, ErrFormat, "check digits (characters 3–4) must be digits")
	}
	if !isDigits(v[4:7]) {
		return IBAN{}, parseErr(what, ErrFormat, "bank code (characters 5–7) must be digits")
	}
	// 00, 01 and 99 can satisfy mod 97 but are never produced by the ISO 7064 algorithm
	// (98 − n mod 97 is always 2…98).
	if cd := v[2:4]; cd == "00" || cd == "01" || cd == "99" {
		return IBAN{}, parseErr(what, ErrChecksum, fmt.Sprintf("check digits %s are never issued", cd))
	}
	if mod97(v[4:]+v[:4]) != 1 {
		return IBAN{}, parseErr(what, ErrChecksum, "check digits do not match (mod 97)")
	}
	return IBAN{s: v}, nil
}

// mod97 returns the remainder mod 97 of the number spelt by s, letters counting as 10–35.
func mod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' {
			v := int(c-'A') + 10
			r = (r*100 + v) % 97
		} else {
			r = (r*10 + int(c-'0')) % 97
		}
	}
	return r
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

// String returns the canonical 20 characters.
func (i IBAN) String() string { return i.s }

// IsZero reports whether i is the zero value (no IBAN).
func (i IBAN) IsZero() bool { return i.s == "" }

// BankCode returns the 3-digit bank code (characters 5–7).
func (i IBAN) BankCode() string {
	if i.IsZero() {
		return ""
	}
	return i.s[4:7]
}

// Account returns the 13 account characters after the bank code.
func (i IBAN) Account() string {
	if i.IsZero() {
		return ""
	}
	return i.s[7:]
}

// Grouped returns the IBAN in groups of four, the printed form: "KZ86 125K ZT50 0410 0100".
func (i IBAN) Grouped() string {
	var b strings.Builder
	for k := 0; k < len(i.s); k += 4 {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(i.s[k:min(k+4, len(i.s))])
	}
	return b.String()
}

// Masked keeps the country, check digits, bank code and last four characters:
// "KZ86125*********0100", enough to tell accounts apart on a screen or in a log.
func (i IBAN) Masked() string {
	if i.IsZero() {
		return ""
	}
	return i.s[:7] + strings.Repeat("*", ibanLen-11) + i.s[ibanLen-4:]
}

// LogValue makes slog print the masked form: an account number is personal data.
func (i IBAN) LogValue() slog.Value { return slog.StringValue(i.Masked()) }
