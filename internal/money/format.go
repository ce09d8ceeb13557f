package money

import (
	"strconv"
	"strings"
)

// Format renders a for people reading language lang:
//
//	"ru", "kk": 1 234 567,89 ₸   -1 234,00 ₸
//	"en":       ₸1,234,567.89    -₸1,234.00
//
// ru and kk use an ordinary space (U+0020) between digit groups and before ₸ so that the text
// survives every channel (SMS, PDF, plain-text e-mail); Parse reads it back. A region suffix
// ("ru-KZ", "en_US") is ignored and an unknown language gets the ru form, the default of the
// product. Always two decimals: a contract shows tiyn even when they are zero.
// The en form is for display only: Parse refuses it, since its comma groups digits.
func (a Amount) Format(lang string) string {
	whole := a.magnitude() / TiynPerTenge
	cents := a.magnitude() % TiynPerTenge
	sign := ""
	if a < 0 {
		sign = "-"
	}
	if baseLang(lang) == "en" {
		return sign + "₸" + group(whole, ',') + "." + twoDigits(cents)
	}
	return sign + group(whole, ' ') + "," + twoDigits(cents) + " ₸"
}

// String returns the ru form, e.g. "1 234,56 ₸".
func (a Amount) String() string { return a.Format("ru") }

func baseLang(lang string) string {
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return strings.ToLower(lang)
}

// group writes n in decimal with sep between groups of three digits.
func group(n uint64, sep byte) string {
	digits := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(sep)
		}
		b.WriteByte(digits[i])
	}
	return b.String()
}

func twoDigits(n uint64) string {
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}
