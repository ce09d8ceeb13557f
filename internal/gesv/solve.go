package gesv

import (
	"fmt"
	"math"
)

// maxLogRate bounds the search: ln(1+r) within ±20, i.e. r from -100 % to about 4.8·10^10 %.
const maxLogRate = 20

// boundaryBand is how close (in tenths of a percent) the float solution may come to a
// rounding boundary before the side is decided exactly. The float root is accurate to far
// better than 10^-9 of a tenth; the band is wide on purpose.
const boundaryBand = 1e-6

// solve finds x = ln(1+r) with f(x) = Σ cᵢ·e^(-x·tᵢ/365) = 0 and rounds r to permille.
func solve(fs []flow) (Rate, error) {
	var in, out, sum, inT, outT float64
	var exact int64 // Σ cᵢ, kept exactly: its sign is the sign of f(0)
	for _, f := range fs {
		c := float64(f.tiyn)
		if f.tiyn > 0 {
			in, inT = in+c, inT+c*float64(f.days)
		} else {
			out, outT = out-c, outT-c*float64(f.days)
		}
		sum += c
		if (f.tiyn > 0 && exact > math.MaxInt64-f.tiyn) || (f.tiyn < 0 && exact < math.MinInt64-f.tiyn) {
			return Rate{}, fmt.Errorf("cash flows too large: %w", ErrFlows)
		}
		exact += f.tiyn
	}
	if out == 0 {
		return Rate{}, fmt.Errorf("no payments: %w", ErrFlows)
	}
	if exact == 0 {
		return Rate{}, nil // the borrower pays back exactly what was lent: 0 %
	}
	// Initial guess from the money-weighted mean times: (1+r)^(Δt/365) ≈ out/in.
	x0 := 0.0
	if dt := outT/out - inT/in; dt > 0 {
		x0 = math.Log(out/in) / (dt / 365)
	}
	x0 = max(min(x0, maxLogRate), -maxLogRate)
	lo, hi, err := bracket(fs, x0, exact > 0)
	if err != nil {
		return Rate{}, err
	}
	x, slope := newton(fs, lo, hi, x0)
	return roundPermille(fs, x, slope), nil
}

// npv returns f(x) and f'(x).
func npv(fs []flow, x float64) (f, df float64) {
	k := -x / 365
	for _, fl := range fs {
		t := float64(fl.days)
		v := float64(fl.tiyn) * math.Exp(k*t)
		f += v
		df -= v * t / 365
	}
	return f, df
}

// bracket returns lo < hi with f(lo) and f(hi) of opposite signs. f(0) = Σcᵢ is known
// (positive when more was lent than repaid, i.e. a negative rate); the search walks away from
// 0 through x0 in the direction of the root, doubling the step.
func bracket(fs []flow, x0 float64, f0Positive bool) (lo, hi float64, err error) {
	// For an ordinary loan f rises with x: lending comes first, repayments later. The root is
	// then on the positive side when f(0) < 0. For other shapes, try both directions.
	dirs := [2]float64{1, -1}
	if f0Positive {
		dirs = [2]float64{-1, 1}
	}
	for _, dir := range dirs {
		a := 0.0
		b := x0
		if b*dir <= 0 {
			b = dir * 1e-3
		}
		for step := math.Abs(b); math.Abs(b) <= maxLogRate; step *= 2 {
			fb, _ := npv(fs, b)
			if fb == 0 || (fb > 0) != f0Positive {
				return min(a, b), max(a, b), nil
			}
			a, b = b, b+dir*step
		}
	}
	return 0, 0, ErrNoRate
}

// newton refines the root inside [lo, hi] by Newton steps, falling back to bisection when a
// step leaves the bracket, and returns it with the slope of f there.
func newton(fs []flow, lo, hi, x float64) (root, slope float64) {
	if x <= lo || x >= hi {
		x = (lo + hi) / 2
	}
	flo, _ := npv(fs, lo)
	for range 200 {
		f, df := npv(fs, x)
		if f == 0 {
			return x, df
		}
		if (f > 0) == (flo > 0) {
			lo, flo = x, f
		} else {
			hi = x
		}
		next := x - f/df
		if df == 0 || math.IsNaN(next) || next <= lo || next >= hi {
			next = (lo + hi) / 2
		}
		if math.Abs(next-x) <= 1e-15*math.Max(1, math.Abs(x)) || hi-lo <= 1e-16 {
			_, df = npv(fs, next)
			return next, df
		}
		x = next
	}
	_, df := npv(fs, x)
	return x, df
}

// roundPermille turns x = ln(1+r) into r in tenths of a percent, half up. Near a boundary
// j+0.5 the float cannot be trusted to pick the side, so the sign of f at the boundary rate
// is evaluated exactly: if f(boundary) has the sign f has above the root, the root is below
// the boundary and the rate rounds down; a tie rounds up.
func roundPermille(fs []flow, x, slope float64) Rate {
	q := math.Expm1(x) * 1000
	j := math.Floor(q)
	if math.Abs(q-j-0.5) >= boundaryBand {
		return Rate{permille: int64(math.Floor(q + 0.5))}
	}
	s := exactSignAt(fs, int64(j))
	if s != 0 && (s > 0) == (slope > 0) {
		return Rate{permille: int64(j)}
	}
	return Rate{permille: int64(j) + 1}
}
