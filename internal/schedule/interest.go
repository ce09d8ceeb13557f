package schedule

import (
	"fmt"
	"math"

	"nesie.kz/nesie/internal/money"
)

// periodInterest is the interest on balance at annual rate r over the year fraction f:
// balance × r × f, computed exactly (a 128-bit product inside money.MulDiv) and then rounded
// half up to unit (1 tiyn, or 100 for whole tenge). It is the one rounding rule for interest
// in Nesie: schedules, accrual and payoff all go through it.
//
// Bounds: r ≤ 10^9 millionths of a percent and f.Num ≤ 3 660·366 (a single payment after
// 10 years, actual/actual), so r·f.Num < 1.4·10^15; f.Den·10^8·unit ≤ 133 590·10^10 <
// 1.4·10^15; both fit in int64 and the quotient (≤ the balance × 10 × years) fits easily.
func periodInterest(balance money.Amount, r Rate, f Fraction, unit int64) (money.Amount, error) {
	if balance <= 0 || r.micro == 0 || f.Num <= 0 {
		return 0, nil
	}
	units, err := balance.MulDiv(r.micro*f.Num, f.Den*100*MicroPerPercent*unit, money.HalfUp)
	if err != nil {
		return 0, fmt.Errorf("interest on %d tiyn at %s %%: %w", int64(balance), r, err)
	}
	return units * money.Amount(unit), nil
}

// annuityPayment returns the level payment that repays balance over the periods ps, with the
// interest of each period taken over its own year fraction (so unequal months under the
// actual day counts and a short first period are priced exactly), rounded by mode (HalfUp,
// or Down; see amortization.run):
//
//	P = B·Π(1+iₖ) / Σₖ Π_{j>k}(1+iⱼ)
//
// The power series is computed in float64 and P is rounded to unit. That is the one
// place a float touches a schedule, and it is acceptable because the payment is a chosen,
// rounded figure stated in the contract: every interest, principal and balance that follows
// is integer arithmetic, and the last payment absorbs whatever the rounding left. The
// explicit float64 conversions forbid fused multiply-add, so every platform picks the same
// payment.
func annuityPayment(balance money.Amount, r Rate, ps []period, unit int64, mode money.RoundingMode) (money.Amount, error) {
	n := len(ps)
	if n == 0 {
		return 0, nil
	}
	if r.micro == 0 {
		units, err := balance.MulDiv(1, int64(n)*unit, mode)
		return units * money.Amount(unit), err
	}
	annual := float64(r.micro) / (100 * MicroPerPercent)
	acc, sum := 1.0, 0.0
	for k := n - 1; k >= 0; k-- {
		sum += acc
		i := float64(annual * float64(ps[k].frac.Num) / float64(ps[k].frac.Den))
		acc = float64(acc * (1 + i))
	}
	p := float64(float64(balance)*acc) / sum
	units := math.Floor(p / float64(unit))
	if mode == money.HalfUp {
		units = math.Floor(p/float64(unit) + 0.5)
	}
	if math.IsNaN(units) || units < 0 || units*float64(unit) > float64(MaxAmount)*1e3 {
		return 0, fmt.Errorf("annuity payment on %d tiyn at %s %% over %d periods is out of range", int64(balance), r, n)
	}
	return money.Amount(units) * money.Amount(unit), nil
}
