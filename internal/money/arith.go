package money

import (
	"fmt"
	"math/bits"
)

// Add returns a+b, or ErrOverflow.
func Add(a, b Amount) (Amount, error) {
	s := a + b
	// Overflow happened iff both operands have the same sign and the sum's sign differs.
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return 0, fmt.Errorf("%d + %d tiyn: %w", a, b, ErrOverflow)
	}
	return s, nil
}

// Sub returns a-b, or ErrOverflow.
func Sub(a, b Amount) (Amount, error) {
	d := a - b
	if (a >= 0) != (b >= 0) && (d >= 0) != (a >= 0) {
		return 0, fmt.Errorf("%d - %d tiyn: %w", a, b, ErrOverflow)
	}
	return d, nil
}

// Sum returns the total of xs (0 for none), or ErrOverflow if any partial sum overflows.
func Sum(xs ...Amount) (Amount, error) {
	var total Amount
	for _, x := range xs {
		var err error
		if total, err = Add(total, x); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// RoundingMode says what to do with a result that falls between two tiyn. Every money rule
// that divides must name its mode; there is deliberately no default.
type RoundingMode int

const (
	// HalfUp rounds to the nearest tiyn, halves away from zero (2.5 → 3, -2.5 → -3): the
	// "school" rounding («по математическим правилам»).
	HalfUp RoundingMode = iota + 1
	// HalfEven rounds to the nearest tiyn, halves to the even neighbour (banker's rounding).
	HalfEven
	// HalfDown rounds to the nearest tiyn, halves toward zero (2.5 → 2, -2.5 → -2).
	HalfDown
	// Down truncates toward zero (2.9 → 2, -2.9 → -2).
	Down
	// Up rounds away from zero (2.1 → 3, -2.1 → -3).
	Up
	// Floor rounds toward negative infinity (2.9 → 2, -2.1 → -3).
	Floor
	// Ceiling rounds toward positive infinity (2.1 → 3, -2.9 → -2).
	Ceiling
)

// String names the mode.
func (m RoundingMode) String() string {
	switch m {
	case HalfUp:
		return "half-up"
	case HalfEven:
		return "half-even"
	case HalfDown:
		return "half-down"
	case Down:
		return "down"
	case Up:
		return "up"
	case Floor:
		return "floor"
	case Ceiling:
		return "ceiling"
	}
	return fmt.Sprintf("RoundingMode(%d)", int(m))
}

// MulDiv returns a·num/den rounded by mode. The product is kept in 128 bits, so
// a·num may exceed int64 as long as the quotient fits: 10^17 tiyn × 46 / 100 is exact.
// It returns ErrDivideByZero, ErrOverflow, or an error for an unknown mode (checked even when
// the division is exact, so a bad mode cannot hide until the first odd amount).
func (a Amount) MulDiv(num, den int64, mode RoundingMode) (Amount, error) {
	if !mode.valid() {
		return 0, fmt.Errorf("money: unknown rounding mode %d", int(mode))
	}
	if den == 0 {
		return 0, fmt.Errorf("%d × %d / 0: %w", a, num, ErrDivideByZero)
	}
	neg := (a < 0) != (num < 0) != (den < 0)
	n, d := mag(num), mag(den)
	hi, lo := bits.Mul64(a.magnitude(), n)
	if hi >= d {
		return 0, fmt.Errorf("%d × %d / %d: %w", a, num, den, ErrOverflow)
	}
	q, r := bits.Div64(hi, lo, d)
	if r != 0 {
		// When the result is zero its sign is whatever neg says; no tiyn is affected.
		if roundAway(mode, neg, q, r, d) {
			if q == ^uint64(0) {
				return 0, fmt.Errorf("%d × %d / %d: %w", a, num, den, ErrOverflow)
			}
			q++
		}
	}
	res, err := fromMagnitude(neg, q)
	if err != nil {
		return 0, fmt.Errorf("%d × %d / %d: %w", a, num, den, err)
	}
	return res, nil
}

// roundAway reports whether the magnitude q (with non-zero remainder r of divisor d) must be
// increased by one, i.e. rounded away from zero, under mode.
func roundAway(mode RoundingMode, neg bool, q, r, d uint64) bool {
	// Compare r with d/2 without overflowing: r > d-r means the fraction is above one half.
	above, half := r > d-r, r == d-r
	switch mode {
	case HalfUp:
		return above || half
	case HalfEven:
		return above || (half && q%2 == 1)
	case HalfDown:
		return above
	case Up:
		return true
	case Floor:
		return neg
	case Ceiling:
		return !neg
	}
	return false // Down
}

func (m RoundingMode) valid() bool { return m >= HalfUp && m <= Ceiling }

func mag(x int64) uint64 {
	if x < 0 {
		return -uint64(x)
	}
	return uint64(x)
}
