package product

import (
	"errors"
	"fmt"
	"strings"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/gesv"
	"nesie.kz/nesie/internal/legalcap"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

// Breach is a violation of the legal caps at one corner of a product: the loan a client
// could take at that amount, term and method would break the caps.
type Breach struct {
	Amount money.Amount
	Term   int
	Unit   schedule.Unit
	Method schedule.Method
	legalcap.Violation
}

// CapsError is the cause of the "product_above_legal_caps" refusal: every breach found, so
// that the back office can show staff which corner breaks which cap. Find it with errors.As.
type CapsError struct {
	Breaches []Breach
}

// Error counts the breaches; the refusal's message names them (see describe).
func (e *CapsError) Error() string {
	return fmt.Sprintf("%d breach(es) of the legal caps at the product's corners", len(e.Breaches))
}

// describe names each broken cap once, at its worst corner.
func (e *CapsError) describe() string {
	var parts []string
	for _, b := range worstPerCode(e.Breaches) {
		parts = append(parts, fmt.Sprintf("%s (%s for %d %s(s), %s)", b.Violation.Error(),
			b.Amount, b.Term, b.Unit, b.Method))
	}
	return strings.Join(parts, "; ")
}

// Check checks every corner of the version — minimum and maximum amount × minimum and
// maximum term × each allowed method — against the caps in force on the date on, as a loan
// disbursed that day, with the product's fees and penalty. It returns the violations, the
// worst (largest actual value) of each code once, in the order first met; none means every
// loan the product allows is within the caps at the corners. Schedules between corners are
// not built: for a fixed rate and fees the ГЭСВ is largest at the extreme terms and amounts,
// which is where the caps bite.
func (v Version) Check(on date.Date, caps *legalcap.Book, mrp legalcap.MRP) ([]legalcap.Violation, error) {
	bs, err := v.Spec.breaches(on, caps, mrp)
	if err != nil {
		return nil, err
	}
	var out []legalcap.Violation
	for _, b := range worstPerCode(bs) {
		out = append(out, b.Violation)
	}
	return out, nil
}

// breaches returns every violation at every corner.
func (s Spec) breaches(on date.Date, caps *legalcap.Book, mrp legalcap.MRP) ([]Breach, error) {
	if caps == nil || mrp == nil {
		return nil, errors.New("product: no legal caps to check against")
	}
	var out []Breach
	for _, amount := range corners(s.MinAmount, s.MaxAmount) {
		for _, term := range corners(s.MinTerm, s.MaxTerm) {
			for _, m := range s.Methods {
				t := s.terms(amount, term, m, on)
				sched, err := schedule.Build(t)
				if err != nil {
					return nil, fault.Field("methods", "no %s schedule for %s over %d %s: %v", m, amount, term, s.Unit.String()+"(s)", err)
				}
				d, err := gesv.OfSchedule(sched)
				if err != nil {
					return nil, fault.Field("annual_rate", "no effective rate for %s over %d %s: %v", amount, term, s.Unit.String()+"(s)", err)
				}
				c := legalcap.ContractOf(sched, d)
				c.PenaltyDaily = s.PenaltyDaily
				vs, err := caps.Check(c, mrp)
				if err != nil {
					return nil, fmt.Errorf("product: checking the caps on %s: %w", on, err)
				}
				for _, viol := range vs {
					out = append(out, Breach{Amount: amount, Term: term, Unit: s.Unit, Method: m, Violation: viol})
				}
			}
		}
	}
	return out, nil
}

// corners returns lo and hi, once when they are equal.
func corners[T comparable](lo, hi T) []T {
	if lo == hi {
		return []T{lo}
	}
	return []T{lo, hi}
}

// worstPerCode keeps, for each violation code in order of first appearance, the breach with
// the largest actual value.
func worstPerCode(bs []Breach) []Breach {
	var out []Breach
	at := map[legalcap.Code]int{}
	for _, b := range bs {
		i, seen := at[b.Code]
		switch {
		case !seen:
			at[b.Code] = len(out)
			out = append(out, b)
		case b.Actual > out[i].Actual:
			out[i] = b
		}
	}
	return out
}
