package aml

import (
	"strings"
	"unicode"
)

// cyrillicToLatin spells each Russian and Kazakh Cyrillic letter (lower case) the way
// Kazakh and Russian passports commonly do (the ICAO/ГОСТ 7.79 system B family): the
// Kazakh letters first fall to their nearest Russian sound, as list compilers write them
// either way («Қасым» / «Касым»).
var cyrillicToLatin = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh",
	'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	// Kazakh letters, to their Russian equivalents' spelling.
	'ә': "a", 'ғ': "g", 'қ': "k", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "kh", 'і': "i",
	// Ukrainian/Belarusian letters seen in UN list names.
	'є': "e", 'ї': "i", 'ў': "u", 'ґ': "g",
}

// latinFolds maps the accented Latin letters of the Kazakh 2021 alphabet (and its 2017–2018
// predecessors, and the Turkish-style letters transliterations use) to plain ASCII.
var latinFolds = map[rune]string{
	'á': "a", 'ä': "a", 'à': "a", 'â': "a", 'ã': "a", 'å': "a", 'ā': "a",
	'ǵ': "g", 'ğ': "g", 'ń': "n", 'ñ': "n", 'ó': "o", 'ö': "o", 'ò': "o", 'ô': "o", 'ō': "o", 'ø': "o",
	'ú': "u", 'ü': "u", 'ū': "u", 'ù': "u", 'û': "u", 'ı': "i", 'í': "i", 'ì': "i", 'î': "i", 'ï': "i",
	'ý': "y", 'ÿ': "y", 'ş': "sh", 'ś': "s", 'š': "sh", 'ç': "ch", 'č': "ch", 'ć': "c", 'ž': "zh", 'ź': "z", 'ż': "z",
	'é': "e", 'è': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ß': "ss", 'đ': "d", 'ł': "l",
}

// spellingRules bring the variant Latin spellings of one Cyrillic sound to one form, applied
// in order after transliteration: «Жанна» may be Zhanna, Janna (Kazakh 2021 Latin) or
// Dzhanna; «Юлия» Yuliya or Iuliia; «Хасан» Khasan or Hasan. ГОСТ 7.79 system B's cz/shh for
// ц/щ come in too, but not its j for й: in Kazakh names J is Ж. The result is a matching
// key, not a spelling to show anyone.
var spellingRules = strings.NewReplacer(
	"shch", "sh", "shh", "sh", "sch", "sh",
	"dzh", "j", "dj", "j", "zh", "j",
	"kh", "h", "gh", "g", "cz", "ts", "tz", "ts",
	"x", "ks", "q", "k", "w", "v",
	"yu", "iu", "ya", "ia", "yo", "io",
	"y", "i",
)

// nameTokens turns a name into its matching keys: lower case, Cyrillic (Russian and Kazakh)
// and accented Latin transliterated to ASCII, variant spellings merged, doubled letters
// single, punctuation a word break. Word order is not kept: names are compared as sets.
// Letters of other scripts (an Arabic original-script name) are kept as they are, lower-cased.
func nameTokens(name string) []string {
	var b strings.Builder
	var out []string
	flush := func() {
		if b.Len() == 0 {
			return
		}
		t := collapseDoubles(spellingRules.Replace(b.String()))
		if t != "" {
			out = append(out, t)
		}
		b.Reset()
	}
	for _, r := range name {
		r = unicode.ToLower(r)
		if s, ok := cyrillicToLatin[r]; ok {
			b.WriteString(s)
			continue
		}
		if s, ok := latinFolds[r]; ok {
			b.WriteString(s)
			continue
		}
		switch {
		case r == '\'' || r == '’' || r == 'ʼ' || r == '`':
			// Apostrophes inside a name (O'Brien, ГОСТ's y') join, not split.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			// A combining accent left by decomposed input: drop it, keep the letter.
		default:
			flush()
		}
	}
	flush()
	return out
}

// collapseDoubles writes doubled letters once: Hassan and Хасан, Zhanna and Жана compare
// equal, as lists spell them both ways.
func collapseDoubles(s string) string {
	var b strings.Builder
	var prev rune = -1
	for _, r := range s {
		if r != prev {
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}
