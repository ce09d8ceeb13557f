// Package gesv computes the annual effective rate of remuneration (ГЭСВ, годовая эффективная
// ставка вознаграждения) and the overpayment (сумма переплаты) a client is shown before
// signing (Rules 217 p. 8 sub. 3–4, Resolution 232).
//
// The rate is the r that balances, at a 365-day year and actual calendar days t counted from
// the first disbursement,
//
//	Σ Sₖ / (1+r)^(tₖ/365) = Σ Pⱼ / (1+r)^(tⱼ/365)
//
// where Sₖ are the disbursements (several for credit-line tranches) and Pⱼ every scheduled
// payment of the borrower: principal, remuneration, fees. Penalties are not scheduled flows
// and are never included (FACTS.md §3). The result is rounded to one decimal of a percent,
// half up.
package gesv

import (
	"errors"
	"fmt"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/money"
)

// Rate is an annual effective rate as an integer number of tenths of a percent (permille):
// 34.5 % is 345.
type Rate struct{ permille int64 }

// FromPermille returns the rate of p tenths of a percent.
func FromPermille(p int64) Rate { return Rate{permille: p} }

// Permille returns the rate in tenths of a percent.
func (r Rate) Permille() int64 { return r.permille }

// String returns the rate with one decimal and a point, without the % sign: "34.5", "0.0".
func (r Rate) String() string {
	p, sign := r.permille, ""
	if p < 0 {
		p, sign = -p, "-"
	}
	return fmt.Sprintf("%s%d.%d", sign, p/10, p%10)
}

// Flow is one movement of money on a date.
type Flow struct {
	On     date.Date
	Amount money.Amount
}

// CashFlows are the flows of one contract: what the lender disburses and what the borrower
// pays (all payments, fees included; no penalties).
type CashFlows struct {
	Disbursements []Flow
	Payments      []Flow
}

// Errors of Compute.
var (
	// ErrFlows: the flows cannot have an effective rate (no disbursement, a negative flow,
	// a payment before the first disbursement).
	ErrFlows = errors.New("unusable cash flows")
	// ErrNoRate: no rate between -100 % and about 3.9·10^14 % balances the flows (a fee that
	// eats the whole amount, say).
	ErrNoRate = errors.New("no effective rate balances the cash flows")
)

// Compute returns the effective rate of cf, rounded to one decimal half up. The equation is
// solved in float64 (bracketing, then safeguarded Newton); when the solution lies within
// 10^-6 of a percent of a rounding boundary (x.x5 %), the side is decided by the sign of the
// equation at the boundary itself, evaluated with 256-bit big.Float, so the rounding is
// exact.
func Compute(cf CashFlows) (Rate, error) {
	var buf [64]flow
	fs, err := prepare(cf, buf[:0])
	if err != nil {
		return Rate{}, err
	}
	return solve(fs)
}

// Overpayment returns all payments minus all disbursements: the сумма переплаты.
func Overpayment(cf CashFlows) (money.Amount, error) {
	var total money.Amount
	var err error
	for _, p := range cf.Payments {
		if total, err = money.Add(total, p.Amount); err != nil {
			return 0, fmt.Errorf("overpayment: %w", err)
		}
	}
	for _, d := range cf.Disbursements {
		if total, err = money.Sub(total, d.Amount); err != nil {
			return 0, fmt.Errorf("overpayment: %w", err)
		}
	}
	return total, nil
}

// flow is a cash flow as the solver sees it: days after the first disbursement and a signed
// amount in tiyn (disbursements positive, payments negative).
type flow struct {
	days int
	tiyn int64
}

// prepare checks cf and turns it into solver flows appended to buf.
func prepare(cf CashFlows, buf []flow) ([]flow, error) {
	if len(cf.Disbursements) == 0 {
		return nil, fmt.Errorf("no disbursement: %w", ErrFlows)
	}
	first := cf.Disbursements[0].On
	for _, d := range cf.Disbursements {
		if d.On.Before(first) {
			first = d.On
		}
	}
	for _, d := range cf.Disbursements {
		if d.Amount <= 0 {
			return nil, fmt.Errorf("disbursement of %d tiyn on %s: %w", int64(d.Amount), d.On, ErrFlows)
		}
		buf = append(buf, flow{days: d.On.Sub(first), tiyn: int64(d.Amount)})
	}
	for _, p := range cf.Payments {
		switch {
		case p.Amount < 0:
			return nil, fmt.Errorf("payment of %d tiyn on %s: %w", int64(p.Amount), p.On, ErrFlows)
		case p.On.Before(first):
			return nil, fmt.Errorf("payment on %s before the first disbursement on %s: %w", p.On, first, ErrFlows)
		case p.Amount == 0:
			continue
		}
		buf = append(buf, flow{days: p.On.Sub(first), tiyn: -int64(p.Amount)})
	}
	return buf, nil
}
