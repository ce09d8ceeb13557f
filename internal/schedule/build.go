// Package schedule computes repayment schedules of microcredits (annuity, differentiated,
// bullet, single payment) and the arithmetic that servicing builds on: interest accrued
// between two dates, the payoff amount on a date and the schedule recomputed after a partial
// early repayment.
//
// Everything is integer tiyn and exact rational year fractions; interest is rounded half up
// to the tiyn (or to whole tenge as a product option) by one function, periodInterest. The
// only float is inside annuityPayment, which picks the level payment (see there). Every
// schedule keeps three invariants, checked by property tests: principal parts sum to the
// amount to the tiyn, the balance never goes negative, and it ends at zero.
package schedule

import (
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/money"
)

// RowKind tells what a schedule row is.
type RowKind int

const (
	// FeeRow is row 0: the one-time fee paid on the disbursement date.
	FeeRow RowKind = iota + 1
	// Scheduled is a regular payment.
	Scheduled
	// Prepayment is a partial early repayment (see Schedule.Prepay).
	Prepayment
)

// Row is one line of a schedule. Payment = Principal + Interest + Fee; Balance is the
// principal outstanding after the row.
type Row struct {
	N         int
	Kind      RowKind
	Date      date.Date
	Payment   money.Amount
	Principal money.Amount
	Interest  money.Amount
	Fee       money.Amount
	Balance   money.Amount

	pos    int  // 30/360 position of Date (see pos360)
	actual bool // the period ending here counts calendar days under 30/360
}

// Schedule is a repayment schedule with its totals.
type Schedule struct {
	Terms Terms
	Rows  []Row
	// Installment is the level payment of an annuity (without fees), or the principal part of
	// a differentiated schedule; zero for bullet and single.
	Installment    money.Amount
	TotalPayment   money.Amount // all payments, fees included
	TotalPrincipal money.Amount // equals Terms.Amount
	TotalInterest  money.Amount
	TotalFee       money.Amount
}

// Maturity returns the date of the last row (the start date of a schedule without rows).
func (s *Schedule) Maturity() date.Date {
	if len(s.Rows) == 0 {
		return s.Terms.Start
	}
	return s.Rows[len(s.Rows)-1].Date
}

// Build computes the schedule of t. Errors are *FieldError naming the parameter.
func Build(t Terms) (*Schedule, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	ps := t.periods()
	if t.Grace >= len(ps) {
		return nil, fieldErr("grace", "must be fewer than the %d payments", len(ps))
	}
	s := &Schedule{Terms: t, Rows: make([]Row, 0, len(ps)+1)}
	if t.UpfrontFee > 0 {
		s.Rows = append(s.Rows, Row{N: 0, Kind: FeeRow, Date: t.Start, Payment: t.UpfrontFee,
			Fee: t.UpfrontFee, Balance: t.Amount, pos: pos360(t.Start, t.Start.Day())})
	}
	am := amortization{method: t.Method, rate: t.Rate, unit: t.Rounding.unit(), fee: t.PeriodFee, grace: t.Grace}
	var err error
	s.Rows, s.Installment, err = am.run(t.Amount, ps, 1, s.Rows)
	if err != nil {
		return nil, err
	}
	s.total()
	return s, nil
}

// total fills the totals from the rows. Within the limits of Terms no sum can overflow:
// at most 601 rows of at most ~10^15 tiyn each.
func (s *Schedule) total() {
	s.TotalPayment, s.TotalPrincipal, s.TotalInterest, s.TotalFee = 0, 0, 0, 0
	for _, r := range s.Rows {
		s.TotalPayment += r.Payment
		s.TotalPrincipal += r.Principal
		s.TotalInterest += r.Interest
		s.TotalFee += r.Fee
	}
}

// amortization is the engine shared by Build and Prepay: it turns a balance and a list of
// periods into rows.
type amortization struct {
	method Method
	rate   Rate
	unit   int64        // rounding unit in tiyn
	fee    money.Amount // added to every row
	grace  int          // first periods with no principal
	// installment fixes the annuity payment or the differentiated principal part instead of
	// deriving it from the balance (an early repayment that keeps the payment: the rows stop
	// as soon as the balance is repaid, which shortens the term).
	installment money.Amount
}

// run appends to rows one row per period (numbered from n0) and returns them with the
// installment used. The last period absorbs every rounding difference: its principal is the
// whole remaining balance. Rows stop early only if the balance reaches zero before the end.
//
// A derived annuity payment is rounded half up. Two refinements keep it honest:
//   - a period whose interest alone reaches the payment (a long first period at a high rate)
//     is paid as interest only, like a grace period, and the payment is spread over the
//     periods after it;
//   - when half up would repay the loan before its term (a tiny amount over many periods,
//     where the rounding adds up to more than a payment) the payment is rounded down instead.
func (a amortization) run(balance money.Amount, ps []period, n0 int, rows []Row) ([]Row, money.Amount, error) {
	inst := a.installment
	derived := inst == 0 && a.grace < len(ps)
	if derived {
		var err error
		switch a.method {
		case Annuity:
			inst, a.grace, err = a.annuity(balance, ps, money.HalfUp)
		case Differentiated:
			// Rounded down so that the equal parts never overshoot; the last part absorbs
			// the remainder (fewer than one unit per period).
			var units money.Amount
			units, err = balance.MulDiv(1, int64(len(ps)-a.grace)*a.unit, money.Down)
			inst = units * money.Amount(a.unit)
		}
		if err != nil {
			return nil, 0, err
		}
	}
	head := len(rows)
	rows, err := a.rows(balance, ps, n0, inst, rows)
	if err != nil || !derived || a.method != Annuity || len(rows)-head == len(ps) {
		return rows, inst, err
	}
	down, _, err := a.annuity(balance, ps, money.Down)
	if err != nil || down == inst {
		return rows, inst, err
	}
	rows, err = a.rows(balance, ps, n0, down, rows[:head])
	return rows, down, err
}

// annuity returns the annuity payment over ps rounded by mode, and the number of leading
// periods paid as interest only: the grace periods, plus any period whose interest on the
// untouched balance would reach the payment.
func (a amortization) annuity(balance money.Amount, ps []period, mode money.RoundingMode) (money.Amount, int, error) {
	g := a.grace
	for {
		inst, err := annuityPayment(balance, a.rate, ps[g:], a.unit, mode)
		if err != nil || g == len(ps)-1 {
			return inst, g, err
		}
		first, err := periodInterest(balance, a.rate, ps[g].frac, a.unit)
		if err != nil || first < inst || first == 0 {
			return inst, g, err
		}
		g++
	}
}

// rows lays out the periods ps with the installment inst (see run).
func (a amortization) rows(balance money.Amount, ps []period, n0 int, inst money.Amount, rows []Row) ([]Row, error) {
	for k, p := range ps {
		interest, err := periodInterest(balance, a.rate, p.frac, a.unit)
		if err != nil {
			return nil, err
		}
		var principal money.Amount
		switch {
		case k == len(ps)-1:
			principal = balance
		case k < a.grace || a.method == Bullet || a.method == Single:
		case a.method == Annuity:
			// If rounding ever made the interest exceed the payment, pay the interest alone
			// rather than let the balance grow.
			principal = max(inst-interest, 0)
		default:
			principal = inst
		}
		principal = min(principal, balance)
		balance -= principal
		rows = append(rows, Row{N: n0 + k, Kind: Scheduled, Date: p.end,
			Payment: principal + interest + a.fee, Principal: principal, Interest: interest,
			Fee: a.fee, Balance: balance, pos: p.pos, actual: p.actual})
		if balance == 0 {
			break
		}
	}
	return rows, nil
}
