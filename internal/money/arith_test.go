package money

import (
	"errors"
	"math"
	"math/big"
	"testing"

	"pgregory.net/rapid"
)

func TestAddSubSumOverflow(t *testing.T) {
	t.Parallel()
	if _, err := Add(math.MaxInt64, 1); !errors.Is(err, ErrOverflow) {
		t.Errorf("MaxInt64+1: %v", err)
	}
	if _, err := Add(math.MinInt64, -1); !errors.Is(err, ErrOverflow) {
		t.Errorf("MinInt64+(-1): %v", err)
	}
	if s, err := Add(math.MaxInt64, math.MinInt64); err != nil || s != -1 {
		t.Errorf("Max+Min = %d, %v", s, err)
	}
	if _, err := Sub(math.MinInt64, 1); !errors.Is(err, ErrOverflow) {
		t.Errorf("MinInt64-1: %v", err)
	}
	if _, err := Sub(0, math.MinInt64); !errors.Is(err, ErrOverflow) {
		t.Errorf("0-MinInt64: %v", err)
	}
	if d, err := Sub(-1, math.MaxInt64); err != nil || d != math.MinInt64 {
		t.Errorf("-1-MaxInt64 = %d, %v", d, err)
	}
	if s, err := Sum(); err != nil || s != 0 {
		t.Errorf("Sum() = %d, %v", s, err)
	}
	if s, err := Sum(100, 250, -50); err != nil || s != 300 {
		t.Errorf("Sum = %d, %v", s, err)
	}
	if _, err := Sum(math.MaxInt64, 1, -1); !errors.Is(err, ErrOverflow) {
		t.Errorf("a partial sum past MaxInt64 must fail even if the total would fit: %v", err)
	}
}

func TestAddSubAgreeWithBigInt(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		a := Amount(rapid.Int64().Draw(t, "a"))
		b := Amount(rapid.Int64().Draw(t, "b"))
		check := func(op string, got Amount, err error, want *big.Int) {
			fits := want.IsInt64()
			if fits && (err != nil || got != Amount(want.Int64())) {
				t.Fatalf("%d %s %d = %d, %v; want %s", a, op, b, got, err, want)
			}
			if !fits && !errors.Is(err, ErrOverflow) {
				t.Fatalf("%d %s %d = %d, %v; want ErrOverflow", a, op, b, got, err)
			}
		}
		s, err := Add(a, b)
		check("+", s, err, new(big.Int).Add(big.NewInt(int64(a)), big.NewInt(int64(b))))
		d, err := Sub(a, b)
		check("-", d, err, new(big.Int).Sub(big.NewInt(int64(a)), big.NewInt(int64(b))))
	})
}

func TestMulDivRoundingModes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a        Amount
		num, den int64
		mode     RoundingMode
		want     Amount
	}{
		{1000, 46, 100, HalfUp, 460},
		// 2.5
		{5, 1, 2, HalfUp, 3}, {5, 1, 2, HalfEven, 2}, {5, 1, 2, HalfDown, 2},
		{5, 1, 2, Down, 2}, {5, 1, 2, Up, 3}, {5, 1, 2, Floor, 2}, {5, 1, 2, Ceiling, 3},
		// -2.5, the sign coming from the amount, the numerator or the denominator
		{-5, 1, 2, HalfUp, -3}, {5, -1, 2, HalfEven, -2}, {5, 1, -2, HalfDown, -2},
		{-5, 1, 2, Down, -2}, {-5, 1, 2, Up, -3}, {-5, 1, 2, Floor, -3}, {-5, 1, 2, Ceiling, -2},
		{-5, -1, 2, HalfUp, 3},
		// 3.5 goes to the even 4
		{7, 1, 2, HalfEven, 4},
		// 3.33…
		{10, 1, 3, HalfUp, 3}, {10, 1, 3, Up, 4}, {10, 1, 3, Ceiling, 4}, {10, 1, 3, Floor, 3},
		{-10, 1, 3, Floor, -4}, {-10, 1, 3, Ceiling, -3},
		// 0.67
		{2, 1, 3, HalfUp, 1}, {2, 1, 3, HalfDown, 1}, {2, 1, 3, Down, 0},
		// The product needs more than 64 bits; the quotient does not.
		{math.MaxInt64, 3, 3, Down, math.MaxInt64},
		{math.MaxInt64, math.MaxInt64, math.MaxInt64, HalfUp, math.MaxInt64},
		{math.MinInt64, 1, 1, HalfUp, math.MinInt64},
		{math.MinInt64, math.MinInt64, math.MinInt64, HalfUp, math.MinInt64},
		{0, 5, 7, Up, 0},
	}
	for _, c := range cases {
		got, err := c.a.MulDiv(c.num, c.den, c.mode)
		if err != nil || got != c.want {
			t.Errorf("%d × %d / %d (%v) = %d, %v; want %d", c.a, c.num, c.den, c.mode, got, err, c.want)
		}
	}
}

func TestMulDivErrors(t *testing.T) {
	t.Parallel()
	if _, err := Amount(1).MulDiv(1, 0, HalfUp); !errors.Is(err, ErrDivideByZero) {
		t.Errorf("den 0: %v", err)
	}
	if _, err := Amount(math.MaxInt64).MulDiv(2, 1, HalfUp); !errors.Is(err, ErrOverflow) {
		t.Errorf("MaxInt64×2: %v", err)
	}
	if _, err := Amount(math.MinInt64).MulDiv(-1, 1, HalfUp); !errors.Is(err, ErrOverflow) {
		t.Errorf("MinInt64×-1: %v", err)
	}
	if _, err := Amount(math.MaxInt64).MulDiv(2, 2, Up); err != nil {
		t.Errorf("MaxInt64×2/2: %v", err)
	}
	for _, m := range []RoundingMode{0, Ceiling + 1} {
		if _, err := Amount(100).MulDiv(1, 1, m); err == nil {
			t.Errorf("mode %d accepted", m)
		}
	}
}

// TestMulDivAgreesWithBigRat recomputes a·num/den with exact rationals and applies each
// rounding rule from its definition.
func TestMulDivAgreesWithBigRat(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.Int64().Draw(t, "a")
		num := rapid.OneOf(rapid.Int64Range(-1000, 1000), rapid.Int64()).Draw(t, "num")
		den := rapid.OneOf(rapid.Int64Range(-1000, 1000), rapid.Int64()).Filter(func(d int64) bool { return d != 0 }).Draw(t, "den")
		mode := RoundingMode(rapid.IntRange(int(HalfUp), int(Ceiling)).Draw(t, "mode"))

		exact := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(a), big.NewInt(num)), big.NewInt(den))
		want := roundRat(exact, mode)
		got, err := Amount(a).MulDiv(num, den, mode)
		if !want.IsInt64() {
			if !errors.Is(err, ErrOverflow) {
				t.Fatalf("%d×%d/%d %v = %d, %v; want ErrOverflow (exact %s)", a, num, den, mode, got, err, want)
			}
			return
		}
		if err != nil || int64(got) != want.Int64() {
			t.Fatalf("%d×%d/%d %v = %d, %v; want %s", a, num, den, mode, got, err, want)
		}
	})
}

// roundRat rounds x to an integer by mode, from the textbook definitions.
func roundRat(x *big.Rat, mode RoundingMode) *big.Int {
	floor := new(big.Int).Div(x.Num(), x.Denom()) // Euclidean division; Denom > 0, so this is floor
	if x.IsInt() {
		return floor
	}
	ceil := new(big.Int).Add(floor, big.NewInt(1))
	frac := new(big.Rat).Sub(x, new(big.Rat).SetInt(floor)) // in (0, 1)
	half := big.NewRat(1, 2)
	cmpHalf := frac.Cmp(half)
	positive := x.Sign() > 0
	towardZero, awayFromZero := floor, ceil
	if !positive {
		towardZero, awayFromZero = ceil, floor
	}
	switch mode {
	case Floor:
		return floor
	case Ceiling:
		return ceil
	case Down:
		return towardZero
	case Up:
		return awayFromZero
	}
	if cmpHalf < 0 {
		return floor
	}
	if cmpHalf > 0 {
		return ceil
	}
	switch mode {
	case HalfUp:
		return awayFromZero
	case HalfDown:
		return towardZero
	default: // HalfEven
		if floor.Bit(0) == 0 {
			return floor
		}
		return ceil
	}
}
