package schedule

import (
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/money"
)

// AccruedInterest returns the interest on balance at the nominal annual rate from one date to
// another under dc, rounded half up to the tiyn (periodInterest). Under 30/360 both dates
// count by their day of the month capped at 30 (30E/360). Errors name the field.
func AccruedInterest(balance money.Amount, rate Rate, dc DayCount, from, to date.Date) (money.Amount, error) {
	switch {
	case balance < 0 || balance > MaxAmount:
		return 0, fieldErr("balance", "must be 0 to %d tiyn", int64(MaxAmount))
	case rate.micro < 0 || rate.micro > MaxRateMicro:
		return 0, fieldErr("rate", "must be 0 to 1000 %%")
	case !dc.valid():
		return 0, fieldErr("daycount", "want 30/360, actual/365 or actual/actual")
	case to.Before(from):
		return 0, fieldErr("to", "%s is before %s", to, from)
	case to.Sub(from) > MaxTermDays:
		return 0, fieldErr("to", "at most %d days after from", MaxTermDays)
	}
	return periodInterest(balance, rate, dc.YearFraction(from, to), 1)
}

// Payoff is what closes a loan on a given date.
type Payoff struct {
	Principal money.Amount // principal outstanding
	Interest  money.Amount // interest accrued since the last payment date
	Fee       money.Amount // the periodic fee of a payment falling due that very day
	Total     money.Amount // the sum of the three
}

// Payoff returns the amount that repays the loan in full on the date on, assuming every row
// dated before it was paid as scheduled: the balance after those rows, the interest accrued
// since the last of them (counted the schedule's way, so on a payment date it is exactly that
// row's interest) and the fee of a scheduled payment due on that day. Penalties on overdue
// payments are not part of it. on must fall from the disbursement date to the maturity.
func (s *Schedule) Payoff(on date.Date) (Payoff, error) {
	prev, next, err := s.around(on)
	if err != nil {
		return Payoff{}, err
	}
	interest, err := s.accrue(prev, next, on)
	if err != nil {
		return Payoff{}, err
	}
	po := Payoff{Principal: prev.Balance, Interest: interest}
	for _, r := range s.Rows[next:] {
		if r.Date != on {
			break
		}
		if r.Kind == Scheduled {
			po.Fee += r.Fee
		}
	}
	po.Total = po.Principal + po.Interest + po.Fee
	return po, nil
}

// around returns the last row dated before on (a synthetic row for the disbursement when
// there is no fee row) and the index of the first row dated on or after it.
func (s *Schedule) around(on date.Date) (Row, int, error) {
	t := s.Terms
	if len(s.Rows) == 0 || s.Rows[len(s.Rows)-1].Kind == FeeRow {
		return Row{}, 0, fieldErr("schedule", "has no payments (build it with Build)")
	}
	if on.Before(t.Start) {
		return Row{}, 0, fieldErr("date", "%s is before the disbursement on %s", on, t.Start)
	}
	if on.After(s.Maturity()) {
		return Row{}, 0, fieldErr("date", "%s is after the maturity on %s", on, s.Maturity())
	}
	prev := Row{Date: t.Start, Balance: t.Amount, pos: pos360(t.Start, t.Start.Day())}
	next := 0
	for next < len(s.Rows) && s.Rows[next].Date.Before(on) {
		if s.Rows[next].Kind != FeeRow {
			prev = s.Rows[next]
		}
		next++
	}
	// A fee row shares the start date; skip it so that next is a payment.
	for next < len(s.Rows) && s.Rows[next].Kind == FeeRow {
		next++
	}
	return prev, next, nil
}

// accrue returns the interest on prev.Balance from prev's date to on, where on falls within
// the period that ends with row s.Rows[next]. Under 30/360 on counts by its own day of the
// month, unless it is that row's date, whose nominal position makes the period whole.
func (s *Schedule) accrue(prev Row, next int, on date.Date) (money.Amount, error) {
	end := s.Rows[next]
	pos := pos360(on, on.Day())
	if on == end.Date {
		pos = end.pos
	}
	f := s.Terms.DayCount.fraction(prev.Date, on, prev.pos, pos, end.actual)
	return periodInterest(prev.Balance, s.Terms.Rate, f, s.Terms.Rounding.unit())
}
