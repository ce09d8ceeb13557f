package product

import (
	"errors"
	"slices"
	"testing"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/legalcap"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

type capsFixture struct {
	book *legalcap.Book
	mrp  kz.MRPTable
}

func pureCaps() capsFixture { return capsFixture{book: legalcap.DefaultBook(), mrp: kz.DefaultMRP()} }

func mustRate(t *testing.T, s string) schedule.Rate {
	t.Helper()
	r, err := schedule.ParseRate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func codes(vs []legalcap.Violation) []legalcap.Code {
	var out []legalcap.Code
	for _, v := range vs {
		out = append(out, v.Code)
	}
	return out
}

// TestR8_1_1_CheckFindsTheGESVAboveTheCap: one month, single payment, 48 % a year under
// 30/360 is 4 % interest paid after the 31 days from 2 March to 2 April 2026, so the ГЭСВ is
// 1.04^(365/31) − 1 = 58.69… % → 58.7 %, above 46 %. The amount (1 000 000 ₸) is above
// 45 МРП, so the general regime applies, not the short-term one.
func TestR8_1_1_CheckFindsTheGESVAboveTheCap(t *testing.T) {
	t.Parallel()
	f := pureCaps()
	s := consumer()
	s.MinAmount, s.MaxAmount = 1_000_000_00, 1_000_000_00
	s.MinTerm, s.MaxTerm = 1, 1
	s.Methods = []schedule.Method{schedule.Single}
	s.AnnualRate, s.UpfrontFee = mustRate(t, "48"), 0
	vs, err := Version{Spec: s}.Check(date.Of(2026, 3, 2), f.book, f.mrp)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Code != legalcap.GESVAboveCap || vs[0].Actual != 587 || vs[0].Limit != 460 {
		t.Fatalf("violations = %+v, want gesv_above_cap 587 > 460", vs)
	}
	// Under the caps before 16.06.2025 (56 %) the same product is still above them.
	vs, err = Version{Spec: s}.Check(date.Of(2025, 6, 15), f.book, f.mrp)
	if err != nil || len(vs) != 1 || vs[0].Limit != 560 {
		t.Fatalf("old caps: %+v, %v", vs, err)
	}
}

// TestR8_1_1_CheckFindsTheWorstCorner: a consumer loan whose short end is within the cap and
// long end is not is refused; the violation named is the one at the corner that breaks it.
func TestR8_1_1_CheckFindsTheWorstCorner(t *testing.T) {
	t.Parallel()
	f := pureCaps()
	s := consumer()
	// A fee of 20 000 ₸ on 50 000 ₸ is a heavy cost over 3 months and a light one over 24
	// on 1 000 000 ₸: only the small, short corner breaks the cap.
	s.UpfrontFee = 20_000_00
	vs, err := Version{Spec: s}.Check(date.Of(2026, 3, 2), f.book, f.mrp)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(codes(vs), []legalcap.Code{legalcap.GESVAboveCap}) {
		t.Fatalf("violations = %v", vs)
	}
	bs, err := s.breaches(date.Of(2026, 3, 2), f.book, f.mrp)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.Amount == s.MaxAmount && b.Term == s.MaxTerm {
			t.Errorf("the large, long corner does not break the cap but was named: %+v", b)
		}
	}
	if bs[0].Amount != s.MinAmount || bs[0].Term != s.MinTerm {
		t.Errorf("first breach at %s × %d, want the small, short corner", bs[0].Amount, bs[0].Term)
	}
}

// TestR8_1_1_CheckShortTermDailyRate: 0.3 % a day (109.5 % a year over 365 days) is not below
// the short-term limit; 0.25 % a day is, and its ГЭСВ at the worst corner (5 days:
// 1.0125^73 − 1 ≈ 147.6 %) is within 179 %.
func TestR8_1_1_CheckShortTermDailyRate(t *testing.T) {
	t.Parallel()
	f := pureCaps()
	s := DemoSpecs()[1]
	s.AnnualRate = mustRate(t, "109.5")
	vs, err := Version{Spec: s}.Check(date.Of(2026, 3, 2), f.book, f.mrp)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(codes(vs), legalcap.ShortTermDailyRate) {
		t.Fatalf("violations = %v, want short_term_daily_rate", vs)
	}
	s.AnnualRate = mustRate(t, "91.25")
	if vs, err := (Version{Spec: s}).Check(date.Of(2026, 3, 2), f.book, f.mrp); err != nil || len(vs) != 0 {
		t.Fatalf("0.25 %% a day: %v, %v", vs, err)
	}
}

// TestR8_1_1_CheckAmountAndPenaltyCaps: 20 000 МРП of 2026 (4 325 ₸) is 86 500 000 ₸, allowed;
// one tiyn more is not. A penalty of 0.6 % a day is above the 0.5 % cap.
func TestR8_1_1_CheckAmountAndPenaltyCaps(t *testing.T) {
	t.Parallel()
	f := pureCaps()
	s := DemoSpecs()[2]
	s.MaxAmount = money.Amount(86_500_000_00)
	if vs, err := (Version{Spec: s}).Check(date.Of(2026, 3, 2), f.book, f.mrp); err != nil || len(vs) != 0 {
		t.Fatalf("20 000 МРП: %v, %v", vs, err)
	}
	s.MaxAmount++
	s.PenaltyDaily = mustRate(t, "0.6")
	vs, err := Version{Spec: s}.Check(date.Of(2026, 3, 2), f.book, f.mrp)
	if err != nil {
		t.Fatal(err)
	}
	want := map[legalcap.Code]int64{legalcap.AmountAboveCap: 86_500_000_01, legalcap.PenaltyRateAboveCap: 600_000}
	if len(vs) != len(want) {
		t.Fatalf("violations = %+v", vs)
	}
	for _, v := range vs {
		if want[v.Code] != v.Actual {
			t.Errorf("%s actual = %d, want %d", v.Code, v.Actual, want[v.Code])
		}
	}
}

func TestCheckWithoutCapsIsAnError(t *testing.T) {
	t.Parallel()
	_, err := Version{Spec: consumer()}.Check(date.Of(2026, 3, 2), nil, kz.DefaultMRP())
	if err == nil {
		t.Fatal("no caps, no error")
	}
	// An МРП the table lacks is an error, never "within the caps".
	_, err = Version{Spec: consumer()}.Check(date.Of(2040, 1, 1), legalcap.DefaultBook(), kz.DefaultMRP())
	if !errors.Is(err, kz.ErrMRPUnknown) {
		t.Fatalf("unknown МРП year: %v", err)
	}
}
