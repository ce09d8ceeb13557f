package kz

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/date"
)

// The IINs and BINs below are made up; their check digits were worked out by hand (and
// re-checked with a separate script), not produced by the package.

func TestParseIINValid(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in    string
		birth string
		sex   Sex
	}{
		{"900101300017", "1990-01-01", Male},
		{"850615412347", "1985-06-15", Female},
		{"040229600031", "2004-02-29", Female}, // 29 February of a leap year
		{"991231300421", "1999-12-31", Male},   // first sum ≡ 10: the second weights give 1
		{"900101300811", "1990-01-01", Male},   // the same
		{"990101100010", "1899-01-01", Male},   // century digit 1
		{" 900101300017\n", "1990-01-01", Male},
	}
	for _, c := range cases {
		n, err := ParseIIN(c.in)
		if err != nil {
			t.Errorf("ParseIIN(%q): %v", c.in, err)
			continue
		}
		if got := n.BirthDate().String(); got != c.birth {
			t.Errorf("%s: birth date %s, want %s", c.in, got, c.birth)
		}
		if n.Sex() != c.sex {
			t.Errorf("%s: sex %v, want %v", c.in, n.Sex(), c.sex)
		}
		if n.String() != strings.TrimSpace(c.in) {
			t.Errorf("String() = %q", n.String())
		}
	}
}

func TestParseIINRefusesWithSpecificReason(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in     string
		err    error
		reason string
	}{
		{"900101300018", ErrChecksum, "check digit does not match"},
		{"900101300800", ErrChecksum, "never issued"}, // both sums ≡ 10
		{"900101300801", ErrChecksum, "never issued"},
		{"900230300017", ErrDate, "birth date 1990-02-30 does not exist"},
		{"050229500017", ErrDate, "birth date 2005-02-29 does not exist"},
		{"901301300017", ErrDate, "birth date 1990-13-01 does not exist"},
		{"900100300017", ErrDate, "birth date 1990-01-00 does not exist"},
		{"900101700017", ErrCode, "century digit 7"},
		{"900101000017", ErrCode, "century digit 0"},
		{"900141300017", ErrCode, "marks a BIN"},
		{"90010130001", ErrFormat, "12 digits, got 11"},
		{"9001013000170", ErrFormat, "12 digits, got 13"},
		{"90010130001a", ErrFormat, "found 'a'"},
		{"9001 1300017", ErrFormat, "found ' '"},
		{"", ErrFormat, "got 0"},
		{"９００１０１３０００１７", ErrFormat, ""}, // full-width digits
	}
	for _, c := range cases {
		_, err := ParseIIN(c.in)
		var pe *ParseError
		if !errors.Is(err, c.err) || !errors.As(err, &pe) || pe.What != "IIN" || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("ParseIIN(%q) = %v; want %v containing %q", c.in, err, c.err, c.reason)
		}
		if err != nil && len(c.in) == 12 && strings.Contains(err.Error(), c.in) {
			t.Errorf("error %q repeats the whole IIN", err)
		}
	}
}

// The НУЦ РК test certificates carry the IIN 123456789011 (testdata/nca/README.md). It is
// not a valid IIN: its check digit should be 3 (the first sum is ≡ 10, the second gives 3),
// and it also has an impossible month 34 and a fifth digit of 5.
func TestNCATestIINFailsTheChecksum(t *testing.T) {
	t.Parallel()
	if err := verifyCheckDigit("IIN", "123456789011"); !errors.Is(err, ErrChecksum) {
		t.Errorf("checksum of 123456789011: %v, want ErrChecksum", err)
	}
	if k, ok := checkDigit("123456789011"); !ok || k != 3 {
		t.Errorf("checkDigit = %d, %v; want 3", k, ok)
	}
	if _, err := ParseIIN("123456789011"); err == nil {
		t.Error("ParseIIN accepted the НУЦ test IIN")
	}
	if _, err := ParseBIN("123456789011"); err == nil {
		t.Error("ParseBIN accepted the НУЦ test IIN")
	}
}

func TestIINMaskingKeepsItOutOfLogs(t *testing.T) {
	t.Parallel()
	n, err := ParseIIN("900101300017")
	if err != nil {
		t.Fatal(err)
	}
	if n.Masked() != "900101******" {
		t.Errorf("Masked() = %q", n.Masked())
	}
	var buf strings.Builder
	slog.New(slog.NewTextHandler(&buf, nil)).Info("client registered", "iin", n)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("client registered", slog.Any("iin", n))
	if strings.Contains(buf.String(), "900101300017") || !strings.Contains(buf.String(), "900101******") {
		t.Errorf("log output: %s", buf.String())
	}
	var zero IIN
	if zero.Masked() != "" || zero.Sex() != 0 || zero.BirthDate() != (date.Date{}) {
		t.Error("zero IIN methods must be harmless")
	}
}

func TestParseBINValid(t *testing.T) {
	t.Parallel()
	today := date.Of(2026, time.March, 1)
	cases := []struct {
		in    string
		typ   BINType
		unit  BINUnit
		year  int
		month time.Month
	}{
		{"240340012341", ResidentLegalEntity, HeadUnit, 2024, time.March}, // second weights
		{"150851000127", NonResidentLegalEntity, Branch, 2015, time.August},
		{"991263000019", JointEntrepreneurship, PeasantFarm, 1999, time.December},
		{"240340001811", ResidentLegalEntity, HeadUnit, 2024, time.March},
	}
	for _, c := range cases {
		b, err := ParseBIN(c.in)
		if err != nil {
			t.Errorf("ParseBIN(%q): %v", c.in, err)
			continue
		}
		if b.Type() != c.typ || b.Unit() != c.unit {
			t.Errorf("%s: %v / %v", c.in, b.Type(), b.Unit())
		}
		if y, m := b.RegisteredYearMonth(today); y != c.year || m != c.month {
			t.Errorf("%s: registered %d-%02d, want %d-%02d", c.in, y, m, c.year, c.month)
		}
		if b.String() != c.in {
			t.Errorf("String() = %q", b.String())
		}
	}
}

func TestBINCenturyFollowsToday(t *testing.T) {
	t.Parallel()
	b, err := ParseBIN("240340012341")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		today string
		year  int
	}{{"2024-01-01", 2024}, {"2026-06-01", 2024}, {"2023-12-31", 1924}, {"2124-01-01", 2124}, {"2125-01-01", 2124}} {
		if y, _ := b.RegisteredYearMonth(mustDate(t, c.today)); y != c.year {
			t.Errorf("today %s: year %d, want %d", c.today, y, c.year)
		}
	}
}

func TestParseBINRefusesWithSpecificReason(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in     string
		err    error
		reason string
	}{
		{"240340012342", ErrChecksum, "check digit does not match"},
		{"240340001800", ErrChecksum, "never issued"},
		{"241340012341", ErrDate, "registration month 13"},
		{"240040012341", ErrDate, "registration month 00"},
		{"240370012341", ErrCode, "type digit 7"},
		{"240330012341", ErrCode, "marks an IIN"},
		{"240344012341", ErrCode, "unit digit 4"},
		{"24034001234", ErrFormat, "12 digits"},
		{"2403400123-1", ErrFormat, "found '-'"},
	}
	for _, c := range cases {
		_, err := ParseBIN(c.in)
		var pe *ParseError
		if !errors.Is(err, c.err) || !errors.As(err, &pe) || pe.What != "BIN" || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("ParseBIN(%q) = %v; want %v containing %q", c.in, err, c.err, c.reason)
		}
	}
}

func TestKindTellsIINFromBIN(t *testing.T) {
	t.Parallel()
	cases := map[string]IDKind{
		"900101300017": KindIIN,
		"240340012341": KindBIN,
		"991263000019": KindBIN,
		"240570000000": KindUnknown, // fifth digit 7
		"24034001234":  KindUnknown,
		"abc":          KindUnknown,
	}
	for in, want := range cases {
		if got := Kind(in); got != want {
			t.Errorf("Kind(%q) = %v, want %v", in, got, want)
		}
	}
	if !IsBIN("240340012341") || IsBIN("900101300017") {
		t.Error("IsBIN disagrees with Kind")
	}
}

func mustDate(t *testing.T, s string) date.Date {
	t.Helper()
	d, err := date.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
