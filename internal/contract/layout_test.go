package contract

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

// wrapByConcatenation is wrap as it was first written, building each line by concatenation;
// wrap now slices lines out of its input and must break every text exactly as this did (the
// bytes of signed contracts depend on it).
func wrapByConcatenation(pdf *pdfDoc, s string, width float64) []string {
	space := pdf.GetStringWidth(" ")
	var lines []string
	cur, curW := "", 0.0
	for _, w := range splitWords(s) {
		ww := pdf.GetStringWidth(w)
		if cur != "" && curW+space+ww <= width {
			cur, curW = cur+" "+w, curW+space+ww
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		for ww > width {
			r := []rune(w)
			n, nw := 0, 0.0
			for n < len(r) {
				cw := pdf.GetStringWidth(string(r[n]))
				if n > 0 && nw+cw > width {
					break
				}
				n, nw = n+1, nw+cw
			}
			lines = append(lines, string(r[:n]))
			w = string(r[n:])
			ww = pdf.GetStringWidth(w)
		}
		cur, curW = w, ww
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

func TestWrapBreaksAsByConcatenation(t *testing.T) {
	pdf, err := newPDF(time.Date(2026, 1, 14, 0, 0, 0, 0, time.UTC), "t")
	if err != nil {
		t.Fatal(err)
	}
	defer pdf.release()
	pieces := []string{"сумма", "1", "234", "567,89", "₸", " ", " ", "  ", "Қанатқызы", "a", "жиһазын",
		strings.Repeat("Ұзақ", 12), strings.Repeat("ә", 40), "«", "»", "№", "12", "0", "x"}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 20000 {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
			if rng.IntN(3) > 0 {
				b.WriteByte(' ')
			}
		}
		s := b.String()
		pdf.SetFont([]string{"", "B"}[i%2], []float64{7, 8, 9, 10, 12}[i%5])
		width := []float64{3, 8, 20, 57, 178}[rng.IntN(5)]
		if got, want := wrap(pdf, s, width), wrapByConcatenation(pdf, s, width); !slices.Equal(got, want) {
			t.Fatalf("wrap(%q, %v) = %q, want %q", s, width, got, want)
		}
	}
}

func TestIsDigitIsUnicodeIsDigit(t *testing.T) {
	for r := rune(-1); r <= 0x10FFFF+1; r++ {
		if isDigit(r) != unicode.IsDigit(r) {
			t.Fatalf("isDigit(%U) = %v", r, isDigit(r))
		}
	}
}
