package kz

import (
	"fmt"
	"time"

	"nesie.kz/nesie/internal/date"
)

// BIN is a business identification number (БИН) that passed ParseBIN: YYMM of registration,
// type digit, unit digit, 5-digit serial, check digit. The zero value is no BIN.
type BIN struct{ digits string }

// BINType is the BIN's fifth digit: what kind of organisation it identifies.
type BINType byte

const (
	// ResidentLegalEntity is type 4.
	ResidentLegalEntity BINType = 4
	// NonResidentLegalEntity is type 5.
	NonResidentLegalEntity BINType = 5
	// JointEntrepreneurship is type 6: an individual entrepreneur in joint entrepreneurship.
	JointEntrepreneurship BINType = 6
)

// String describes the type in words.
func (t BINType) String() string {
	switch t {
	case ResidentLegalEntity:
		return "resident legal entity"
	case NonResidentLegalEntity:
		return "non-resident legal entity"
	case JointEntrepreneurship:
		return "individual entrepreneur in joint entrepreneurship"
	}
	return fmt.Sprintf("BIN type %d", byte(t))
}

// BINUnit is the BIN's sixth digit: which part of the organisation it identifies.
type BINUnit byte

const (
	// HeadUnit is unit 0, the organisation itself.
	HeadUnit BINUnit = 0
	// Branch is unit 1 (филиал).
	Branch BINUnit = 1
	// RepresentativeOffice is unit 2 (представительство).
	RepresentativeOffice BINUnit = 2
	// PeasantFarm is unit 3 (крестьянское или фермерское хозяйство).
	PeasantFarm BINUnit = 3
)

// String describes the unit in words.
func (u BINUnit) String() string {
	switch u {
	case HeadUnit:
		return "head unit"
	case Branch:
		return "branch"
	case RepresentativeOffice:
		return "representative office"
	case PeasantFarm:
		return "peasant farm"
	}
	return fmt.Sprintf("BIN unit %d", byte(u))
}

// ParseBIN checks s as a BIN: 12 ASCII digits (surrounding blanks ignored), registration
// month 01–12, type 4–6, unit 0–3 and the check digit. Errors are *ParseError.
func ParseBIN(s string) (BIN, error) {
	const what = "BIN"
	s, err := twelveDigits(what, s)
	if err != nil {
		return BIN{}, err
	}
	if m := atoi2(s[2:4]); m < 1 || m > 12 {
		return BIN{}, parseErr(what, ErrDate, fmt.Sprintf("registration month %s does not exist", s[2:4]))
	}
	switch t := s[4]; {
	case t <= '3':
		return BIN{}, parseErr(what, ErrCode, fmt.Sprintf("5th digit %c marks an IIN, not a BIN", t))
	case t > '6':
		return BIN{}, parseErr(what, ErrCode, fmt.Sprintf("type digit %c (must be 4, 5 or 6)", t))
	}
	if u := s[5]; u > '3' {
		return BIN{}, parseErr(what, ErrCode, fmt.Sprintf("unit digit %c (must be 0 to 3)", u))
	}
	if err := verifyCheckDigit(what, s); err != nil {
		return BIN{}, err
	}
	return BIN{digits: s}, nil
}

// String returns the 12 digits.
func (b BIN) String() string { return b.digits }

// IsZero reports whether b is the zero value (no BIN).
func (b BIN) IsZero() bool { return b.digits == "" }

// Type returns the type encoded in the fifth digit.
func (b BIN) Type() BINType {
	if b.IsZero() {
		return 0
	}
	return BINType(b.digits[4] - '0')
}

// Unit returns the unit encoded in the sixth digit.
func (b BIN) Unit() BINUnit {
	if b.IsZero() {
		return 0
	}
	return BINUnit(b.digits[5] - '0')
}

// RegisteredYearMonth returns the year and month of registration. The BIN keeps only two
// digits of the year, and BINs were also given to organisations registered in the 1990s, so
// the century is chosen as the one that puts the year not after today's year: with today in
// 2026, "26" is 2026 and "27" is 1927 (no organisation is registered in the future).
// today comes from the caller's clock.
func (b BIN) RegisteredYearMonth(today date.Date) (int, time.Month) {
	if b.IsZero() {
		return 0, 0
	}
	yy := atoi2(b.digits[0:2])
	year := today.Year()/100*100 + yy
	if year > today.Year() {
		year -= 100
	}
	return year, time.Month(atoi2(b.digits[2:4]))
}

// IDKind tells an IIN from a BIN by shape.
type IDKind int

const (
	// KindUnknown: not 12 digits, or a fifth digit that neither an IIN nor a BIN can have.
	KindUnknown IDKind = iota
	// KindIIN: the fifth digit (tens of the birth day) is 0 to 3.
	KindIIN
	// KindBIN: the fifth digit (the type) is 4, 5 or 6.
	KindBIN
)

// String returns "IIN", "BIN" or "unknown".
func (k IDKind) String() string {
	switch k {
	case KindIIN:
		return "IIN"
	case KindBIN:
		return "BIN"
	}
	return "unknown"
}

// Kind classifies a 12-digit identifier by its fifth digit (FACTS.md §7: 4, 5 or 6 → BIN),
// to pick the parser for a field that accepts either. It does not validate: call ParseIIN or
// ParseBIN on the result.
func Kind(s string) IDKind {
	t, err := twelveDigits("", s)
	if err != nil {
		return KindUnknown
	}
	switch c := t[4]; {
	case c <= '3':
		return KindIIN
	case c <= '6':
		return KindBIN
	}
	return KindUnknown
}

// IsBIN reports whether s has the shape of a BIN (see Kind).
func IsBIN(s string) bool { return Kind(s) == KindBIN }
