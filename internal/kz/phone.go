package kz

import (
	"log/slog"
	"strings"

	"nesie.kz/nesie/internal/fault"
)

// Phone is a Kazakh mobile number, held in E.164 form ("+77011234567"). The zero Phone is
// "no number". It logs masked (+7********67): a phone number is personal data.
type Phone struct{ e164 string }

// mobileCodes are the operator codes (the three digits after +7) of Kazakh mobile networks.
// Landline area codes (71x, 72x) and Russian numbers (+7 9xx, +7 3xx…) share the country
// code +7, so a number is a Kazakh mobile only when its code is one of these.
var mobileCodes = map[string]bool{
	"700": true, "701": true, "702": true, "705": true, "706": true, "707": true, "708": true,
	"747": true, "750": true, "751": true, "760": true, "761": true, "762": true, "763": true,
	"764": true, "771": true, "775": true, "776": true, "777": true, "778": true,
}

// ParsePhone reads a Kazakh mobile number written as +7 7XX XXX XX XX, 8 7XX XXX XX XX,
// 7 7XX XXX XX XX or 7XX XXX XX XX, with optional spaces, dashes and parentheses between digits. Landlines,
// foreign numbers and anything else are refused with a field error on "phone".
func ParsePhone(s string) (Phone, error) {
	if len(s) > 32 {
		return Phone{}, fault.Field("phone", "is too long")
	}
	rest := strings.TrimSpace(s)
	plus := strings.HasPrefix(rest, "+")
	if plus {
		rest = rest[1:]
	}
	var d strings.Builder
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case c >= '0' && c <= '9':
			d.WriteByte(c)
		case c == ' ' || c == '-' || c == '(' || c == ')':
		default:
			return Phone{}, fault.Field("phone", "may hold only digits, spaces, dashes and parentheses")
		}
	}
	digits := d.String()
	if len(digits) == 10 && !plus && digits[0] == '7' {
		// Written without the country code, as "701 234 56 78".
		digits = "7" + digits
	}
	if len(digits) != 11 {
		return Phone{}, fault.Field("phone", "must have 11 digits, as +7 7XX XXX XX XX")
	}
	switch {
	case digits[0] == '7':
	case digits[0] == '8' && !plus:
		// 8 is the trunk prefix dialled inside the country for +7.
		digits = "7" + digits[1:]
	default:
		return Phone{}, fault.Field("phone", "must be a Kazakh number starting with +7 or 8")
	}
	if !mobileCodes[digits[1:4]] {
		return Phone{}, fault.Field("phone", "must be a Kazakh mobile number (+7 7XX), not a landline or a foreign one")
	}
	return Phone{e164: "+" + digits}, nil
}

// String returns the number in E.164 form, "+77011234567" (empty for the zero Phone). It is
// the form to store and to send to gateways; never log it (log the Phone itself).
func (p Phone) String() string { return p.e164 }

// IsZero reports whether p is no number.
func (p Phone) IsZero() bool { return p.e164 == "" }

// Masked returns the number with all but the country code and the last two digits hidden:
// "+7********67".
func (p Phone) Masked() string {
	if len(p.e164) != 12 {
		return ""
	}
	return "+7" + strings.Repeat("*", 8) + p.e164[10:]
}

// LogValue makes slog print the masked number.
func (p Phone) LogValue() slog.Value { return slog.StringValue(p.Masked()) }

// GoString keeps %#v from printing the number in full.
func (p Phone) GoString() string { return "kz.Phone(" + p.Masked() + ")" }
