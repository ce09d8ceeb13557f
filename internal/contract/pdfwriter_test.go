package contract

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// appendNum must write every number exactly as strconv does: the bytes of signed contracts
// depend on it.
func TestAppendNumMatchesStrconv(t *testing.T) {
	values := []float64{0, math.Copysign(0, -1), 0.005, 0.015, 0.125, 0.375, 1.005, 2.675, -2.675, 1.115,
		-0.001, -0.004999, 0.995, 9.995, 99.995, 841.89, 595.28, 1e7 - 0.005, 1e9, -1e12, 123456789.125,
		math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64, math.MaxFloat64}
	for k := -200000; k <= 200000; k++ { // every multiple of 1/1000 up to ±200, and half-cent ties
		values = append(values, float64(k)/1000, float64(2*k+1)/200)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		values = append(values, (rng.Float64()-0.5)*2000, (rng.Float64()-0.5)*2e7, rng.NormFloat64())
	}
	for _, v := range values {
		if got, want := string(appendNum(nil, v)), strconv.FormatFloat(v, 'f', 2, 64); got != want {
			t.Fatalf("appendNum(%v) = %q, strconv gives %q", v, got, want)
		}
	}
}

// width decodes Cyrillic inline; it must measure exactly what ranging over the string shows,
// also for invalid UTF-8.
func TestWidthMatchesRangeOverRunes(t *testing.T) {
	fonts, err := fontsOnce()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", " ", "Ә", "қ", "ү", "ё", "₸", "№", "«", "漢", "🙂", "\xc0\x80", "\xc2", "\xff", "\xe2\x82", "\xd0", "é", "\u00a0", "\x00"}
	for range 20000 {
		var s string
		for range rng.IntN(12) {
			s += alphabet[rng.IntN(len(alphabet))]
		}
		for _, f := range []*pdfFont{&fonts.regular, &fonts.bold} {
			want := 0
			for _, r := range s {
				want += f.ttf.advance[f.gid(r)]
			}
			if got := f.width(s); got != want {
				t.Fatalf("width(%q) = %d, want %d", s, got, want)
			}
		}
	}
}
