package contract

import "strings"

// The ГЭСВ is stated in digits and in words (FACTS.md §1.1, after NBRK No. 378). These
// functions spell the rate, a number of tenths of a percent, in Russian and Kazakh. Rates are
// below 1 000 % by the caps (≤ 179 %), but anything below a million is spelled.

var (
	ruUnitsM    = []string{"", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"}
	ruUnitsF    = []string{"", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"}
	ruTeens     = []string{"десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"}
	ruTens      = []string{"", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"}
	ruHundreds  = []string{"", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"}
	kkUnits     = []string{"", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"}
	kkTens      = []string{"", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан"}
	maxSpelled  = int64(999_999)
	ruThousands = [3]string{"тысяча", "тысячи", "тысяч"}
)

// ruPlural picks the form of a noun after n: 1 рубль, 2 рубля, 5 рублей.
func ruPlural(n int64, one, few, many string) string {
	n %= 100
	if n >= 11 && n <= 14 {
		return many
	}
	switch n % 10 {
	case 1:
		return one
	case 2, 3, 4:
		return few
	}
	return many
}

// ruBelowThousand spells 1…999; feminine picks одна/две.
func ruBelowThousand(n int64, feminine bool) []string {
	var w []string
	if h := n / 100; h > 0 {
		w = append(w, ruHundreds[h])
	}
	n %= 100
	switch {
	case n >= 10 && n < 20:
		w = append(w, ruTeens[n-10])
	default:
		if t := n / 10; t > 0 {
			w = append(w, ruTens[t])
		}
		if u := n % 10; u > 0 {
			if feminine {
				w = append(w, ruUnitsF[u])
			} else {
				w = append(w, ruUnitsM[u])
			}
		}
	}
	return w
}

// ruNumber spells 0…999 999.
func ruNumber(n int64, feminine bool) string {
	if n == 0 {
		return "ноль"
	}
	var w []string
	if th := n / 1000; th > 0 {
		w = append(w, ruBelowThousand(th, true)...)
		w = append(w, ruPlural(th, ruThousands[0], ruThousands[1], ruThousands[2]))
	}
	if r := n % 1000; r > 0 {
		w = append(w, ruBelowThousand(r, feminine)...)
	}
	return strings.Join(w, " ")
}

// ruPercentWords spells a rate of permille tenths of a percent: 345 → «тридцать четыре целых
// пять десятых процента», 460 → «сорок шесть процентов».
func ruPercentWords(permille int64) string {
	if permille < 0 || permille/10 > maxSpelled {
		return ""
	}
	whole, tenth := permille/10, permille%10
	if tenth == 0 {
		return ruNumber(whole, false) + " " + ruPlural(whole, "процент", "процента", "процентов")
	}
	return ruNumber(whole, true) + " " + ruPlural(whole, "целая", "целых", "целых") + " " +
		ruNumber(tenth, true) + " " + ruPlural(tenth, "десятая", "десятых", "десятых") + " процента"
}

// kkBelowThousand spells 1…999.
func kkBelowThousand(n int64) []string {
	var w []string
	if h := n / 100; h > 0 {
		if h > 1 {
			w = append(w, kkUnits[h])
		}
		w = append(w, "жүз")
	}
	n %= 100
	if t := n / 10; t > 0 {
		w = append(w, kkTens[t])
	}
	if u := n % 10; u > 0 {
		w = append(w, kkUnits[u])
	}
	return w
}

// kkNumber spells 0…999 999.
func kkNumber(n int64) string {
	if n == 0 {
		return "нөл"
	}
	var w []string
	if th := n / 1000; th > 0 {
		w = append(w, kkBelowThousand(th)...)
		w = append(w, "мың")
	}
	if r := n % 1000; r > 0 {
		w = append(w, kkBelowThousand(r)...)
	}
	return strings.Join(w, " ")
}

// kkPercentWords spells a rate of permille tenths of a percent: 345 → «отыз төрт бүтін оннан
// бес пайыз». Kazakh nouns do not change after numerals.
func kkPercentWords(permille int64) string {
	if permille < 0 || permille/10 > maxSpelled {
		return ""
	}
	whole, tenth := permille/10, permille%10
	if tenth == 0 {
		return kkNumber(whole) + " пайыз"
	}
	return kkNumber(whole) + " бүтін оннан " + kkNumber(tenth) + " пайыз"
}
