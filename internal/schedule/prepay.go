package schedule

import (
	"fmt"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/money"
)

// Keep is what a partial early repayment preserves.
type Keep int

const (
	// KeepTerm keeps the payment dates and lowers the payments.
	KeepTerm Keep = iota + 1
	// KeepPayment keeps the annuity payment (or the differentiated principal part) and
	// shortens the term. Bullet and single schedules have no such payment to keep.
	KeepPayment
)

// ParseKeep reads "term" or "payment".
func ParseKeep(s string) (Keep, error) {
	switch s {
	case "term":
		return KeepTerm, nil
	case "payment":
		return KeepPayment, nil
	}
	return 0, fmt.Errorf("%q: want term or payment: %w", s, ErrTerms)
}

// Prepay returns the schedule recomputed after a partial early repayment of amount on the
// date on, every row dated before on having been paid as scheduled.
//
// The repayment first covers the interest accrued since the last payment (none on a payment
// date, where the scheduled payment is made first and stands); the rest reduces the
// principal. It appears as a Prepayment row. The remaining periods keep their dates: with
// KeepTerm the annuity payment (or differentiated part) is recomputed on the lower balance;
// with KeepPayment it stays and the rows stop as soon as the balance is repaid. A repayment
// equal to the payoff (without the day's fee) ends the schedule on on. Prepayments must be
// applied in date order. Errors are *FieldError naming date, amount or keep.
func (s *Schedule) Prepay(on date.Date, amount money.Amount, keep Keep) (*Schedule, error) {
	t := s.Terms
	switch {
	case keep != KeepTerm && keep != KeepPayment:
		return nil, fieldErr("keep", "want term or payment")
	case keep == KeepPayment && t.Method != Annuity && t.Method != Differentiated:
		return nil, fieldErr("keep", "a %s schedule has no level payment to keep", t.Method)
	case amount <= 0 || amount > MaxAmount:
		return nil, fieldErr("amount", "must be 1 to %d tiyn", int64(MaxAmount))
	}
	prev, next, err := s.around(on)
	if err != nil {
		return nil, err
	}
	// Rows dated on or before on stay: they are history.
	kept := next
	for kept < len(s.Rows) && !s.Rows[kept].Date.After(on) {
		kept++
	}
	for _, r := range s.Rows[kept:] {
		if r.Kind == Prepayment {
			return nil, fieldErr("date", "a prepayment on %s is already recorded; apply them in date order", r.Date)
		}
	}
	var interest money.Amount
	balance, pos, actual := prev.Balance, pos360(on, on.Day()), s.Rows[next].actual
	if kept > next { // a scheduled payment falls due on on and is made first
		last := s.Rows[kept-1]
		balance, pos = last.Balance, last.pos
	} else if interest, err = s.accrue(prev, next, on); err != nil {
		return nil, err
	}
	if balance == 0 {
		return nil, fieldErr("date", "nothing is outstanding after the payment of %s", on)
	}
	if amount <= interest {
		return nil, fieldErr("amount", "must exceed the %d tiyn of interest accrued by %s", int64(interest), on)
	}
	principal := amount - interest
	if principal > balance {
		return nil, fieldErr("amount", "more than the payoff of %d tiyn", int64(balance+interest))
	}

	out := &Schedule{Terms: t, Rows: make([]Row, 0, len(s.Rows)+1)}
	out.Rows = append(out.Rows, s.Rows[:kept]...)
	balance -= principal
	out.Rows = append(out.Rows, Row{N: len(out.Rows) + s.firstN(), Kind: Prepayment, Date: on,
		Payment: amount, Principal: principal, Interest: interest, Balance: balance, pos: pos, actual: actual})

	if balance > 0 {
		var ps []period
		from, fromPos := on, pos
		paid := 0 // scheduled payments already made, to know how much grace is left
		for _, r := range s.Rows[:kept] {
			if r.Kind == Scheduled {
				paid++
			}
		}
		for _, r := range s.Rows[kept:] {
			ps = append(ps, period{end: r.Date, pos: r.pos, actual: r.actual,
				frac: t.DayCount.fraction(from, r.Date, fromPos, r.pos, r.actual)})
			from, fromPos = r.Date, r.pos
		}
		am := amortization{method: t.Method, rate: t.Rate, unit: t.Rounding.unit(), fee: t.PeriodFee,
			grace: max(t.Grace-paid, 0)}
		if keep == KeepPayment {
			am.installment = s.Installment
		}
		if am.grace >= len(ps) {
			am.grace = len(ps) - 1
		}
		out.Rows, out.Installment, err = am.run(balance, ps, len(out.Rows)+s.firstN(), out.Rows)
		if err != nil {
			return nil, err
		}
	}
	out.total()
	return out, nil
}

// firstN is the number of the first row: 0 when there is a fee row, else 1.
func (s *Schedule) firstN() int {
	if len(s.Rows) > 0 && s.Rows[0].Kind == FeeRow {
		return 0
	}
	return 1
}
