package kz

import (
	"fmt"
	"log/slog"
	"time"

	"nesie.kz/nesie/internal/date"
)

// IIN is an individual identification number (ИИН) that passed ParseIIN: 12 digits, YYMMDD
// birth date, century/sex digit, 4-digit serial, check digit. The zero value is no IIN.
//
// An IIN is personal data: it reaches logs only through LogValue, which masks it.
type IIN struct{ digits string }

// Sex is the sex encoded in an IIN's seventh digit.
type Sex int8

const (
	// Male: odd century digit.
	Male Sex = iota + 1
	// Female: even century digit.
	Female
)

// String returns "male" or "female".
func (s Sex) String() string {
	switch s {
	case Male:
		return "male"
	case Female:
		return "female"
	}
	return "unknown"
}

// ParseIIN checks s as an IIN: 12 ASCII digits (surrounding blanks are ignored), a century
// digit from 1 to 6, a birth date that exists, and the check digit. The errors are
// *ParseError with a specific reason ("century digit 7 …", "birth date 1990-02-30 does not
// exist", "check digit does not match").
//
// It does not compare the birth date with today: a pure function has no "today", and the
// onboarding rules that need an age take it from the clock.
func ParseIIN(s string) (IIN, error) {
	const what = "IIN"
	s, err := twelveDigits(what, s)
	if err != nil {
		return IIN{}, err
	}
	if t := s[4]; t >= '4' && t <= '6' {
		return IIN{}, parseErr(what, ErrCode, fmt.Sprintf("5th digit %c marks a BIN, not an IIN", t))
	}
	c := s[6]
	if c < '1' || c > '6' {
		return IIN{}, parseErr(what, ErrCode, fmt.Sprintf("century digit %c (must be 1 to 6)", c))
	}
	year := centuryOf(c) + atoi2(s[0:2])
	month, day := atoi2(s[2:4]), atoi2(s[4:6])
	if month < 1 || month > 12 || day < 1 || day > date.DaysIn(year, time.Month(month)) {
		return IIN{}, parseErr(what, ErrDate, fmt.Sprintf("birth date %04d-%s-%s does not exist", year, s[2:4], s[4:6]))
	}
	if err := verifyCheckDigit(what, s); err != nil {
		return IIN{}, err
	}
	return IIN{digits: s}, nil
}

// centuryOf returns the first year of the century encoded by digit c (1–6).
func centuryOf(c byte) int {
	switch c {
	case '1', '2':
		return 1800
	case '3', '4':
		return 1900
	}
	return 2000
}

func atoi2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

// String returns the 12 digits. Use it to store or transmit the IIN, never to log it.
func (n IIN) String() string { return n.digits }

// IsZero reports whether n is the zero value (no IIN).
func (n IIN) IsZero() bool { return n.digits == "" }

// BirthDate returns the date of birth encoded in the IIN.
func (n IIN) BirthDate() date.Date {
	if n.IsZero() {
		return date.Date{}
	}
	return date.Of(centuryOf(n.digits[6])+atoi2(n.digits[0:2]), time.Month(atoi2(n.digits[2:4])), atoi2(n.digits[4:6]))
}

// Sex returns the sex encoded in the IIN: odd century digit male, even female.
func (n IIN) Sex() Sex {
	if n.IsZero() {
		return 0
	}
	if (n.digits[6]-'0')%2 == 1 {
		return Male
	}
	return Female
}

// Masked returns the IIN with the six digits after the birth date hidden: "900101******".
// The birth date alone does not identify a person; the serial and check digit would.
func (n IIN) Masked() string {
	if n.IsZero() {
		return ""
	}
	return n.digits[:6] + "******"
}

// LogValue makes slog print the masked form, so a full IIN never reaches a log line.
func (n IIN) LogValue() slog.Value { return slog.StringValue(n.Masked()) }
