package gesv

import "math/big"

// prec is the working precision of the exact boundary check: 256 bits, about 77 digits.
// Cash flows are below 2^63 tiyn, so a sum that is not zero is still far above the ~2^-180
// error of the evaluation.
const prec = 256

// exactSignAt returns the sign of f at the rounding boundary between j and j+1 tenths of a
// percent, r = (2j+1)/2000: Σ cᵢ·(1+r)^(-tᵢ/365), evaluated with big.Float. The discount
// factors are irrational, so "exact" means: an error of at most 2^-180 relative to the flows,
// and a result inside that error counts as zero (a tie, which rounds up).
func exactSignAt(fs []flow, j int64) int {
	num := 2000 + 2*j + 1 // 1+r = num/2000
	if num <= 0 {
		return 0
	}
	base := newFloat().Quo(newFloat().SetInt64(num), newFloat().SetInt64(2000))
	l2 := ln2()
	lnBase := bigLog(base, l2)
	sum, scale := newFloat(), newFloat()
	for _, f := range fs {
		// (1+r)^(-t/365) = exp(-ln(1+r)·t/365)
		y := newFloat().Mul(lnBase, newFloat().SetInt64(int64(-f.days)))
		y.Quo(y, newFloat().SetInt64(365))
		term := bigExp(y, l2)
		c := newFloat().SetInt64(f.tiyn)
		term.Mul(term, c)
		sum.Add(sum, term)
		scale.Add(scale, c.Abs(c))
	}
	// |sum| below scale·2^-180 is indistinguishable from zero at this precision.
	tol := newFloat().SetMantExp(scale, -180)
	if newFloat().Abs(sum).Cmp(tol) <= 0 {
		return 0
	}
	return sum.Sign()
}

func newFloat() *big.Float { return new(big.Float).SetPrec(prec) }

// bigLog returns ln(x) for x > 0, given l2 = ln 2: x = m·2^e with m in [0.5, 1), ln x = ln m + e·ln 2, and
// ln m by the series 2·atanh(z), z = (m-1)/(m+1), |z| ≤ 1/3.
func bigLog(x, l2 *big.Float) *big.Float {
	m := newFloat()
	e := x.MantExp(m)
	res := atanh2(newFloat().Quo(newFloat().Sub(m, one()), newFloat().Add(m, one())))
	if e != 0 {
		res.Add(res, newFloat().Mul(l2, newFloat().SetInt64(int64(e))))
	}
	return res
}

// atanh2 returns 2·atanh(z) = 2(z + z³/3 + z⁵/5 + …) for |z| ≤ 1/3.
func atanh2(z *big.Float) *big.Float {
	sum := newFloat().Set(z)
	z2 := newFloat().Mul(z, z)
	pow := newFloat().Set(z)
	term := newFloat()
	for k := int64(3); ; k += 2 {
		pow.Mul(pow, z2)
		term.Quo(pow, newFloat().SetInt64(k))
		if term.Sign() == 0 || term.MantExp(nil)-sum.MantExp(nil) < -prec-8 {
			break
		}
		sum.Add(sum, term)
	}
	return sum.Mul(sum, newFloat().SetInt64(2))
}

// ln2 returns ln 2 = 2·atanh(1/3).
func ln2() *big.Float {
	return atanh2(newFloat().Quo(one(), newFloat().SetInt64(3)))
}

func one() *big.Float { return newFloat().SetInt64(1) }

// bigExp returns e^y, given l2 = ln 2: y = k·ln 2 + s with |s| ≤ ln 2/2, then e^s by its Taylor series on
// s/2^16 squared sixteen times, then scaled by 2^k.
func bigExp(y, l2 *big.Float) *big.Float {
	kf, _ := newFloat().Quo(y, l2).Float64()
	k := int64(kf + 0.5)
	if kf < 0 {
		k = int64(kf - 0.5)
	}
	s := newFloat().Sub(y, newFloat().Mul(l2, newFloat().SetInt64(k)))
	const halvings = 16
	s.SetMantExp(s, -halvings)
	sum, term := one(), one()
	for n := int64(1); ; n++ {
		term.Mul(term, s)
		term.Quo(term, newFloat().SetInt64(n))
		if term.Sign() == 0 || term.MantExp(nil) < -prec-8 {
			break
		}
		sum.Add(sum, term)
	}
	for range halvings {
		sum.Mul(sum, sum)
	}
	return sum.SetMantExp(sum, int(k))
}
