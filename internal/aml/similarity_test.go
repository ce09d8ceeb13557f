package aml

import (
	"math"
	"strings"
	"testing"
)

// The reference values are the textbook Jaro–Winkler examples (Winkler 1990), worked by hand:
// MARTHA/MARHTA 6 matches, 1 transposition: jaro = (1+1+5/6)/3 = 0.9444, prefix 3 →
// 0.9444 + 0.3·0.0556 = 0.9611; DIXON/DICKSONX 4 matches, 0 transpositions: jaro =
// (4/5+4/8+1)/3 = 0.7667, prefix 2 → 0.8133; DWAYNE/DUANE 4 matches: jaro = (4/6+4/5+1)/3 =
// 0.8222, prefix 1 → 0.84.
func TestJaroWinklerReferenceValues(t *testing.T) {
	cases := []struct {
		a, b string
		want float64
	}{
		{"MARTHA", "MARHTA", 0.9611},
		{"DIXON", "DICKSONX", 0.8133},
		{"DWAYNE", "DUANE", 0.84},
		{"ABC", "ABC", 1},
		{"ABC", "XYZ", 0},
		{"", "", 1},
		{"A", "", 0},
	}
	for _, c := range cases {
		got := jaroWinkler([]rune(c.a), []rune(c.b))
		if math.Abs(got-c.want) > 0.0005 {
			t.Errorf("jaroWinkler(%q, %q) = %.4f, want %.4f", c.a, c.b, got, c.want)
		}
		if back := jaroWinkler([]rune(c.b), []rune(c.a)); math.Abs(back-got) > 1e-9 {
			t.Errorf("not symmetric on %q, %q: %.4f vs %.4f", c.a, c.b, got, back)
		}
	}
}

func TestJaroWinklerLongTokensDoNotPanic(t *testing.T) {
	long := []rune(strings.Repeat("ab", 500))
	if s := jaroWinkler(long, long); s != 1 {
		t.Errorf("equal long tokens: %v", s)
	}
}

// The same name written in its Cyrillic, passport, Kazakh 2021 Latin and ГОСТ 7.79 spellings
// gives the same matching keys.
func TestR8_1_SpellingsOfOneNameShareKeys(t *testing.T) {
	groups := [][]string{
		{"Жандос", "Zhandos", "Jandos", "ЖАНДОС"},
		{"Қасымов", "Касымов", "Kasymov", "Qasymov", "Kassymov"},
		{"Юлия", "Yuliya", "Iuliia"},
		{"Хасан", "Khasan", "Hasan", "Hassan"},
		{"Щукин", "Shchukin", "Shhukin"},
		{"Цой", "Tsoi", "Tsoy"},
		{"Цветков", "Tsvetkov", "Czvetkov"},
		{"Шығыс", "Shygys", "Şyğys", "Shyghys"},
		{"Өмірзақов", "Omirzakov", "Ömirzaqov"},
		{"Ёлкин", "Елкин", "Elkin"},
		{"O'Neil", "ONeil", "o’neil"},
	}
	for _, g := range groups {
		want := strings.Join(nameTokens(g[0]), " ")
		for _, s := range g[1:] {
			if got := strings.Join(nameTokens(s), " "); got != want {
				t.Errorf("%q → %q, but %q → %q", g[0], want, s, got)
			}
		}
	}
}

func TestNameTokensSplitOnPunctuationAndIgnoreOrder(t *testing.T) {
	a := formOf("Қасымов, Жандос-Ерланұлы")
	b := formOf("ZHANDOS ERLANULY KASYMOV")
	if len(a) != 3 || nameSimilarity(a, b) != 1 {
		t.Errorf("tokens %q vs %q: similarity %v", a, b, nameSimilarity(a, b))
	}
}
