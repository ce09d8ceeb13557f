package schedule

import (
	"errors"
	"fmt"
	"strings"
)

// Rate is a percentage held exactly as an integer number of millionths of a percent
// (34.5 % is 34 500 000). It is the nominal annual rate of a schedule and, where a paragraph
// speaks of a daily rate (the short-term cap, the penalty), a daily one; the name of the
// field that holds it says which. No float ever holds a rate on a money path.
type Rate struct{ micro int64 }

// MicroPerPercent is the number of Rate units in one percent.
const MicroPerPercent = 1_000_000

// MaxRateMicro bounds every rate Nesie accepts: 1 000 %. The legal caps are far below it;
// the bound only keeps interest arithmetic provably inside int64 and 128-bit intermediates.
const MaxRateMicro = 1000 * MicroPerPercent

// ErrRate is wrapped by every error ParseRate and NewRate return.
var ErrRate = errors.New("invalid rate")

// NewRate returns the rate of micro millionths of a percent (NewRate(34_500_000) is 34.5 %).
func NewRate(micro int64) (Rate, error) {
	if micro < 0 || micro > MaxRateMicro {
		return Rate{}, fmt.Errorf("%d millionths of a percent: want 0 to 1000 %%: %w", micro, ErrRate)
	}
	return Rate{micro: micro}, nil
}

// ParseRate reads a percentage as people type it: "34.5", "0.29", "46" (a comma is accepted
// as the decimal mark). It refuses signs, exponents, spaces, more than six decimals and
// rates above MaxRateMicro, so that what it accepts is exactly representable.
func ParseRate(s string) (Rate, error) {
	if s == "" {
		return Rate{}, fmt.Errorf("empty: want a percentage such as 34.5: %w", ErrRate)
	}
	whole, frac, hasMark := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" || (hasMark && frac == "") {
		return Rate{}, fmt.Errorf("%q: want digits on both sides of the decimal mark: %w", s, ErrRate)
	}
	if len(frac) > 6 {
		return Rate{}, fmt.Errorf("%q: at most six decimal places: %w", s, ErrRate)
	}
	var micro int64
	for _, c := range whole {
		if c < '0' || c > '9' {
			return Rate{}, fmt.Errorf("%q: want a non-negative number such as 34.5: %w", s, ErrRate)
		}
		micro = micro*10 + int64(c-'0')
		if micro > MaxRateMicro/MicroPerPercent {
			return Rate{}, fmt.Errorf("%q: above the 1000 %% this system accepts: %w", s, ErrRate)
		}
	}
	micro *= MicroPerPercent
	scale := int64(MicroPerPercent / 10)
	for _, c := range frac {
		if c < '0' || c > '9' {
			return Rate{}, fmt.Errorf("%q: want a non-negative number such as 34.5: %w", s, ErrRate)
		}
		micro += int64(c-'0') * scale
		scale /= 10
	}
	if micro > MaxRateMicro {
		return Rate{}, fmt.Errorf("%q: above the 1000 %% this system accepts: %w", s, ErrRate)
	}
	return Rate{micro: micro}, nil
}

// Micro returns the rate in millionths of a percent.
func (r Rate) Micro() int64 { return r.micro }

// IsZero reports whether the rate is 0 %.
func (r Rate) IsZero() bool { return r.micro == 0 }

// String returns the percentage without trailing zeros and without the sign: "34.5", "0.29", "46".
func (r Rate) String() string {
	whole, frac := r.micro/MicroPerPercent, r.micro%MicroPerPercent
	if frac == 0 {
		return fmt.Sprintf("%d", whole)
	}
	return strings.TrimRight(fmt.Sprintf("%d.%06d", whole, frac), "0")
}
