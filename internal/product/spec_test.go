package product

import (
	"regexp"
	"testing"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

func TestSpecValidateNamesTheBadField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		field  string
		change func(*Spec)
	}{
		{"code", func(s *Spec) { s.Code = "x" }},
		{"code", func(s *Spec) { s.Code = "Consumer" }},
		{"code", func(s *Spec) { s.Code = "con_sumer" }},
		{"code", func(s *Spec) { s.Code = "a23456789012345678901234567890123456789012" }},
		{"name_ru", func(s *Spec) { s.NameRu = "  " }},
		{"name_ru", func(s *Spec) { s.NameRu = "Кредит\n" }},
		{"name_kk", func(s *Spec) { s.NameKk = "" }},
		{"name_kk", func(s *Spec) { s.NameKk = "\xff" }},
		{"kind", func(s *Spec) { s.Kind = "mortgage" }},
		{"borrowers", func(s *Spec) { s.Borrowers = nil }},
		{"borrowers", func(s *Spec) { s.Borrowers = []client.Kind{client.Individual, client.Individual} }},
		{"borrowers", func(s *Spec) { s.Borrowers = []client.Kind{"alien"} }},
		{"borrowers", func(s *Spec) { s.Borrowers = []client.Kind{client.LegalEntity} }},
		{"borrowers", func(s *Spec) { s.Kind, s.Borrowers = Business, []client.Kind{client.Individual} }},
		{"min_amount", func(s *Spec) { s.MinAmount = 0 }},
		{"min_amount", func(s *Spec) { s.MinAmount = -100 }},
		{"max_amount", func(s *Spec) { s.MaxAmount = s.MinAmount - 1 }},
		{"max_amount", func(s *Spec) { s.MaxAmount = schedule.MaxAmount + 1 }},
		{"unit", func(s *Spec) { s.Unit = 0 }},
		{"min_term", func(s *Spec) { s.MinTerm = 0 }},
		{"max_term", func(s *Spec) { s.MaxTerm = 2 }},
		{"max_term", func(s *Spec) { s.MaxTerm = schedule.MaxTermMonths + 1 }},
		{"upfront_fee", func(s *Spec) { s.UpfrontFee = -1 }},
		{"period_fee", func(s *Spec) { s.PeriodFee = -1 }},
		{"methods", func(s *Spec) { s.Methods = nil }},
		{"methods", func(s *Spec) { s.Methods = []schedule.Method{schedule.Annuity, schedule.Annuity} }},
		{"methods", func(s *Spec) { s.Methods = []schedule.Method{9} }},
		{"day_count", func(s *Spec) { s.DayCount = 0 }},
	}
	for _, c := range cases {
		s := consumer()
		c.change(&s)
		wantField(t, s.Validate(), c.field)
	}
	for _, s := range DemoSpecs() {
		if err := s.Validate(); err != nil {
			t.Errorf("demo %s: %v", s.Code, err)
		}
	}
}

// TestR8_1_1_DemoSpecsWithinCaps checks every demo product at every corner against the caps
// in force on storetest's start date (2 March 2026: ГЭСВ ≤ 46 %, short-term regime).
func TestR8_1_1_DemoSpecsWithinCaps(t *testing.T) {
	t.Parallel()
	f := pureCaps()
	for _, s := range DemoSpecs() {
		vs, err := Version{Spec: s}.Check(date.Of(2026, 3, 2), f.book, f.mrp)
		if err != nil || len(vs) != 0 {
			t.Errorf("demo %s: violations %v, err %v", s.Code, vs, err)
		}
	}
}

func TestTermsForChecksTheRequest(t *testing.T) {
	t.Parallel()
	v := Version{Spec: consumer()}
	start := date.Of(2026, 3, 2)
	got, err := v.TermsFor(money.Amount(300_000_00), 12, schedule.Differentiated, start)
	if err != nil {
		t.Fatal(err)
	}
	want := schedule.Terms{Amount: 300_000_00, Rate: v.Spec.AnnualRate, Term: 12, Unit: schedule.Months,
		Method: schedule.Differentiated, Start: start, DayCount: schedule.Thirty360, UpfrontFee: 500_00}
	if got != want {
		t.Fatalf("terms = %+v, want %+v", got, want)
	}
	if _, err := schedule.Build(got); err != nil {
		t.Fatalf("terms do not build: %v", err)
	}
	for _, c := range []struct {
		amount money.Amount
		term   int
		method schedule.Method
		field  string
	}{
		{50_000_00 - 1, 12, schedule.Annuity, "amount"},
		{1_000_000_00 + 1, 12, schedule.Annuity, "amount"},
		{50_000_00, 2, schedule.Annuity, "term"},
		{50_000_00, 25, schedule.Annuity, "term"},
		{50_000_00, 12, schedule.Bullet, "method"},
	} {
		_, err := v.TermsFor(c.amount, c.term, c.method, start)
		wantField(t, err, c.field)
	}
	// The bounds themselves are allowed.
	if _, err := v.TermsFor(50_000_00, 3, schedule.Annuity, start); err != nil {
		t.Errorf("minimum corner refused: %v", err)
	}
	if _, err := v.TermsFor(1_000_000_00, 24, schedule.Annuity, start); err != nil {
		t.Errorf("maximum corner refused: %v", err)
	}
}

var codeShape = regexp.MustCompile(`^[a-z0-9-]{2,40}$`)

// FuzzSpecValidate feeds arbitrary staff input to Validate: it must never panic, and a spec
// it accepts must satisfy the rules checked here independently.
func FuzzSpecValidate(f *testing.F) {
	f.Add("consumer-12", "Кредит", "Несие", "consumer", int64(5_000_000), int64(100_000_000), 1, 3, 24, int64(30_000_000), int64(50_000), int64(0), uint8(3), 1)
	f.Add("x", "", " ", "business", int64(-1), int64(0), 2, 0, 0, int64(-5), int64(-1), int64(-1), uint8(0), 0)
	f.Fuzz(func(t *testing.T, code, ru, kk, kind string, minA, maxA int64, unit, minT, maxT int, rate, fee, pfee int64, methods uint8, dc int) {
		s := Spec{Code: code, NameRu: ru, NameKk: kk, Kind: Kind(kind), Borrowers: []client.Kind{client.Entrepreneur},
			MinAmount: money.Amount(minA), MaxAmount: money.Amount(maxA), Unit: schedule.Unit(unit), MinTerm: minT, MaxTerm: maxT,
			UpfrontFee: money.Amount(fee), PeriodFee: money.Amount(pfee), DayCount: schedule.DayCount(dc)}
		if r, err := schedule.NewRate(rate); err == nil {
			s.AnnualRate = r
		}
		for m := schedule.Annuity; m <= schedule.Single; m++ {
			if methods&(1<<(m-1)) != 0 {
				s.Methods = append(s.Methods, m)
			}
		}
		if s.Validate() != nil {
			return
		}
		if !codeShape.MatchString(s.Code) || s.NameRu == "" || s.NameKk == "" ||
			s.MinAmount <= 0 || s.MaxAmount < s.MinAmount || s.MinTerm < 1 || s.MaxTerm < s.MinTerm ||
			s.UpfrontFee < 0 || s.PeriodFee < 0 || len(s.Methods) == 0 || (s.Kind != Consumer && s.Kind != Business) {
			t.Fatalf("accepted a bad spec: %+v", s)
		}
		// Every corner of an accepted spec must give terms the schedule accepts.
		for _, a := range []money.Amount{s.MinAmount, s.MaxAmount} {
			for _, n := range []int{s.MinTerm, s.MaxTerm} {
				if n > 120 {
					continue // long schedules are slow to build and prove nothing more
				}
				if _, err := schedule.Build(s.terms(a, n, s.Methods[0], date.Of(2026, 3, 2))); err != nil {
					t.Fatalf("accepted spec gives unbuildable terms: %v", err)
				}
			}
		}
	})
}
