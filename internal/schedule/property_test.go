package schedule

import (
	"errors"
	"math"
	"testing"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/money"
	"pgregory.net/rapid"
)

// drawTerms draws valid terms. realistic narrows them to what an MFO offers (≥ 1 000 ₸,
// ≤ 100 %, ≤ 10 years), where "equal payments" must hold exactly; otherwise they span the
// whole accepted range, where only the invariants must.
func drawTerms(t *rapid.T, realistic bool) Terms {
	var terms Terms
	if realistic {
		terms.Amount = money.Amount(rapid.Int64Range(100_000, 10_000_000_000).Draw(t, "amount"))
		terms.Rate = Rate{micro: rapid.Int64Range(0, 100*MicroPerPercent).Draw(t, "rate")}
	} else {
		terms.Amount = money.Amount(rapid.Int64Range(1, int64(MaxAmount)).Draw(t, "amount"))
		terms.Rate = Rate{micro: rapid.Int64Range(0, MaxRateMicro).Draw(t, "rate")}
	}
	terms.Method = rapid.SampledFrom([]Method{Annuity, Differentiated, Bullet, Single}).Draw(t, "method")
	terms.Unit = rapid.SampledFrom([]Unit{Months, Days}).Draw(t, "unit")
	if terms.Unit == Months {
		terms.Term = rapid.IntRange(1, map[bool]int{true: 120, false: MaxTermMonths}[realistic]).Draw(t, "months")
	} else {
		terms.Term = rapid.IntRange(1, map[bool]int{true: 3650, false: MaxTermDays}[realistic]).Draw(t, "days")
	}
	terms.Start = date.Of(2020, 1, 1).AddDays(rapid.IntRange(0, 365*10).Draw(t, "start"))
	terms.PaymentDay = rapid.IntRange(0, 31).Draw(t, "payday")
	terms.DayCount = rapid.SampledFrom([]DayCount{Thirty360, Actual365, ActualActual}).Draw(t, "daycount")
	terms.UpfrontFee = money.Amount(rapid.Int64Range(0, 10_000_000).Draw(t, "fee"))
	terms.PeriodFee = money.Amount(rapid.Int64Range(0, 100_000).Draw(t, "periodfee"))
	terms.Rounding = rapid.SampledFrom([]Rounding{ToTiyn, ToTenge}).Draw(t, "rounding")
	if terms.Method == Annuity || terms.Method == Differentiated {
		n := len(terms.periods())
		terms.Grace = rapid.IntRange(0, min(n-1, 6)).Draw(t, "grace")
	}
	return terms
}

// checkInvariants: principal sums to the amount; each payment is its parts; the balance
// never rises, never goes negative and ends at zero; dates never go back.
func checkInvariants(t *rapid.T, s *Schedule) {
	var principal money.Amount
	balance := s.Terms.Amount
	prev := s.Terms.Start
	for i, r := range s.Rows {
		principal += r.Principal
		if r.Payment != r.Principal+r.Interest+r.Fee || r.Principal < 0 || r.Interest < 0 {
			t.Fatalf("row %d: %+v is not principal + interest + fee", i, r)
		}
		if r.Balance != balance-r.Principal || r.Balance < 0 || r.Balance > balance {
			t.Fatalf("row %d: balance %d after %d with principal %d", i, r.Balance, balance, r.Principal)
		}
		if r.Date.Before(prev) {
			t.Fatalf("row %d on %s goes back from %s", i, r.Date, prev)
		}
		balance, prev = r.Balance, r.Date
	}
	if principal != s.Terms.Amount || s.TotalPrincipal != principal || balance != 0 {
		t.Fatalf("principal %d (total %d) for amount %d; final balance %d", principal, s.TotalPrincipal, s.Terms.Amount, balance)
	}
}

func TestPropertyScheduleInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		terms := drawTerms(t, rapid.Bool().Draw(t, "realistic"))
		s, err := Build(terms)
		if err != nil {
			t.Fatalf("Build(%+v): %v", terms, err)
		}
		checkInvariants(t, s)
		if !s.Maturity().After(terms.Start) {
			t.Fatalf("maturity %s not after the start %s", s.Maturity(), terms.Start)
		}
	})
}

// In realistic terms: the annuity payments are equal except the last, which differs only by
// rounding carried forward; the differentiated principal parts are equal except the last;
// one row per period.
func TestPropertyEqualPaymentsAndParts(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		terms := drawTerms(t, true)
		s, err := Build(terms)
		if err != nil {
			t.Fatalf("Build: %v", err)
		}
		rows := s.Rows
		if terms.UpfrontFee > 0 {
			rows = rows[1:]
		}
		if n := len(terms.periods()); len(rows) != n {
			t.Fatalf("%d rows for %d periods", len(rows), n)
		}
		amortizing := rows[terms.Grace:]
		for i, r := range amortizing[:len(amortizing)-1] {
			switch terms.Method {
			case Annuity:
				if r.Payment-r.Fee != s.Installment {
					t.Fatalf("annuity row %d pays %d, installment %d", i, r.Payment-r.Fee, s.Installment)
				}
			case Differentiated:
				if r.Principal != s.Installment {
					t.Fatalf("differentiated row %d repays %d, part %d", i, r.Principal, s.Installment)
				}
			}
		}
		last := amortizing[len(amortizing)-1]
		if terms.Method == Annuity {
			// Each period's rounding (≤ one unit) grows with interest until the end.
			unit := float64(terms.Rounding.unit())
			i := float64(terms.Rate.micro) / 1e8 / 6 // a generous monthly rate: periods ≤ 2 months
			n := float64(len(amortizing))
			bound := unit * n * math.Pow(1+i, n)
			if d := math.Abs(float64(last.Payment - last.Fee - s.Installment)); d > bound {
				t.Fatalf("last payment %d is %v from the installment %d (bound %v)", last.Payment-last.Fee, d, s.Installment, bound)
			}
		}
		if terms.Method == Differentiated && (last.Principal < s.Installment || last.Principal-s.Installment >= money.Amount(len(amortizing))*money.Amount(terms.Rounding.unit())) {
			t.Fatalf("last part %d against %d over %d periods", last.Principal, s.Installment, len(amortizing))
		}
	})
}

func TestPropertyPrepay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		terms := drawTerms(t, rapid.Bool().Draw(t, "realistic"))
		s, err := Build(terms)
		if err != nil {
			t.Fatalf("Build: %v", err)
		}
		on := terms.Start.AddDays(rapid.IntRange(0, s.Maturity().Sub(terms.Start)).Draw(t, "on"))
		po, err := s.Payoff(on)
		if err != nil {
			t.Fatalf("Payoff(%s): %v", on, err)
		}
		if po.Total != po.Principal+po.Interest+po.Fee || po.Principal < 0 || po.Interest < 0 {
			t.Fatalf("payoff %+v", po)
		}
		keep := rapid.SampledFrom([]Keep{KeepTerm, KeepPayment}).Draw(t, "keep")
		amount := money.Amount(rapid.Int64Range(1, int64(po.Principal+po.Interest)+1).Draw(t, "prepaid"))
		p, err := s.Prepay(on, amount, keep)
		var fe *FieldError
		if err != nil {
			if !errors.As(err, &fe) {
				t.Fatalf("Prepay: %v is not a FieldError", err)
			}
			return
		}
		checkInvariants(t, p)
		if p.TotalPayment > s.TotalPayment+amount {
			t.Fatalf("prepaying made the loan dearer: %d → %d", s.TotalPayment, p.TotalPayment)
		}
		if p.Maturity().After(s.Maturity()) {
			t.Fatalf("maturity moved from %s to %s", s.Maturity(), p.Maturity())
		}
	})
}
