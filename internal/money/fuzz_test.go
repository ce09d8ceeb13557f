package money

import (
	"errors"
	"math/big"
	"regexp"
	"strings"
	"testing"
)

// amountGrammar is an independent statement of what Parse and ParseSigned accept, written as
// one regular expression: blanks, an optional minus, whole tenge (plain digits or groups of
// three), an optional mark with one or two decimals, an optional ₸ or KZT, blanks.
// RE2's \d is ASCII-only, as Parse's digits are. KZT is spelled out letter by letter because
// (?i) would also fold K with the Kelvin sign.
var amountGrammar = regexp.MustCompile(`^[\t\n\r \x{a0}\x{202f}]*(-?)` +
	`(\d{1,3}(?:[ \x{a0}\x{202f}]\d{3})+|\d+)` +
	`(?:[.,](\d{1,2}))?` +
	`(?:[ \x{a0}\x{202f}]*(?:₸|[Kk][Zz][Tt]))?` +
	`[\t\n\r \x{a0}\x{202f}]*$`)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"0", "1234", "1234.5", "1234,56", "1 234,56", "1 234 567,89 ₸", "1\u00a0234,56\u00a0₸",
		"1\u202f234.5", "12 KZT", "-5", "-1 234,00 ₸", "12.345", "1,234.56", "1e5", "+1", "",
		"92233720368547758.07", "92233720368547758.08", "-92233720368547758.08", "1  234", "₸",
		"\xff", "1 23", ".5", "5.", "0x1f", "１２",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		sa, serr := ParseSigned(s)

		m := amountGrammar.FindStringSubmatch(s)
		var want *big.Int
		if m != nil {
			intDigits := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(m[2])
			want, _ = new(big.Int).SetString(intDigits, 10)
			want.Mul(want, big.NewInt(100))
			if frac := m[3]; frac != "" {
				cents, _ := new(big.Int).SetString((frac + "0")[:2], 10)
				want.Add(want, cents)
			}
			if m[1] == "-" {
				want.Neg(want)
			}
		}

		// ParseSigned: accepted exactly when the grammar matches and the value fits.
		switch {
		case m != nil && want.IsInt64():
			if serr != nil || int64(sa) != want.Int64() {
				t.Fatalf("ParseSigned(%q) = %d, %v; want %s", s, sa, serr, want)
			}
		case m != nil:
			if !errors.Is(serr, ErrOverflow) {
				t.Fatalf("ParseSigned(%q) = %d, %v; want ErrOverflow", s, sa, serr)
			}
		default:
			if serr == nil {
				t.Fatalf("ParseSigned(%q) = %d accepted input outside the grammar", s, sa)
			}
		}

		// Parse: the same, minus negatives.
		if err == nil {
			if m == nil || m[1] == "-" || int64(a) != want.Int64() {
				t.Fatalf("Parse(%q) = %d wrongly accepted", s, a)
			}
			if m[3] != "" && len(m[3]) > 2 {
				t.Fatalf("Parse(%q) accepted more than two decimals", s)
			}
			back, err := Parse(a.Format("ru"))
			if err != nil || back != a {
				t.Fatalf("Parse(Format(%d)) = %d, %v", a, back, err)
			}
		} else if m != nil && m[1] == "" && want.IsInt64() {
			t.Fatalf("Parse(%q) refused a valid amount: %v", s, err)
		} else if m != nil && m[1] == "-" && !errors.Is(err, ErrNegative) && !errors.Is(err, ErrOverflow) {
			t.Fatalf("Parse(%q) = %v, want ErrNegative", s, err)
		}
		for _, e := range []error{err, serr} {
			if e != nil && len(e.Error()) > 300 {
				t.Fatalf("error message of %d bytes", len(e.Error()))
			}
		}
	})
}
