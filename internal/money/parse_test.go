package money

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseAcceptsAmountsAsPeopleWriteThem(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want Amount
	}{
		{"0", 0},
		{"1234", 123400},
		{"1234.5", 123450},
		{"1234.56", 123456},
		{"1234,56", 123456},
		{"1234,05", 123405},
		{"1 234,56", 123456},
		{"1 234 567,89", 123456789},
		{"1\u00a0234\u00a0567,89", 123456789},
		{"1\u202f234,5", 123450},
		{"1 234\u00a0567", 123456700},
		{"1 234,56 ₸", 123456},
		{"1\u00a0234,56\u00a0₸", 123456},
		{"1234.56₸", 123456},
		{"1234.56 KZT", 123456},
		{"1234 kzt", 123400},
		{"  42 \n", 4200},
		{"007", 700},
		{"100 000", 10000000},
		{"92233720368547758.07", math.MaxInt64},
		{"92 233 720 368 547 758,07 ₸", math.MaxInt64},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}

func TestParseRefusesWithANamedReason(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want error
	}{
		{"", ErrEmpty},
		{" \u00a0 ", ErrEmpty},
		{"12.345", ErrTooManyDecimals},
		{"1,230", ErrTooManyDecimals},
		// A comma is a decimal mark, never a thousands separator: "1,234" is not 1 234 ₸.
		{"1,234", ErrTooManyDecimals},
		{"-5", ErrNegative},
		{"-1 234,00 ₸", ErrNegative},
		{"-0", ErrNegative},
		{"+5", ErrSyntax},
		{"1e5", ErrSyntax},
		{"1E5", ErrSyntax},
		{"abc", ErrSyntax},
		{"12a", ErrSyntax},
		{"1.2.3", ErrSyntax},
		{"1,234.56", ErrSyntax},
		{"₸1,234.56", ErrSyntax},
		{"1 23", ErrSyntax},
		{"1234 567", ErrSyntax},
		{"1  234", ErrSyntax},
		{"1 234.", ErrSyntax},
		{".5", ErrSyntax},
		{"5.", ErrSyntax},
		{"₸", ErrSyntax},
		{"₸5", ErrSyntax},
		{"5 ₸ ₸", ErrSyntax},
		{"0x10", ErrSyntax},
		{"１２", ErrSyntax}, // full-width digits
		{"NaN", ErrSyntax},
		{"Inf", ErrSyntax},
		{"1_000", ErrSyntax},
		{"1.2 3", ErrSyntax},
		{"--5", ErrSyntax},
		{"\xff", ErrSyntax},
		{"92233720368547758.08", ErrOverflow},
		{"99999999999999999999999", ErrOverflow},
		{"18446744073709551616", ErrOverflow},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if !errors.Is(err, c.want) {
			t.Errorf("Parse(%q) = %d, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestParseSignedAllowsALeadingMinus(t *testing.T) {
	t.Parallel()
	ok := []struct {
		in   string
		want Amount
	}{
		{"-1 234,00 ₸", -123400},
		{"-0", 0},
		{"-0,01", -1},
		{"15", 1500},
		{"-92233720368547758.08", math.MinInt64},
	}
	for _, c := range ok {
		got, err := ParseSigned(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseSigned(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	bad := []struct {
		in   string
		want error
	}{
		{"-92233720368547758.09", ErrOverflow},
		{"92233720368547758.08", ErrOverflow},
		{"--5", ErrSyntax},
		{"- 5", ErrSyntax},
		{"+5", ErrSyntax},
		{"-", ErrSyntax},
		{"-1.005", ErrTooManyDecimals},
	}
	for _, c := range bad {
		if got, err := ParseSigned(c.in); !errors.Is(err, c.want) {
			t.Errorf("ParseSigned(%q) = %d, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestParseErrorsAreReadableAndBounded(t *testing.T) {
	t.Parallel()
	_, err := Parse("12.345")
	if err == nil || err.Error() != `amount "12.345": more than two decimal places` {
		t.Errorf("message = %v", err)
	}
	_, err = Parse("1 23")
	if err == nil || !strings.Contains(err.Error(), "three digits") {
		t.Errorf("message = %v, want the reason about digit groups", err)
	}
	_, err = Parse(strings.Repeat("9", 10000) + "x")
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("a 10 000-character input gave a %d-byte message", len(err.Error()))
	}
}

func TestFromTengeChecksOverflow(t *testing.T) {
	t.Parallel()
	if a, err := FromTenge(3932); err != nil || a.Tiyn() != 393200 {
		t.Errorf("FromTenge(3932) = %d, %v", a, err)
	}
	if a, err := FromTenge(92233720368547758); err != nil || a.Tiyn() != 9223372036854775800 {
		t.Errorf("FromTenge(max) = %d, %v", a, err)
	}
	if a, err := FromTenge(-92233720368547758); err != nil || a.Tiyn() != -9223372036854775800 {
		t.Errorf("FromTenge(min) = %d, %v", a, err)
	}
	for _, tg := range []int64{92233720368547759, -92233720368547759, math.MaxInt64, math.MinInt64} {
		if _, err := FromTenge(tg); !errors.Is(err, ErrOverflow) {
			t.Errorf("FromTenge(%d) err = %v, want ErrOverflow", tg, err)
		}
	}
}
