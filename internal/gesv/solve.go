package gesv

import (
	"fmt"
	"math"
)

// maxLogRate bounds the search: ln(1+r) within ±29, i.e. r from -100 % to about 3.9·10^14 %,
// which still fits int64 in tenths of a percent. Only fees out of all proportion reach it.
const maxLogRate = 29

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
	lo, hi, loPositive, err := bracket(fs, x0, exact > 0)
	if err != nil {
		return Rate{}, err
	}
	x, slope := newton(fs, lo, hi, loPositive, min(max(x0, lo), hi))
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

// bracket returns lo < hi with f(lo) and f(hi) of opposite signs, and the sign of f(lo). f(0) = Σcᵢ is known
// (positive when more was lent than repaid, i.e. a negative rate); the search walks away from
// 0 through x0 in the direction of the root, doubling the step.
func bracket(fs []flow, x0 float64, f0Positive bool) (lo, hi float64, loPositive bool, err error) {
	// For an ordinary loan f rises with x: lending comes first, repayments later. The root is
	// then on the positive side when f(0) < 0. For other shapes, try both directions.
	dirs := [2]float64{1, -1}
	if f0Positive {
		dirs = [2]float64{-1, 1}
	}
	for _, dir := range dirs {
		a, b := 0.0, x0
		if b*dir <= 0 {
			b = dir * 1e-3
		}
		for step := math.Abs(b); ; step *= 2 {
			fb, _ := npv(fs, b)
			if fb == 0 || (fb > 0) != f0Positive {
				// a keeps the sign of f(0); it is the lower end when walking up.
				return min(a, b), max(a, b), f0Positive == (dir > 0), nil
			}
			if math.Abs(b) >= maxLogRate {
				break
			}
			a, b = b, dir*min(math.Abs(b)+step, maxLogRate)
		}
	}
	return 0, 0, false, ErrNoRate
}

// newton refines the root inside [lo, hi] (f(lo) positive when loPositive) from x by Newton
// steps, falling back to bisection when a step leaves the bracket, and returns it with the
// slope of f near it. A Newton step below 10^-9 stops the search: the error after it is of
// the order of the step squared times the ratio of the second derivative to the first (a
// few years at most), far below 10^-15.
func newton(fs []flow, lo, hi float64, loPositive bool, x float64) (root, slope float64) {
	for range 200 {
		f, df := npv(fs, x)
		if f == 0 {
			return x, df
		}
		if (f > 0) == loPositive {
			lo = x
		} else {
			hi = x
		}
		next := x - f/df
		isNewton := df != 0 && next > lo && next < hi // false for NaN too
		if !isNewton {
			next = (lo + hi) / 2
		}
		scale := math.Max(1, math.Abs(x))
		if (isNewton && math.Abs(next-x) <= 1e-9*scale) || hi-lo <= 1e-15*scale {
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
