package money

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// Parse reads a non-negative sum of tenge as a person or a script writes it:
//
//	1234   1234.5   1234,56   1 234,56   1 234 567,89 ₸   1234.56 KZT
//
// Digits may be grouped by threes with a space, a no-break space (U+00A0) or a narrow
// no-break space (U+202F), the form ru/kk formatting and office software produce; the decimal
// mark is '.' or ',' followed by one or two digits; a trailing "₸" or "KZT" is allowed.
// Surrounding blanks are ignored.
//
// Refused, each with its sentinel: nothing (ErrEmpty); a minus sign (ErrNegative); more than
// two decimals, even "1.230" (ErrTooManyDecimals); more than int64 tiyn (ErrOverflow); and
// anything else — '+', exponents, "1,234.56" (a comma is never a thousands separator, so that
// "1,234" cannot silently mean 1 234 ₸), groups that are not three digits, a mark with no
// digits after it — (ErrSyntax).
func Parse(s string) (Amount, error) {
	neg, m, err := parse(s)
	if err != nil {
		return 0, err
	}
	if neg {
		return 0, fmt.Errorf("amount %s: %w", quote(s), ErrNegative)
	}
	return fromMagnitudeErr(s, false, m)
}

// ParseSigned is Parse with a leading '-' allowed, for adjustments and reversals.
// "-0" is zero.
func ParseSigned(s string) (Amount, error) {
	neg, m, err := parse(s)
	if err != nil {
		return 0, err
	}
	return fromMagnitudeErr(s, neg, m)
}

func fromMagnitudeErr(s string, neg bool, m uint64) (Amount, error) {
	a, err := fromMagnitude(neg, m)
	if err != nil {
		return 0, fmt.Errorf("amount %s: %w", quote(s), err)
	}
	return a, nil
}

// isGroupSep reports whether r may separate groups of three digits.
func isGroupSep(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u202f' }

func isBlank(r rune) bool { return isGroupSep(r) || r == '\t' || r == '\n' || r == '\r' }

// parse returns the sign and the magnitude in tiyn of s.
func parse(s string) (neg bool, tiyn uint64, err error) {
	syntax := func(why string) error { return fmt.Errorf("amount %s: %w: %s", quote(s), ErrSyntax, why) }

	body := strings.TrimFunc(s, isBlank)
	if body == "" {
		return false, 0, fmt.Errorf("amount %s: %w", quote(s), ErrEmpty)
	}
	if !utf8.ValidString(body) {
		return false, 0, syntax("not valid UTF-8")
	}
	if body[0] == '-' {
		neg, body = true, body[1:]
	}
	body = trimCurrency(body)
	if body == "" {
		return false, 0, syntax("no digits")
	}

	intPart, frac, hasMark := body, "", false
	if i := strings.IndexAny(body, ".,"); i >= 0 {
		intPart, frac, hasMark = body[:i], body[i+1:], true
		if strings.ContainsAny(frac, ".,") {
			return false, 0, syntax("more than one decimal mark ('.' and ',' are both decimal marks)")
		}
	}

	whole, err := parseInteger(intPart)
	if errors.Is(err, ErrOverflow) {
		return false, 0, fmt.Errorf("amount %s: %w", quote(s), ErrOverflow)
	}
	if err != nil {
		return false, 0, syntax(err.Error())
	}
	var cents uint64
	if hasMark {
		if frac == "" {
			return false, 0, syntax("no digits after the decimal mark")
		}
		if !allDigits(frac) {
			return false, 0, syntax("only digits may follow the decimal mark")
		}
		if len(frac) > 2 {
			return false, 0, fmt.Errorf("amount %s: %w", quote(s), ErrTooManyDecimals)
		}
		cents = uint64(frac[0] - '0')
		if len(frac) == 2 {
			cents = cents*10 + uint64(frac[1]-'0')
		} else {
			cents *= 10
		}
	}

	if whole > (math.MaxUint64-cents)/TiynPerTenge {
		return false, 0, fmt.Errorf("amount %s: %w", quote(s), ErrOverflow)
	}
	return neg, whole*TiynPerTenge + cents, nil
}

// trimCurrency removes a trailing "₸" or "KZT" (any case) and the blanks before it.
func trimCurrency(s string) string {
	switch {
	case strings.HasSuffix(s, "₸"):
		s = strings.TrimSuffix(s, "₸")
	case len(s) >= 3 && strings.EqualFold(s[len(s)-3:], "KZT"):
		s = s[:len(s)-3]
	default:
		return s
	}
	return strings.TrimRightFunc(s, isGroupSep)
}

// parseInteger reads the whole-tenge part: plain digits, or groups of three separated by one
// group separator each, the first group one to three digits long. A value past uint64 is
// ErrOverflow; any other error is a syntax reason.
func parseInteger(s string) (uint64, error) {
	if s == "" {
		return 0, fmt.Errorf("no digits before the decimal mark")
	}
	groups := strings.FieldsFunc(s, isGroupSep)
	if len(groups) > 1 || strings.IndexFunc(s, isGroupSep) >= 0 {
		// Rebuilding with single separators must give back s: no doubled, leading or
		// trailing separators.
		if !singlySeparated(s, groups) {
			return 0, fmt.Errorf("misplaced digit group separator")
		}
		for i, g := range groups {
			if !allDigits(g) {
				return 0, unexpected(g)
			}
			if (i == 0 && len(g) > 3) || (i > 0 && len(g) != 3) {
				return 0, fmt.Errorf("digit groups must have three digits")
			}
		}
	} else if !allDigits(s) {
		return 0, unexpected(s)
	}
	var v uint64
	for _, g := range groups {
		for i := 0; i < len(g); i++ {
			d := uint64(g[i] - '0')
			if v > (math.MaxUint64-d)/10 {
				return 0, ErrOverflow
			}
			v = v*10 + d
		}
	}
	return v, nil
}

// unexpected names the first character of s that is not an ASCII digit.
func unexpected(s string) error {
	for _, r := range s {
		if r < '0' || r > '9' {
			return fmt.Errorf("unexpected character %q", r)
		}
	}
	return fmt.Errorf("no digits")
}

func singlySeparated(s string, groups []string) bool {
	rest := s
	for i, g := range groups {
		if !strings.HasPrefix(rest, g) {
			return false
		}
		rest = rest[len(g):]
		if i == len(groups)-1 {
			return rest == ""
		}
		r, size := utf8.DecodeRuneInString(rest)
		if !isGroupSep(r) {
			return false
		}
		rest = rest[size:]
	}
	return false
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// quote quotes s for an error message, cut to a readable length: error text ends up in logs
// and on screens, and an attacker-sized input should not.
func quote(s string) string {
	const maxBytes = 64
	q := fmt.Sprintf("%q", s)
	if len(q) <= maxBytes {
		return q
	}
	r := []rune(s)
	if len(r) > maxBytes {
		r = r[:maxBytes]
	}
	for len(r) > 0 && len(fmt.Sprintf("%q", string(r))) > maxBytes {
		r = r[:len(r)-1]
	}
	return fmt.Sprintf("%q…", string(r))
}
