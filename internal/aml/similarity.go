package aml

// jaroWinkler returns the Jaro–Winkler similarity of a and b, from 0 (nothing in common) to
// 1 (equal): the Jaro similarity (matching characters within a window, and their
// transpositions) raised for a common prefix of up to four characters, which suits names,
// where typos are rarer at the start.
func jaroWinkler(a, b []rune) float64 {
	j := jaro(a, b)
	if j < 0.7 {
		return j
	}
	prefix := 0
	for prefix < len(a) && prefix < len(b) && prefix < 4 && a[prefix] == b[prefix] {
		prefix++
	}
	return j + float64(prefix)*0.1*(1-j)
}

// maxRunes bounds the work on one token: a list's "name" of thousands of letters is not a
// name, and the comparison is quadratic in the worst case.
const maxRunes = 64

func jaro(a, b []rune) float64 {
	if len(a) > maxRunes {
		a = a[:maxRunes]
	}
	if len(b) > maxRunes {
		b = b[:maxRunes]
	}
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	window := max(len(a), len(b))/2 - 1
	window = max(window, 0)
	var aUsed, bUsed [maxRunes]bool
	matches := 0
	for i, r := range a {
		lo, hi := max(0, i-window), min(len(b)-1, i+window)
		for k := lo; k <= hi; k++ {
			if !bUsed[k] && b[k] == r {
				aUsed[i], bUsed[k] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	// Transpositions: matched characters that appear in a different order.
	half, k := 0, 0
	for i := range a {
		if !aUsed[i] {
			continue
		}
		for !bUsed[k] {
			k++
		}
		if a[i] != b[k] {
			half++
		}
		k++
	}
	m := float64(matches)
	return (m/float64(len(a)) + m/float64(len(b)) + (m-float64(half/2))/m) / 3
}
