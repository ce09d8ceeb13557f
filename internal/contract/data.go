package contract

import (
	"fmt"
	"strings"
	"unicode"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/schedule"
)

// methodCodes are the names templates branch on; the wording lives in the templates so that a
// new version can change it.
var methodCodes = map[schedule.Method]string{
	schedule.Annuity:        "annuity",
	schedule.Differentiated: "differentiated",
	schedule.Bullet:         "bullet",
	schedule.Single:         "single",
}

// view is what a template sees: every value already formatted for lang and cleaned of
// characters that would break a line of the layout language.
type view struct {
	Number, Date, Version         string
	MFO                           Party
	Borrower                      Borrower
	Product                       string
	Consumer, Secured, CoolingOff bool
	Purpose, Payout               string
	Amount, Overpayment, TotalFee string
	Term                          int
	Days                          bool // the term is in days (else months)
	Rate, GESV, GESVWords         string
	Penalty                       string
	Method                        string
	FirstDate, FirstAmount        string
	Maturity                      string
}

func newView(t Terms, lang Lang, version string) view {
	first := firstPayment(t.Schedule)
	v := view{
		Number:      clean(t.Number),
		Date:        dmy(t.Date),
		Version:     version,
		MFO:         cleanParty(t.MFO),
		Borrower:    cleanBorrower(t.Borrower),
		Consumer:    t.Consumer,
		Secured:     t.Secured,
		CoolingOff:  t.CoolingOff,
		Purpose:     clean(t.Purpose),
		Payout:      clean(t.Payout),
		Amount:      t.Amount.Format(string(lang)),
		Overpayment: t.Overpayment.Format(string(lang)),
		TotalFee:    t.Schedule.TotalFee.Format(string(lang)),
		Term:        t.Term,
		Days:        t.Unit == schedule.Days,
		Rate:        decimalComma(t.AnnualRate.String()),
		GESV:        decimalComma(t.GESV.String()),
		Penalty:     decimalComma(t.PenaltyDaily.String()),
		Method:      methodCodes[t.Method],
		FirstDate:   dmy(first.Date),
		FirstAmount: first.Payment.Format(string(lang)),
		Maturity:    dmy(t.Schedule.Maturity()),
	}
	if lang == Kazakh {
		v.Product = clean(t.ProductNameKk)
		v.GESVWords = kkPercentWords(t.GESV.Permille())
	} else {
		v.Product = clean(t.ProductNameRu)
		v.GESVWords = ruPercentWords(t.GESV.Permille())
	}
	return v
}

// dmy is the date as contracts in Kazakhstan write it: 31.01.2026.
func dmy(d date.Date) string {
	y, m, dd := d.YMD()
	return fmt.Sprintf("%02d.%02d.%04d", dd, int(m), y)
}

func decimalComma(s string) string { return strings.ReplaceAll(s, ".", ",") }

// clean turns control characters (a newline in a name, a tab) into spaces and drops the
// characters the layout language uses as separators, so outside text cannot forge a row.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '|':
			return '/'
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return ' '
		case r == unicode.ReplacementChar || !printable(r):
			return '?'
		}
		return r
	}, strings.TrimSpace(s))
}

func cleanParty(p Party) Party {
	return Party{clean(p.Name), clean(p.BIN), clean(p.LegalAddress), clean(p.Phones), clean(p.Email), clean(p.HeadName)}
}

func cleanBorrower(b Borrower) Borrower {
	return Borrower{clean(b.FullName), clean(b.IIN), clean(b.BIN), clean(b.IDDocument), clean(b.Phone), b.Kind}
}

// scheduleRow is one line of the schedule form, formatted.
type scheduleRow struct{ cells [7]string }

func scheduleRows(s *schedule.Schedule, lang Lang) (rows []scheduleRow, total scheduleRow) {
	l := string(lang)
	for _, r := range s.Rows {
		rows = append(rows, scheduleRow{[7]string{
			fmt.Sprint(r.N), dmy(r.Date), r.Payment.Format(l), r.Principal.Format(l),
			r.Interest.Format(l), r.Fee.Format(l), r.Balance.Format(l),
		}})
	}
	total = scheduleRow{[7]string{"", "", s.TotalPayment.Format(l), s.TotalPrincipal.Format(l),
		s.TotalInterest.Format(l), s.TotalFee.Format(l), ""}}
	return rows, total
}
