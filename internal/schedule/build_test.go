package schedule

import (
	"errors"
	"testing"
)

// Values in these tables were worked out by hand or, for the long annuity tables, with an
// independent exact-fraction script; each comment shows the arithmetic.

// 1 000 000 ₸ at 30 %, 12 months, 30/360, disbursed 31 January 2025 with a 1 000 ₸ fee.
// Monthly rate 2.5 %; P = 1 000 000·0.025/(1 − 1.025^-12) = 97 487.127 → 97 487.13.
// Row 1: interest 1 000 000·0.025 = 25 000.00; row 2: 927 512.87·0.025 = 23 187.82175.
// Payments fall on the 31st clamped: 28 February, 30 April, … (a full 30/360 month each).
func TestR8_4_AnnuityThirty360From31January(t *testing.T) {
	s := build(t, Terms{Amount: tg(t, "1000000"), Rate: pct(t, "30"), Term: 12, Unit: Months,
		Method: Annuity, Start: day(t, "2025-01-31"), DayCount: Thirty360, UpfrontFee: tg(t, "1000")})
	checkLines(t, s, []line{
		{0, "2025-01-31", "1000.00", "0.00", "0.00", "1000.00", "1000000.00"},
		{1, "2025-02-28", "97487.13", "72487.13", "25000.00", "0.00", "927512.87"},
		{2, "2025-03-31", "97487.13", "74299.31", "23187.82", "0.00", "853213.56"},
		{3, "2025-04-30", "97487.13", "76156.79", "21330.34", "0.00", "777056.77"},
		{4, "2025-05-31", "97487.13", "78060.71", "19426.42", "0.00", "698996.06"},
		{5, "2025-06-30", "97487.13", "80012.23", "17474.90", "0.00", "618983.83"},
		{6, "2025-07-31", "97487.13", "82012.53", "15474.60", "0.00", "536971.30"},
		{7, "2025-08-31", "97487.13", "84062.85", "13424.28", "0.00", "452908.45"},
		{8, "2025-09-30", "97487.13", "86164.42", "11322.71", "0.00", "366744.03"},
		{9, "2025-10-31", "97487.13", "88318.53", "9168.60", "0.00", "278425.50"},
		{10, "2025-11-30", "97487.13", "90526.49", "6960.64", "0.00", "187899.01"},
		{11, "2025-12-31", "97487.13", "92789.65", "4697.48", "0.00", "95109.36"},
		{12, "2026-01-31", "97487.09", "95109.36", "2377.73", "0.00", "0.00"},
	})
	if s.Installment != tg(t, "97487.13") {
		t.Errorf("installment %d, want 97 487.13 ₸", s.Installment)
	}
	if s.TotalInterest != tg(t, "169845.52") || s.TotalPayment != tg(t, "1170845.52") || s.TotalFee != tg(t, "1000") {
		t.Errorf("totals: interest %d, payment %d, fee %d", s.TotalInterest, s.TotalPayment, s.TotalFee)
	}
}

// 120 000 ₸ at 36.5 % actual/365 is 0.1 % a day. From 31 January 2024 (a leap year):
// 29 February (29 days), 31 March (31), 30 April (30); principal 40 000 each.
func TestR8_4_DifferentiatedActual365LeapFebruary(t *testing.T) {
	s := build(t, Terms{Amount: tg(t, "120000"), Rate: pct(t, "36.5"), Term: 3, Unit: Months,
		Method: Differentiated, Start: day(t, "2024-01-31"), DayCount: Actual365})
	checkLines(t, s, []line{
		{1, "2024-02-29", "43480.00", "40000.00", "3480.00", "0.00", "80000.00"}, // 120 000·0.001·29
		{2, "2024-03-31", "42480.00", "40000.00", "2480.00", "0.00", "40000.00"}, // 80 000·0.001·31
		{3, "2024-04-30", "41200.00", "40000.00", "1200.00", "0.00", "0.00"},     // 40 000·0.001·30
	})
}

// Actual/actual splits a period at 1 January: 15.12.2023 → 15.01.2024 is 17 days of 2023
// over 365 plus 14 days of 2024 over 366. At 36.6 % on 100 000 ₸:
// 36 600·17/365 = 1 704.6575… and 36 600·14/366 = 1 400 → 3 104.66; then 36 600·31/366 = 3 100.
func TestBulletActualActualAcrossNewYear(t *testing.T) {
	s := build(t, Terms{Amount: tg(t, "100000"), Rate: pct(t, "36.6"), Term: 2, Unit: Months,
		Method: Bullet, Start: day(t, "2023-12-15"), DayCount: ActualActual})
	checkLines(t, s, []line{
		{1, "2024-01-15", "3104.66", "0.00", "3104.66", "0.00", "100000.00"},
		{2, "2024-02-15", "103100.00", "100000.00", "3100.00", "0.00", "0.00"},
	})
}

// A 30-day single payment earns 30 days under every day count: 50 000 ₸ at 0.25 % a day is
// 91.25 % over 365 or 90 % over 360; 50 000·0.0025·30 = 3 750.
func TestSingleThirtyDays(t *testing.T) {
	for _, tc := range []struct {
		dc   DayCount
		rate string
	}{{Actual365, "91.25"}, {Thirty360, "90"}, {ActualActual, "91.25"}} {
		s := build(t, Terms{Amount: tg(t, "50000"), Rate: pct(t, tc.rate), Term: 30, Unit: Days,
			Method: Single, Start: day(t, "2025-03-01"), DayCount: tc.dc})
		checkLines(t, s, []line{{1, "2025-03-31", "53750.00", "50000.00", "3750.00", "0.00", "0.00"}})
	}
}

// A single payment after 3 months from 30 November 2025 falls on 28 February 2026 (day 30
// clamped) and is three 30/360 months: 100 000·0.24·90/360 = 6 000.
func TestSingleThreeMonthsToFebruary(t *testing.T) {
	s := build(t, Terms{Amount: tg(t, "100000"), Rate: pct(t, "24"), Term: 3, Unit: Months,
		Method: Single, Start: day(t, "2025-11-30"), DayCount: Thirty360})
	checkLines(t, s, []line{{1, "2026-02-28", "106000.00", "100000.00", "6000.00", "0.00", "0.00"}})
}

// Payment day 25 for a loan of 10 January: the first period runs to 25 February, 30/360 days
// 30 + 25 − 10 = 45: 100 000·0.24·45/360 = 3 000; then a full month, 2 000.
func TestBulletPaymentDayStub(t *testing.T) {
	s := build(t, Terms{Amount: tg(t, "100000"), Rate: pct(t, "24"), Term: 2, Unit: Months,
		Method: Bullet, Start: day(t, "2025-01-10"), PaymentDay: 25, DayCount: Thirty360})
	checkLines(t, s, []line{
		{1, "2025-02-25", "3000.00", "0.00", "3000.00", "0.00", "100000.00"},
		{2, "2025-03-25", "102000.00", "100000.00", "2000.00", "0.00", "0.00"},
	})
}

// A term in days with a periodic method: 45 days from 10 January 2025 pays on 10 February
// (31 days) and at maturity on 24 February (14 days). 90 000 ₸ at 0.1 %/day, 45 000 each:
// 90 000·0.001·31 = 2 790; 45 000·0.001·14 = 630.
func TestDifferentiatedTermInDays(t *testing.T) {
	s := build(t, Terms{Amount: tg(t, "90000"), Rate: pct(t, "36.5"), Term: 45, Unit: Days,
		Method: Differentiated, Start: day(t, "2025-01-10"), DayCount: Actual365})
	checkLines(t, s, []line{
		{1, "2025-02-10", "47790.00", "45000.00", "2790.00", "0.00", "45000.00"},
		{2, "2025-02-24", "45630.00", "45000.00", "630.00", "0.00", "0.00"},
	})
}

// Interest rounds half up to the tiyn: 1 000.20 ₸ for a 30/360 month at 30 % is
// 100 020 tiyn · 0.025 = 2 500.5 tiyn → 2 501; 1 000.19 ₸ gives 2 500.475 → 2 500.
func TestInterestRoundsHalfUp(t *testing.T) {
	for _, tc := range []struct{ amount, interest string }{{"1000.20", "25.01"}, {"1000.19", "25.00"}} {
		s := build(t, Terms{Amount: tg(t, tc.amount), Rate: pct(t, "30"), Term: 1, Unit: Months,
			Method: Single, Start: day(t, "2025-05-05"), DayCount: Thirty360})
		if got := plain(s.Rows[0].Interest); got != tc.interest {
			t.Errorf("%s ₸: interest %s, want %s", tc.amount, got, tc.interest)
		}
	}
}

// Equal principal parts are rounded down and the last absorbs the rest: 100 000 ₸ over 3
// months at 0 % is 33 333.33, 33 333.33, 33 333.34.
func TestDifferentiatedLastPartAbsorbs(t *testing.T) {
	s := build(t, Terms{Amount: tg(t, "100000"), Rate: Rate{}, Term: 3, Unit: Months,
		Method: Differentiated, Start: day(t, "2025-05-05"), DayCount: Thirty360})
	checkLines(t, s, []line{
		{1, "2025-06-05", "33333.33", "33333.33", "0.00", "0.00", "66666.67"},
		{2, "2025-07-05", "33333.33", "33333.33", "0.00", "0.00", "33333.34"},
		{3, "2025-08-05", "33333.34", "33333.34", "0.00", "0.00", "0.00"},
	})
}

// Whole-tenge rounding: 100 000 ₸ at 25 %, 6 months, 30/360; i = 0.25/12.
// P = 100 000·i/(1 − (1+i)^-6) = 17 902.97 → 17 903; interest 2 083.33 → 2 083, …
func TestAnnuityWholeTenge(t *testing.T) {
	s := build(t, Terms{Amount: tg(t, "100000"), Rate: pct(t, "25"), Term: 6, Unit: Months,
		Method: Annuity, Start: day(t, "2025-05-05"), DayCount: Thirty360, Rounding: ToTenge})
	checkLines(t, s, []line{
		{1, "2025-06-05", "17903.00", "15820.00", "2083.00", "0.00", "84180.00"},
		{2, "2025-07-05", "17903.00", "16149.00", "1754.00", "0.00", "68031.00"},
		{3, "2025-08-05", "17903.00", "16486.00", "1417.00", "0.00", "51545.00"},
		{4, "2025-09-05", "17903.00", "16829.00", "1074.00", "0.00", "34716.00"},
		{5, "2025-10-05", "17903.00", "17180.00", "723.00", "0.00", "17536.00"},
		{6, "2025-11-05", "17901.00", "17536.00", "365.00", "0.00", "0.00"},
	})
}

// One grace month and a 500 ₸ monthly fee on a differentiated 90 000 ₸ at 24 % (2 %/month):
// month 1 interest only, 1 800; then 30 000 a month with 1 800, 1 200, 600 interest.
func TestDifferentiatedGraceAndMonthlyFee(t *testing.T) {
	s := build(t, Terms{Amount: tg(t, "90000"), Rate: pct(t, "24"), Term: 4, Unit: Months,
		Method: Differentiated, Start: day(t, "2025-05-05"), DayCount: Thirty360, Grace: 1, PeriodFee: tg(t, "500")})
	checkLines(t, s, []line{
		{1, "2025-06-05", "2300.00", "0.00", "1800.00", "500.00", "90000.00"},
		{2, "2025-07-05", "32300.00", "30000.00", "1800.00", "500.00", "60000.00"},
		{3, "2025-08-05", "31700.00", "30000.00", "1200.00", "500.00", "30000.00"},
		{4, "2025-09-05", "31100.00", "30000.00", "600.00", "500.00", "0.00"},
	})
	if s.TotalFee != tg(t, "2000") || s.TotalPayment != tg(t, "97400") {
		t.Errorf("totals: fee %d, payment %d", s.TotalFee, s.TotalPayment)
	}
}

func TestBuildRefusesBadTermsNamingTheField(t *testing.T) {
	ok := Terms{Amount: 100, Rate: Rate{}, Term: 3, Unit: Months, Method: Annuity, DayCount: Thirty360}
	for _, tc := range []struct {
		field string
		edit  func(*Terms)
	}{
		{"amount", func(t *Terms) { t.Amount = 0 }},
		{"amount", func(t *Terms) { t.Amount = -1 }},
		{"amount", func(t *Terms) { t.Amount = MaxAmount + 1 }},
		{"rate", func(t *Terms) { t.Rate = Rate{micro: -1} }},
		{"rate", func(t *Terms) { t.Rate = Rate{micro: MaxRateMicro + 1} }},
		{"term", func(t *Terms) { t.Term = 0 }},
		{"term", func(t *Terms) { t.Term = MaxTermMonths + 1 }},
		{"term", func(t *Terms) { t.Unit, t.Term = Days, MaxTermDays+1 }},
		{"unit", func(t *Terms) { t.Unit = 0 }},
		{"method", func(t *Terms) { t.Method = 9 }},
		{"payment_day", func(t *Terms) { t.PaymentDay = 32 }},
		{"daycount", func(t *Terms) { t.DayCount = 0 }},
		{"grace", func(t *Terms) { t.Grace = 3 }},
		{"grace", func(t *Terms) { t.Grace, t.Method = 1, Bullet }},
		{"fee", func(t *Terms) { t.UpfrontFee = -1 }},
		{"period_fee", func(t *Terms) { t.PeriodFee = -1 }},
		{"rounding", func(t *Terms) { t.Rounding = 7 }},
	} {
		terms := ok
		tc.edit(&terms)
		_, err := Build(terms)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, ErrTerms) {
			t.Errorf("%+v: got %v, want a FieldError on %s", terms, err, tc.field)
		}
	}
	if _, err := Build(ok); err != nil {
		t.Fatalf("the base terms must be valid: %v", err)
	}
}
