package kz

import (
	"fmt"
	"strings"
)

// The check digit of an IIN or a BIN (FACTS.md §7, Government decree No. 565 of 11.06.2003):
//
//	k = Σ d_i·i mod 11, i = 1..11
//	if k = 10: k = Σ d_i·w_i mod 11, w = 3 4 5 6 7 8 9 10 11 1 2
//	if k = 10 again the number is never issued; otherwise d_12 must equal k.
var secondWeights = [11]int{3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2}

// checkDigit computes the 12th digit of the 12-digit string s from its first 11.
// ok is false for the numbers that are never issued.
func checkDigit(s string) (k int, ok bool) {
	sum := 0
	for i := range 11 {
		sum += int(s[i]-'0') * (i + 1)
	}
	if k = sum % 11; k != 10 {
		return k, true
	}
	sum = 0
	for i := range 11 {
		sum += int(s[i]-'0') * secondWeights[i]
	}
	if k = sum % 11; k != 10 {
		return k, true
	}
	return 0, false
}

// twelveDigits checks the shape shared by IIN and BIN, after trimming surrounding blanks.
func twelveDigits(what, s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) != 12 {
		return "", parseErr(what, ErrFormat, fmt.Sprintf("must be 12 digits, got %d characters", len([]rune(s))))
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", parseErr(what, ErrFormat, fmt.Sprintf("must be 12 digits, found %q", r))
		}
	}
	return s, nil
}

// verifyCheckDigit returns a ParseError when the 12th digit of s is wrong.
func verifyCheckDigit(what, s string) error {
	k, ok := checkDigit(s)
	if !ok {
		return parseErr(what, ErrChecksum, "no check digit exists for the first 11 digits (such numbers are never issued)")
	}
	if int(s[11]-'0') != k {
		return parseErr(what, ErrChecksum, "check digit does not match")
	}
	return nil
}
