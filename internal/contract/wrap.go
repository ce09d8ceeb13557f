package contract

import (
	"iter"
	"unicode"
	"unicode/utf8"
)

// wrap breaks s into lines no wider than width in the current font. It breaks at ordinary
// spaces, never inside an amount ("1 234 567,89 ₸" keeps its group spaces), and cuts a word
// longer than a line. Where s has the words of a line one space apart, as it nearly always
// does, the line is a slice of s rather than a new string.
func wrap(pdf *pdfDoc, s string, width float64) []string {
	space := pdf.GetStringWidth(" ")
	lines := make([]string, 0, 4)
	cur, curW := "", 0.0
	curEnd := -1 // where cur ends in s if it is a slice of s, else -1
	for start, end := range wordSpans(s) {
		w := s[start:end]
		ww := pdf.GetStringWidth(w)
		if cur != "" && curW+space+ww <= width {
			if curEnd >= 0 && start == curEnd+1 { // one space apart: s holds the line
				cur, curEnd = s[curEnd-len(cur):end], end
			} else {
				cur, curEnd = cur+" "+w, -1
			}
			curW += space + ww
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		for ww > width { // a word longer than a line: cut it
			n, nw := start, 0.0
			for n < end {
				r, size := utf8.DecodeRuneInString(s[n:end])
				cw := pdf.runeWidth(r)
				if n > start && nw+cw > width {
					break
				}
				n, nw = n+size, nw+cw
			}
			lines = append(lines, s[start:n])
			start = n
			ww = pdf.GetStringWidth(s[start:end])
		}
		cur, curW, curEnd = s[start:end], ww, end
	}
	if cur != "" || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// wordSpans yields the start and end of each word of s: it splits at spaces except those
// inside an amount, between two digits or between a digit and the tenge sign.
func wordSpans(s string) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		start := 0
		for i := 0; i < len(s); i++ {
			if s[i] != ' ' {
				continue
			}
			if i > 0 && i+1 < len(s) {
				prev, _ := utf8.DecodeLastRuneInString(s[:i])
				next, _ := utf8.DecodeRuneInString(s[i+1:])
				if isDigit(prev) && (isDigit(next) || next == '₸') {
					continue
				}
			}
			if i > start && !yield(start, i) {
				return
			}
			start = i + 1
		}
		if start < len(s) {
			yield(start, len(s))
		}
	}
}

// isDigit is unicode.IsDigit, answered without a table search below U+0660, the first decimal
// digit after ASCII's: wrapping asks it of the letters around every space.
func isDigit(r rune) bool {
	if r < 0x660 {
		return '0' <= r && r <= '9'
	}
	return unicode.IsDigit(r)
}

// splitWords is the words of s as wrap sees them (wordSpans).
func splitWords(s string) []string {
	var words []string
	for start, end := range wordSpans(s) {
		words = append(words, s[start:end])
	}
	return words
}
