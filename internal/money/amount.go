// Package money is Nesie's representation of sums of tenge: an integer number of tiyn
// (1 ₸ = 100 tiyn). Floats never appear on a money path; every operation that can overflow
// or lose a tiyn returns an error or takes an explicit rounding mode.
package money

import (
	"errors"
	"math"
)

// Amount is a sum in tiyn. It is signed so that adjustments and reversals can be expressed;
// constructors that read outside input (Parse) refuse negatives unless asked (ParseSigned).
//
// Amount carries no currency: every sum in Nesie is in tenge. A second currency would need a
// new type, not a field here.
type Amount int64

// TiynPerTenge is the number of tiyn in one tenge.
const TiynPerTenge = 100

// Sentinel errors. Each error returned by this package wraps exactly one of them, so a caller
// can tell the kind of failure with errors.Is and name its own field in the message.
var (
	// ErrEmpty: the input has no amount at all.
	ErrEmpty = errors.New("empty amount")
	// ErrSyntax: the input is not an amount as people write one (letters, signs, exponents,
	// misplaced separators, two decimal marks…).
	ErrSyntax = errors.New("not an amount")
	// ErrTooManyDecimals: more than two digits after the decimal mark (a fraction of a tiyn).
	ErrTooManyDecimals = errors.New("more than two decimal places")
	// ErrNegative: a negative amount where only non-negative ones are allowed.
	ErrNegative = errors.New("negative amount")
	// ErrOverflow: the result does not fit in int64 tiyn.
	ErrOverflow = errors.New("amount out of range")
	// ErrDivideByZero: a zero denominator in MulDiv.
	ErrDivideByZero = errors.New("division by zero")
	// ErrWeights: Allocate was given unusable weights.
	ErrWeights = errors.New("invalid allocation weights")
)

// FromTenge returns t whole tenge as an Amount, or ErrOverflow.
func FromTenge(t int64) (Amount, error) {
	if t > math.MaxInt64/TiynPerTenge || t < math.MinInt64/TiynPerTenge {
		return 0, ErrOverflow
	}
	return Amount(t * TiynPerTenge), nil
}

// Tiyn returns the amount as an integer number of tiyn, the form stored in the database.
func (a Amount) Tiyn() int64 { return int64(a) }

// magnitude returns |a| as uint64; it is exact for math.MinInt64 as well.
func (a Amount) magnitude() uint64 {
	if a < 0 {
		return -uint64(a)
	}
	return uint64(a)
}

// fromMagnitude turns a sign and a magnitude back into an Amount, or ErrOverflow.
func fromMagnitude(neg bool, m uint64) (Amount, error) {
	if neg {
		if m > 1<<63 {
			return 0, ErrOverflow
		}
		return Amount(-m), nil
	}
	if m > math.MaxInt64 {
		return 0, ErrOverflow
	}
	return Amount(m), nil
}
