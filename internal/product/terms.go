package product

import (
	"slices"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

// TermsFor checks a client's request against the version and returns the schedule terms of
// the loan: the product's rate, fees, unit and day count with the requested amount, term and
// method, disbursed on start. Errors are fault.Field on "amount", "term" or "method". It does
// not look at the version's status: the caller decides whether a retired version may still
// be used (a loan already made under it may).
func (v Version) TermsFor(amount money.Amount, term int, method schedule.Method, start date.Date) (schedule.Terms, error) {
	s := v.Spec
	switch {
	case amount < s.MinAmount:
		return schedule.Terms{}, fault.Field("amount", "must be at least %s", s.MinAmount)
	case amount > s.MaxAmount:
		return schedule.Terms{}, fault.Field("amount", "must be at most %s", s.MaxAmount)
	case term < s.MinTerm:
		return schedule.Terms{}, fault.Field("term", "must be at least %d %s(s)", s.MinTerm, s.Unit)
	case term > s.MaxTerm:
		return schedule.Terms{}, fault.Field("term", "must be at most %d %s(s)", s.MaxTerm, s.Unit)
	case !slices.Contains(s.Methods, method):
		return schedule.Terms{}, fault.Field("method", "this product is repaid by %s", methodList(s.Methods))
	}
	return s.terms(amount, term, method, start), nil
}

// terms builds the schedule terms of one loan under s, unchecked.
func (s Spec) terms(amount money.Amount, term int, method schedule.Method, start date.Date) schedule.Terms {
	return schedule.Terms{
		Amount:     amount,
		Rate:       s.AnnualRate,
		Term:       term,
		Unit:       s.Unit,
		Method:     method,
		Start:      start,
		DayCount:   s.DayCount,
		UpfrontFee: s.UpfrontFee,
		PeriodFee:  s.PeriodFee,
		Rounding:   schedule.ToTiyn,
	}
}

func methodList(ms []schedule.Method) string {
	out := ""
	for i, m := range ms {
		if i > 0 {
			out += ", "
		}
		out += m.String()
	}
	return out
}
