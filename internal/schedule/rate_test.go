package schedule

import (
	"errors"
	"math/big"
	"regexp"
	"strings"
	"testing"
)

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in    string
		micro int64
		str   string
	}{
		{"34.5", 34_500_000, "34.5"},
		{"34,5", 34_500_000, "34.5"},
		{"0", 0, "0"},
		{"0.29", 290_000, "0.29"},
		{"46", 46_000_000, "46"},
		{"0.000001", 1, "0.000001"},
		{"007.50", 7_500_000, "7.5"},
		{"1000", 1_000_000_000, "1000"},
	} {
		r, err := ParseRate(tc.in)
		if err != nil || r.Micro() != tc.micro || r.String() != tc.str {
			t.Errorf("ParseRate(%q) = %d %q, %v; want %d %q", tc.in, r.Micro(), r.String(), err, tc.micro, tc.str)
		}
	}
	for _, in := range []string{"", "-1", "+1", "1e2", " 1", "1 ", "1.", ".5", "1.2.3", "1,2,3", "0.0000001",
		"1000.000001", "1001", "99999999999999999999", "12a", "٣", "1_0", "NaN", "inf"} {
		if r, err := ParseRate(in); err == nil || !errors.Is(err, ErrRate) {
			t.Errorf("ParseRate(%q) = %v, %v; want ErrRate", in, r, err)
		}
	}
}

var plainRate = regexp.MustCompile(`^([0-9]+)(?:[.,]([0-9]{1,6}))?$`)

// FuzzParseRate: nothing panics, and what is accepted is exactly the number written, by an
// independent reading (big.Rat), within 0..1000, and survives String and back.
func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"34.5", "0", "0,29", "1000", "1000.000001", "-1", "1e3", "", "0.1234567", "00000000000000000000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err != nil {
			if !errors.Is(err, ErrRate) {
				t.Fatalf("ParseRate(%q): error %v does not wrap ErrRate", s, err)
			}
			return
		}
		if !plainRate.MatchString(s) {
			t.Fatalf("ParseRate accepted %q, which is not a plain decimal", s)
		}
		want, ok := new(big.Rat).SetString(strings.Replace(s, ",", ".", 1))
		if !ok {
			t.Fatalf("big.Rat cannot read accepted %q", s)
		}
		got := new(big.Rat).SetFrac64(r.Micro(), MicroPerPercent)
		if want.Cmp(got) != 0 || got.Cmp(big.NewRat(1000, 1)) > 0 {
			t.Fatalf("ParseRate(%q) = %s, want %s within 0..1000", s, got.RatString(), want.RatString())
		}
		back, err := ParseRate(r.String())
		if err != nil || back != r {
			t.Fatalf("round trip of %q via %q: %v, %v", s, r.String(), back, err)
		}
	})
}
