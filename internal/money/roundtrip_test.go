package money

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestParseReadsBackFormat: whatever ru/kk formatting prints, Parse (or ParseSigned for
// negatives) reads back as the same number of tiyn.
func TestParseReadsBackFormat(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		a := Amount(rapid.OneOf(rapid.Int64(), rapid.Int64Range(-1_000_000, 1_000_000)).Draw(t, "a"))
		for _, lang := range []string{"ru", "kk"} {
			s := a.Format(lang)
			got, err := ParseSigned(s)
			if err != nil || got != a {
				t.Fatalf("ParseSigned(%q) = %d, %v; want %d", s, got, err, a)
			}
			if a >= 0 {
				if got, err := Parse(s); err != nil || got != a {
					t.Fatalf("Parse(%q) = %d, %v; want %d", s, got, err, a)
				}
			}
		}
	})
}

// TestParseReadsGeneratedSpellings builds the same amount in the many ways people write it
// (grouped or not, any of the three separators, either decimal mark, one or two decimals,
// optional ₸ or KZT) and checks the value Parse returns against the tiyn it was built from.
func TestParseReadsGeneratedSpellings(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		whole := rapid.Uint64Range(0, math.MaxInt64/100-1).Draw(t, "whole")
		cents := rapid.Uint64Range(0, 99).Draw(t, "cents")
		sep := rapid.SampledFrom([]string{"", " ", "\u00a0", "\u202f"}).Draw(t, "sep")
		mark := rapid.SampledFrom([]string{".", ","}).Draw(t, "mark")
		decimals := rapid.IntRange(0, 2).Draw(t, "decimals")
		suffix := rapid.SampledFrom([]string{"", "₸", " ₸", "\u00a0₸", "KZT", " kzt"}).Draw(t, "suffix")

		digits := fmt.Sprint(whole)
		var b strings.Builder
		for i := range len(digits) {
			if i > 0 && (len(digits)-i)%3 == 0 {
				b.WriteString(sep)
			}
			b.WriteByte(digits[i])
		}
		want := whole * 100
		switch decimals {
		case 1:
			d := cents / 10
			fmt.Fprintf(&b, "%s%d", mark, d)
			want += d * 10
		case 2:
			fmt.Fprintf(&b, "%s%02d", mark, cents)
			want += cents
		}
		b.WriteString(suffix)

		got, err := Parse(b.String())
		if err != nil || uint64(got) != want {
			t.Fatalf("Parse(%q) = %d, %v; want %d", b.String(), got, err, want)
		}
	})
}
