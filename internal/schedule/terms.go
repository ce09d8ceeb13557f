package schedule

import (
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/money"
)

// Method is how principal is paid back.
type Method int

const (
	// Annuity: equal payments; each covers the period's interest and the rest repays principal.
	Annuity Method = iota + 1
	// Differentiated: equal principal parts plus the interest on the falling balance.
	Differentiated
	// Bullet: interest every period, all principal with the last payment.
	Bullet
	// Single: principal and all interest in one payment at maturity (the short "payday" loan).
	Single
)

// ParseMethod reads "annuity", "differentiated", "bullet" or "single".
func ParseMethod(s string) (Method, error) {
	for m := Annuity; m <= Single; m++ {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, fmt.Errorf("%q: want annuity, differentiated, bullet or single: %w", s, ErrTerms)
}

// String returns the name ParseMethod reads.
func (m Method) String() string {
	switch m {
	case Annuity:
		return "annuity"
	case Differentiated:
		return "differentiated"
	case Bullet:
		return "bullet"
	case Single:
		return "single"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Unit is the unit the term is counted in.
type Unit int

const (
	// Months: the term is a number of monthly periods.
	Months Unit = iota + 1
	// Days: the term is a number of calendar days from disbursement to maturity.
	Days
)

// ParseUnit reads "month" or "day".
func ParseUnit(s string) (Unit, error) {
	switch s {
	case "month":
		return Months, nil
	case "day":
		return Days, nil
	}
	return 0, fmt.Errorf("%q: want month or day: %w", s, ErrTerms)
}

// String returns the name ParseUnit reads.
func (u Unit) String() string {
	switch u {
	case Months:
		return "month"
	case Days:
		return "day"
	}
	return fmt.Sprintf("Unit(%d)", int(u))
}

// Rounding is the unit every payment but the last is rounded to (a product option).
type Rounding int

const (
	// ToTiyn rounds to the tiyn (the default).
	ToTiyn Rounding = iota
	// ToTenge rounds interest, the annuity payment and the differentiated principal part to
	// whole tenge, so that every payment but the last is whole tenge when the fees are.
	ToTenge
)

func (r Rounding) unit() int64 {
	if r == ToTenge {
		return money.TiynPerTenge
	}
	return 1
}

// Limits that keep every intermediate of the arithmetic provably inside int64 (see interest):
// the legal maximum microcredit, 20 000 МРП, is below 10^10 tiyn.
const (
	// MaxAmount is the largest amount or fee a schedule accepts: 10^12 tiyn (10 bn ₸).
	MaxAmount money.Amount = 1_000_000_000_000
	// MaxTermMonths is the longest term in months: 50 years.
	MaxTermMonths = 600
	// MaxTermDays is the longest term in days: about 10 years.
	MaxTermDays = 3660
)

// Terms are the parameters of a schedule.
type Terms struct {
	Amount     money.Amount // principal disbursed on Start
	Rate       Rate         // nominal annual rate
	Term       int          // number of Unit
	Unit       Unit         // Months or Days
	Method     Method       // how principal is repaid
	Start      date.Date    // disbursement date
	PaymentDay int          // day of the month payments fall due; 0 means Start's day
	DayCount   DayCount     // interest convention
	// Grace is the number of first periods in which only interest is paid (annuity and
	// differentiated only).
	Grace      int
	UpfrontFee money.Amount // one-time fee paid on Start (row 0 of the schedule)
	PeriodFee  money.Amount // fee added to every scheduled payment (a monthly fee)
	Rounding   Rounding     // ToTiyn or ToTenge
}

// ErrTerms is wrapped by every FieldError.
var ErrTerms = errors.New("invalid loan terms")

// FieldError says which parameter of Terms (or of a servicing call) is wrong and why. Field
// is the name a caller shows: amount, rate, term, unit, method, start, payment_day, daycount,
// grace, fee, period_fee, rounding, date, keep.
type FieldError struct {
	Field   string
	Problem string
}

// Error returns "field: problem".
func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// Unwrap makes every FieldError match ErrTerms.
func (e *FieldError) Unwrap() error { return ErrTerms }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// validate checks everything but the grace period, which needs the number of periods.
func (t Terms) validate() error {
	switch {
	case t.Amount <= 0:
		return fieldErr("amount", "must be positive")
	case t.Amount > MaxAmount:
		return fieldErr("amount", "at most %d tiyn", int64(MaxAmount))
	case t.Rate.micro < 0 || t.Rate.micro > MaxRateMicro:
		return fieldErr("rate", "must be 0 to 1000 %%")
	case t.Unit != Months && t.Unit != Days:
		return fieldErr("unit", "want month or day")
	case t.Term < 1:
		return fieldErr("term", "must be at least 1")
	case t.Unit == Months && t.Term > MaxTermMonths:
		return fieldErr("term", "at most %d months", MaxTermMonths)
	case t.Unit == Days && t.Term > MaxTermDays:
		return fieldErr("term", "at most %d days", MaxTermDays)
	case t.Method < Annuity || t.Method > Single:
		return fieldErr("method", "want annuity, differentiated, bullet or single")
	case t.PaymentDay < 0 || t.PaymentDay > 31:
		return fieldErr("payment_day", "want 1 to 31, or 0 for the disbursement day")
	case !t.DayCount.valid():
		return fieldErr("daycount", "want 30/360, actual/365 or actual/actual")
	case t.Grace < 0:
		return fieldErr("grace", "must not be negative")
	case t.Grace > 0 && t.Method != Annuity && t.Method != Differentiated:
		return fieldErr("grace", "applies to annuity and differentiated schedules only")
	case t.UpfrontFee < 0 || t.UpfrontFee > MaxAmount:
		return fieldErr("fee", "must be 0 to %d tiyn", int64(MaxAmount))
	case t.PeriodFee < 0 || t.PeriodFee > MaxAmount:
		return fieldErr("period_fee", "must be 0 to %d tiyn", int64(MaxAmount))
	case t.Rounding != ToTiyn && t.Rounding != ToTenge:
		return fieldErr("rounding", "want tiyn or tenge")
	}
	return nil
}

// timeMonth converts a count of months for date.OnDay's month argument.
func timeMonth(n int) time.Month { return time.Month(n) }
