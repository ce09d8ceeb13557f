package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/gesv"
	"nesie.kz/nesie/internal/legalcap"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

// scheduleJSON is the --json form of `nesie schedule`; amounts are integers in tiyn. It is
// part of the command's contract (DESIGN.md), so fields are only ever added.
type scheduleJSON struct {
	Rows           []scheduleRowJSON `json:"rows"`
	TotalPayment   int64             `json:"total_payment"`
	TotalPrincipal int64             `json:"total_principal"`
	TotalInterest  int64             `json:"total_interest"`
	TotalFee       int64             `json:"total_fee"`
	Overpayment    int64             `json:"overpayment"`
	GESV           string            `json:"gesv"`
	Violations     []violationJSON   `json:"violations"`
	CapsChecked    bool              `json:"caps_checked"`
}

type scheduleRowJSON struct {
	N         int    `json:"n"`
	Date      string `json:"date"`
	Payment   int64  `json:"payment"`
	Principal int64  `json:"principal"`
	Interest  int64  `json:"interest"`
	Fee       int64  `json:"fee"`
	Balance   int64  `json:"balance"`
}

type violationJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeScheduleJSON(w io.Writer, s *schedule.Schedule, d gesv.Disclosure, vs []legalcap.Violation, checked bool, lang string) error {
	out := scheduleJSON{
		Rows:           make([]scheduleRowJSON, 0, len(s.Rows)),
		TotalPayment:   s.TotalPayment.Tiyn(),
		TotalPrincipal: s.TotalPrincipal.Tiyn(),
		TotalInterest:  s.TotalInterest.Tiyn(),
		TotalFee:       s.TotalFee.Tiyn(),
		Overpayment:    d.Overpayment.Tiyn(),
		GESV:           d.Rate.String(),
		Violations:     make([]violationJSON, 0, len(vs)),
		CapsChecked:    checked,
	}
	for _, r := range s.Rows {
		out.Rows = append(out.Rows, scheduleRowJSON{N: r.N, Date: r.Date.String(), Payment: r.Payment.Tiyn(),
			Principal: r.Principal.Tiyn(), Interest: r.Interest.Tiyn(), Fee: r.Fee.Tiyn(), Balance: r.Balance.Tiyn()})
	}
	for _, v := range vs {
		out.Violations = append(out.Violations, violationJSON{Code: string(v.Code), Message: v.Message(lang)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// scheduleWords are the table's words in one language.
type scheduleWords struct {
	columns                       [7]string
	total, overpayment, rate, bad string
}

// wordsFor returns the table's words in lang (ru, kk or en; parse admits no other).
func wordsFor(lang string) scheduleWords {
	switch lang {
	case "kk":
		return scheduleWords{
			columns:     [7]string{"№", "Төлем күні", "Төлем сомасы", "Негізгі борыш", "Сыйақы", "Комиссия", "Борыш қалдығы"},
			total:       "Барлығы",
			overpayment: "Артық төлем сомасы",
			rate:        "ЖТСМ",
			bad:         "Шекті мәндер бұзылған",
		}
	case "en":
		return scheduleWords{
			columns:     [7]string{"No.", "Date", "Payment", "Principal", "Interest", "Fee", "Balance"},
			total:       "Total",
			overpayment: "Overpayment",
			rate:        "Annual effective rate (ГЭСВ)",
			bad:         "Legal caps violated",
		}
	}
	return scheduleWords{
		columns:     [7]string{"№", "Дата платежа", "Сумма платежа", "Основной долг", "Вознаграждение", "Комиссия", "Остаток долга"},
		total:       "Итого",
		overpayment: "Сумма переплаты",
		rate:        "ГЭСВ",
		bad:         "Нарушены предельные значения",
	}
}

// writeScheduleTable prints the schedule as the contract's schedule form carries it (№, date,
// payment, principal, interest, fee, balance, a totals row), then the overpayment, the ГЭСВ
// and the violations of the caps.
func writeScheduleTable(w io.Writer, s *schedule.Schedule, d gesv.Disclosure, vs []legalcap.Violation, lang string) error {
	words := wordsFor(lang)
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(words.columns[:], "\t")+"\t")
	for _, r := range s.Rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.N, civil(r.Date, lang), plain(r.Payment, lang),
			plain(r.Principal, lang), plain(r.Interest, lang), plain(r.Fee, lang), plain(r.Balance, lang))
	}
	fmt.Fprintf(tw, "%s\t\t%s\t%s\t%s\t%s\t\t\n", words.total, plain(s.TotalPayment, lang),
		plain(s.TotalPrincipal, lang), plain(s.TotalInterest, lang), plain(s.TotalFee, lang))
	if err := tw.Flush(); err != nil {
		return err
	}
	// tabwriter pads the last cell of the totals row; a contract has no trailing blanks.
	table := b.String()
	b.Reset()
	for line := range strings.Lines(table) {
		b.WriteString(strings.TrimRight(line, " \n") + "\n")
	}
	rate := d.Rate.String()
	if lang != "en" {
		rate = strings.Replace(rate, ".", ",", 1)
	}
	fmt.Fprintf(&b, "\n%s: %s\n%s: %s %%\n", words.overpayment, d.Overpayment.Format(lang), words.rate, rate)
	if len(vs) > 0 {
		fmt.Fprintf(&b, "\n%s:\n", words.bad)
		for _, v := range vs {
			fmt.Fprintf(&b, "  %s: %s\n", v.Code, v.Message(lang))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// plain formats an amount for a table column: the language's grouping, no currency sign.
func plain(a money.Amount, lang string) string {
	return strings.TrimSpace(strings.NewReplacer("₸", "").Replace(a.Format(lang)))
}

// civil formats a date as contracts write it: 31.01.2025 in ru and kk, 2025-01-31 in en.
func civil(d date.Date, lang string) string {
	if lang == "en" {
		return d.String()
	}
	y, m, dd := d.YMD()
	return fmt.Sprintf("%02d.%02d.%04d", dd, int(m), y)
}
