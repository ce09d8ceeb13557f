package gesv

import (
	"math"
	"testing"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
	"pgregory.net/rapid"
)

// drawTerms draws the terms of a typical MFO schedule: up to 200 %, a one-time fee of at
// most 5 % of the amount.
func drawTerms(t *rapid.T) schedule.Terms {
	rate, err := schedule.NewRate(rapid.Int64Range(0, 200*schedule.MicroPerPercent).Draw(t, "rate"))
	if err != nil {
		t.Fatal(err)
	}
	amount := rapid.Int64Range(1_000_000, 10_000_000_000).Draw(t, "amount")
	terms := schedule.Terms{
		Amount:     money.Amount(amount),
		Rate:       rate,
		Method:     rapid.SampledFrom([]schedule.Method{schedule.Annuity, schedule.Differentiated, schedule.Bullet, schedule.Single}).Draw(t, "method"),
		Start:      date.Of(2024, 1, 1).AddDays(rapid.IntRange(0, 1000).Draw(t, "start")),
		DayCount:   rapid.SampledFrom([]schedule.DayCount{schedule.Thirty360, schedule.Actual365, schedule.ActualActual}).Draw(t, "daycount"),
		UpfrontFee: money.Amount(rapid.Int64Range(0, amount/20).Draw(t, "fee")),
		PeriodFee:  money.Amount(rapid.Int64Range(0, 50_000).Draw(t, "periodfee")),
	}
	if rapid.Bool().Draw(t, "days") {
		terms.Unit, terms.Term = schedule.Days, rapid.IntRange(5, 400).Draw(t, "term")
	} else {
		terms.Unit, terms.Term = schedule.Months, rapid.IntRange(1, 48).Draw(t, "term")
	}
	return terms
}

func mustBuild(t *rapid.T, terms schedule.Terms) *schedule.Schedule {
	s, err := schedule.Build(terms)
	if err != nil {
		t.Fatalf("Build(%+v): %v", terms, err)
	}
	return s
}

// referenceRate solves Σ S/(1+r)^(t/365) = Σ P/(1+r)^(t/365) by plain bisection on r with
// math.Pow, a method independent of the package's solver, and returns r in percent.
func referenceRate(cf CashFlows) float64 {
	first := cf.Disbursements[0].On
	f := func(r float64) float64 {
		var v float64
		for _, d := range cf.Disbursements {
			v += float64(d.Amount) * math.Pow(1+r, -float64(d.On.Sub(first))/365)
		}
		for _, p := range cf.Payments {
			v -= float64(p.Amount) * math.Pow(1+r, -float64(p.On.Sub(first))/365)
		}
		return v
	}
	lo, hi := -0.99, 1e6
	for range 400 {
		mid := (lo + hi) / 2
		if f(mid) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2 * 100
}

// The ГЭСВ recomputed from the schedule's own cash flows by an independent solver gives the
// reported value, and the overpayment is all payments minus the amount.
func TestR8_1_1_PropertyGESVReproducedFromCashFlows(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := mustBuild(t, drawTerms(t))
		d, err := OfSchedule(s)
		if err != nil {
			t.Fatalf("OfSchedule: %v", err)
		}
		cf := FlowsOf(s)
		if again, err := Compute(cf); err != nil || again != d.Rate {
			t.Fatalf("Compute(FlowsOf) = %v, %v; OfSchedule said %v", again, err, d.Rate)
		}
		ref := referenceRate(cf)
		q := ref * 10
		if math.Abs(q-math.Floor(q)-0.5) > 1e-6 { // too close to a boundary for the reference to judge
			if want := int64(math.Floor(q + 0.5)); want != d.Rate.Permille() {
				t.Fatalf("ГЭСВ %v, independent bisection %.6f %%", d.Rate, ref)
			}
		}
		var paid money.Amount
		for _, r := range s.Rows {
			paid += r.Payment
		}
		if d.Overpayment != paid-s.Terms.Amount {
			t.Fatalf("overpayment %d, payments %d − amount %d", d.Overpayment, paid, s.Terms.Amount)
		}
	})
}

// A higher rate or a higher fee never lowers the ГЭСВ. (The rate rises by at least 0.01 %:
// a rise of a millionth of a percent moves interest by less than the tiyn rounding, so
// only the overpayment's one-tiyn-per-row noise is left to check there.)
func TestPropertyGESVGrowsWithRateAndFee(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		terms := drawTerms(t)
		base := mustBuild(t, terms)
		higher := terms
		if rapid.Bool().Draw(t, "raise the rate") {
			r, err := schedule.NewRate(terms.Rate.Micro() + rapid.Int64Range(schedule.MicroPerPercent/100, 20*schedule.MicroPerPercent).Draw(t, "by"))
			if err != nil {
				t.Fatal(err)
			}
			higher.Rate = r
		} else {
			higher.UpfrontFee += money.Amount(rapid.Int64Range(1, int64(terms.Amount)/20).Draw(t, "by"))
		}
		a, errA := OfSchedule(base)
		b, errB := OfSchedule(mustBuild(t, higher))
		if errA != nil || errB != nil {
			t.Fatalf("%v, %v", errA, errB)
		}
		if b.Rate.Permille() < a.Rate.Permille() {
			t.Fatalf("ГЭСВ fell from %v to %v", a.Rate, b.Rate)
		}
		// The overpayment too, within a tiyn of rounding per row, at the rates a lender may
		// charge (≤ 56 %). Far above them a long annuity with actual days has interest-only
		// months (see the schedule package) and its total is not monotone.
		slack := money.Amount(len(base.Rows))
		if higher.Rate.Micro() <= 56*schedule.MicroPerPercent && b.Overpayment < a.Overpayment-slack {
			t.Fatalf("overpayment fell from %d to %d", a.Overpayment, b.Overpayment)
		}
	})
}
