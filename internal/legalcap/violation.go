package legalcap

import (
	"fmt"
	"strconv"
	"strings"

	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

// Code identifies a kind of violation; the codes are part of the API contract.
type Code string

const (
	// GESVAboveCap: the ГЭСВ exceeds the general cap.
	GESVAboveCap Code = "gesv_above_cap"
	// ShortTermDailyRate: a short-term microcredit's daily rate is not below the limit.
	ShortTermDailyRate Code = "short_term_daily_rate"
	// ShortTermGESVAboveCap: a short-term microcredit's ГЭСВ exceeds the regime's cap.
	ShortTermGESVAboveCap Code = "short_term_gesv_above_cap"
	// AmountAboveCap: the amount exceeds the maximum in МРП.
	AmountAboveCap Code = "amount_above_cap"
	// PenaltyRateAboveCap: the contract's daily penalty exceeds the cap.
	PenaltyRateAboveCap Code = "penalty_rate_above_cap"
)

// Violation is one limit a contract breaks. Actual and Limit are in the unit of the code:
// tenths of a percent for the ГЭСВ codes, millionths of a percent per day for the daily-rate
// and penalty codes, tiyn for the amount. Days and MRP describe the short-term regime or the
// amount cap where they apply.
type Violation struct {
	Code   Code
	Actual int64
	Limit  int64
	Days   int
	MRP    int64
	kind   unit
}

type unit int

const (
	permille unit = iota + 1
	dailyRate
	amount
)

// Error makes a Violation usable as an error; the text is English.
func (v Violation) Error() string { return v.Message("en") }

// Message explains the violation in "ru", "kk" or "en" (any other language gets ru, the
// product's default; a region suffix such as "kk-KZ" is ignored).
func (v Violation) Message(lang string) string {
	lang = baseLang(lang)
	actual, limit := v.format(v.Actual, lang), v.format(v.Limit, lang)
	mrp := groupThousands(v.MRP, lang)
	switch v.Code {
	case GESVAboveCap:
		return pick(lang,
			fmt.Sprintf("ГЭСВ %s превышает предельное значение %s", actual, limit),
			fmt.Sprintf("ЖТСМ %s шекті мәннен (%s) асады", actual, limit),
			fmt.Sprintf("the annual effective rate %s exceeds the cap of %s", actual, limit))
	case ShortTermDailyRate:
		return pick(lang,
			fmt.Sprintf("ставка вознаграждения %s в день по краткосрочному микрокредиту (до %d дней и до %s МРП) должна быть ниже %s", actual, v.Days, mrp, limit),
			fmt.Sprintf("қысқа мерзімді микрокредит (%d күнге дейін, %s АЕК-ке дейін) бойынша күндік сыйақы мөлшерлемесі %s; ол %s шегінен төмен болуы тиіс", v.Days, mrp, actual, limit),
			fmt.Sprintf("the daily rate %s of a short-term microcredit (up to %d days and %s MCI) must be below %s", actual, v.Days, mrp, limit))
	case ShortTermGESVAboveCap:
		return pick(lang,
			fmt.Sprintf("ГЭСВ %s по краткосрочному микрокредиту (до %d дней и до %s МРП) превышает предельное значение %s", actual, v.Days, mrp, limit),
			fmt.Sprintf("қысқа мерзімді микрокредит (%d күнге дейін, %s АЕК-ке дейін) бойынша ЖТСМ %s шекті мәннен (%s) асады", v.Days, mrp, actual, limit),
			fmt.Sprintf("the annual effective rate %s of a short-term microcredit (up to %d days and %s MCI) exceeds the cap of %s", actual, v.Days, mrp, limit))
	case AmountAboveCap:
		return pick(lang,
			fmt.Sprintf("сумма микрокредита %s превышает %s МРП (%s)", actual, mrp, limit),
			fmt.Sprintf("микрокредит сомасы %s %s АЕК шегінен (%s) асады", actual, mrp, limit),
			fmt.Sprintf("the amount %s exceeds %s MCI (%s)", actual, mrp, limit))
	case PenaltyRateAboveCap:
		return pick(lang,
			fmt.Sprintf("неустойка %s в день превышает предельные %s просроченной суммы в день", actual, limit),
			fmt.Sprintf("тұрақсыздық айыбы күніне %s, ол мерзімі өткен соманың күніне %s шегінен асады", actual, limit),
			fmt.Sprintf("the penalty of %s a day exceeds the cap of %s of the overdue amount a day", actual, limit))
	}
	return string(v.Code)
}

func pick(lang, ru, kk, en string) string {
	switch lang {
	case "kk":
		return kk
	case "en":
		return en
	}
	return ru
}

func baseLang(lang string) string {
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return strings.ToLower(lang)
}

// format renders a value of the violation's unit; ru and kk write a decimal comma.
func (v Violation) format(x int64, lang string) string {
	var s string
	switch v.kind {
	case amount:
		return money.Amount(x).Format(lang)
	case permille:
		sign := ""
		if x < 0 {
			sign, x = "-", -x
		}
		s = fmt.Sprintf("%s%d.%d %%", sign, x/10, x%10)
	case dailyRate:
		r, err := schedule.NewRate(x)
		if err != nil {
			s = strconv.FormatInt(x, 10) + "e-6 %"
		} else {
			s = r.String() + " %"
		}
	default:
		s = strconv.FormatInt(x, 10)
	}
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// groupThousands writes n with a space (ru, kk) or a comma (en) between groups of three.
func groupThousands(n int64, lang string) string {
	sep := " "
	if lang == "en" {
		sep = ","
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}
