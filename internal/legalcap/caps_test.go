package legalcap

import (
	"errors"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/gesv"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

func rate(t *testing.T, s string) schedule.Rate {
	t.Helper()
	r, err := schedule.ParseRate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func tenge(t *testing.T, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func codes(vs []Violation) []Code {
	var cs []Code
	for _, v := range vs {
		cs = append(cs, v.Code)
	}
	return cs
}

func sameCodes(a, b []Code) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// An ordinary 12-month contract: 1 000 000 ₸ at 36 % on 30/360.
func longContract(t *testing.T, on string, g int64) Contract {
	d, _ := date.Parse(on)
	return Contract{Date: d, Amount: tenge(t, "1000000"), TermDays: 365, AnnualRate: rate(t, "36"),
		DayCount: schedule.Thirty360, GESV: gesv.FromPermille(g)}
}

// The general cap is 46 % from 16.06.2025 and 56 % for earlier contracts, both inclusive.
func TestGESVCapByContractDate(t *testing.T) {
	book := DefaultBook()
	for _, tc := range []struct {
		on   string
		gesv int64
		want []Code
	}{
		{"2025-06-16", 460, nil},
		{"2025-06-16", 461, []Code{GESVAboveCap}},
		{"2025-06-15", 461, nil},
		{"2025-06-15", 560, nil},
		{"2025-06-15", 561, []Code{GESVAboveCap}},
		{"2026-03-01", 461, []Code{GESVAboveCap}},
	} {
		vs, err := book.Check(longContract(t, tc.on, tc.gesv), kz.DefaultMRP())
		if err != nil || !sameCodes(codes(vs), tc.want) {
			t.Errorf("%s, ГЭСВ %d‰: %v, %v; want %v", tc.on, tc.gesv, codes(vs), err, tc.want)
		}
	}
}

// Short-term regime from 16.06.2025: ≤ 45 days and ≤ 45 МРП (2025: 45·3 932 = 176 940 ₸)
// needs a daily rate below 0.3 % and ГЭСВ ≤ 179 % instead of 46 %.
func TestShortTermRegime(t *testing.T) {
	book := DefaultBook()
	base := func() Contract {
		return Contract{Date: date.Of(2025, 9, 1), Amount: tenge(t, "176940"), TermDays: 45,
			AnnualRate: rate(t, "107.9"), DayCount: schedule.Thirty360, GESV: gesv.FromPermille(1790)}
	}
	for _, tc := range []struct {
		name string
		edit func(*Contract)
		want []Code
	}{
		{"at every limit", func(*Contract) {}, nil},
		// 108 % over 360 days is exactly 0.3 % a day: not below it.
		{"daily rate 0.3 % on 30/360", func(c *Contract) { c.AnnualRate = rate(t, "108") }, []Code{ShortTermDailyRate}},
		// 108 % over 365 days is 0.2959 % a day.
		{"108 % on actual/365", func(c *Contract) { c.AnnualRate, c.DayCount = rate(t, "108"), schedule.Actual365 }, nil},
		{"109.5 % on actual/365", func(c *Contract) { c.AnnualRate, c.DayCount = rate(t, "109.5"), schedule.Actual365 }, []Code{ShortTermDailyRate}},
		{"ГЭСВ 179.1 %", func(c *Contract) { c.GESV = gesv.FromPermille(1791) }, []Code{ShortTermGESVAboveCap}},
		{"both", func(c *Contract) { c.AnnualRate, c.GESV = rate(t, "120"), gesv.FromPermille(2000) },
			[]Code{ShortTermDailyRate, ShortTermGESVAboveCap}},
		// One tiyn more than 45 МРП, or one day more: the general 46 % applies.
		{"above 45 МРП", func(c *Contract) { c.Amount++ }, []Code{GESVAboveCap}},
		{"46 days", func(c *Contract) { c.TermDays = 46 }, []Code{GESVAboveCap}},
		{"46 days within 46 %", func(c *Contract) { c.TermDays, c.GESV = 46, gesv.FromPermille(460) }, nil},
	} {
		c := base()
		tc.edit(&c)
		vs, err := book.Check(c, kz.DefaultMRP())
		if err != nil || !sameCodes(codes(vs), tc.want) {
			t.Errorf("%s: %v, %v; want %v", tc.name, codes(vs), err, tc.want)
		}
	}
	// Before 16.06.2025 the short-term regime reached 50 МРП and had no ГЭСВ cap of its own.
	old := base()
	old.Date, old.Amount, old.GESV = date.Of(2025, 6, 1), tenge(t, "196600"), gesv.FromPermille(3000) // 50·3 932
	if vs, err := book.Check(old, kz.DefaultMRP()); err != nil || len(vs) != 0 {
		t.Errorf("old short-term regime: %v, %v", codes(vs), err)
	}
}

// The amount is at most 20 000 МРП of the contract's year: 86 500 000 ₸ in 2026.
func TestAmountCap(t *testing.T) {
	c := longContract(t, "2026-02-01", 300)
	c.Amount = tenge(t, "86500000")
	if vs, err := DefaultBook().Check(c, kz.DefaultMRP()); err != nil || len(vs) != 0 {
		t.Errorf("at the cap: %v, %v", codes(vs), err)
	}
	c.Amount++
	vs, err := DefaultBook().Check(c, kz.DefaultMRP())
	if err != nil || !sameCodes(codes(vs), []Code{AmountAboveCap}) || vs[0].Limit != int64(tenge(t, "86500000")) {
		t.Errorf("one tiyn above: %+v, %v", vs, err)
	}
}

func TestPenaltyRateCap(t *testing.T) {
	c := longContract(t, "2026-02-01", 300)
	c.PenaltyDaily = rate(t, "0.5")
	if vs, _ := DefaultBook().Check(c, kz.DefaultMRP()); len(vs) != 0 {
		t.Errorf("0.5 %%/day: %v", codes(vs))
	}
	c.PenaltyDaily = rate(t, "0.51")
	if vs, _ := DefaultBook().Check(c, kz.DefaultMRP()); !sameCodes(codes(vs), []Code{PenaltyRateAboveCap}) {
		t.Errorf("0.51 %%/day: %v", codes(vs))
	}
}

func TestCheckNeedsTheYearsMRP(t *testing.T) {
	_, err := DefaultBook().Check(longContract(t, "2031-01-01", 300), kz.DefaultMRP())
	if !errors.Is(err, kz.ErrMRPUnknown) {
		t.Errorf("2031: %v, want ErrMRPUnknown", err)
	}
}

func TestBookVersions(t *testing.T) {
	def := DefaultBook().Versions()
	if _, err := NewBook(def); err != nil {
		t.Fatalf("the default versions fail NewBook: %v", err)
	}
	// Replaceable data: a new version from 2027 with a 40 % cap, given out of order.
	v2027 := def[1]
	v2027.From, v2027.MaxGESV = date.Of(2027, 1, 1), gesv.FromPermille(400)
	book, err := NewBook([]Caps{v2027, def[1]})
	if err != nil {
		t.Fatal(err)
	}
	if c, err := book.For(date.Of(2027, 1, 1)); err != nil || c.MaxGESV.Permille() != 400 {
		t.Errorf("2027: %v, %v", c.MaxGESV, err)
	}
	if c, err := book.For(date.Of(2026, 12, 31)); err != nil || c.MaxGESV.Permille() != 460 {
		t.Errorf("2026: %v, %v", c.MaxGESV, err)
	}
	if _, err := book.For(date.Of(2025, 6, 15)); !errors.Is(err, ErrNoVersion) {
		t.Errorf("before the first version: %v", err)
	}
	for name, vs := range map[string][]Caps{
		"empty":     nil,
		"duplicate": {def[1], def[1]},
		"zero cap":  {{From: date.Of(2025, 1, 1)}},
	} {
		if _, err := NewBook(vs); err == nil {
			t.Errorf("NewBook accepted %s", name)
		}
	}
}

func TestViolationMessages(t *testing.T) {
	c := Contract{Date: date.Of(2025, 9, 1), Amount: tenge(t, "100000"), TermDays: 30,
		AnnualRate: rate(t, "120"), DayCount: schedule.Thirty360, GESV: gesv.FromPermille(2105),
		PenaltyDaily: rate(t, "1")}
	vs, err := DefaultBook().Check(c, kz.DefaultMRP())
	if err != nil || len(vs) != 3 {
		t.Fatalf("%v, %v", codes(vs), err)
	}
	want := map[string][]string{ // a fragment of each message, per language
		"ru": {"ставка вознаграждения 0,333333 % в день", "ГЭСВ 210,5 %", "неустойка 1 % в день"},
		"kk": {"күндік сыйақы мөлшерлемесі 0,333333 %", "ЖТСМ 210,5 %", "тұрақсыздық айыбы күніне 1 %"},
		"en": {"daily rate 0.333333 %", "annual effective rate 210.5 %", "penalty of 1 % a day"},
	}
	for lang, fragments := range want {
		for i, v := range vs {
			if msg := v.Message(lang); !strings.Contains(msg, fragments[i]) {
				t.Errorf("%s %s: %q lacks %q", lang, v.Code, msg, fragments[i])
			}
		}
	}
	if vs[0].Message("kk-KZ") != vs[0].Message("kk") || vs[0].Message("de") != vs[0].Message("ru") {
		t.Error("language fallback")
	}
	amount := Violation{Code: AmountAboveCap, kind: amount, Actual: 9_000_000_000, Limit: 8_650_000_000, MRP: 20_000}
	if got := amount.Message("ru"); got != "сумма микрокредита 90 000 000,00 ₸ превышает 20 000 МРП (86 500 000,00 ₸)" {
		t.Errorf("ru amount message: %q", got)
	}
	if got := amount.Message("en"); got != "the amount ₸90,000,000.00 exceeds 20,000 MCI (₸86,500,000.00)" {
		t.Errorf("en amount message: %q", got)
	}
}

// The penalty is capped at 0.5 % of the overdue amount a day, and at 10 % of the amount per
// contract year all told. 20 000 ₸ overdue for 3 days at 1 %/day (capped to 0.5 %): 300 ₸.
func TestPenalty(t *testing.T) {
	caps, _ := DefaultBook().For(date.Of(2026, 1, 1))
	in := PenaltyInput{Overdue: tenge(t, "20000"), Days: 3, Daily: rate(t, "1"), LoanAmount: tenge(t, "100000")}
	got, err := caps.Penalty(in)
	if err != nil || got.Penalty != tenge(t, "300") || !got.DailyCapped || got.YearCapped {
		t.Errorf("daily cap: %+v, %v", got, err)
	}
	// 9 900 ₸ already charged this year of a 10 000 ₸ yearly cap: 100 ₸ left.
	in.ChargedThisYear = tenge(t, "9900")
	if got, err := caps.Penalty(in); err != nil || got.Penalty != tenge(t, "100") || !got.YearCapped {
		t.Errorf("yearly cap: %+v, %v", got, err)
	}
	in.ChargedThisYear = tenge(t, "12000") // over the cap already (a changed cap): nothing more
	if got, _ := caps.Penalty(in); got.Penalty != 0 {
		t.Errorf("above the yearly cap: %+v", got)
	}
	// Rounded down: 333.33 ₸ at 0.1 % for one day is 0.33333 ₸ → 0.33.
	small := PenaltyInput{Overdue: tenge(t, "333.33"), Days: 1, Daily: rate(t, "0.1"), LoanAmount: tenge(t, "100000")}
	if got, _ := caps.Penalty(small); got.Penalty != 33 {
		t.Errorf("rounding: %d tiyn, want 33", got.Penalty)
	}
	for _, bad := range []PenaltyInput{{Overdue: -1}, {Days: -1}, {LoanAmount: -1}, {ChargedThisYear: -1}} {
		if _, err := caps.Penalty(bad); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}
