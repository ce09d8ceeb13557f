package schedule

import (
	"errors"
	"testing"
)

func TestAccruedInterest(t *testing.T) {
	for _, tc := range []struct {
		balance, rate string
		dc            DayCount
		from, to      string
		want          string
	}{
		{"1000000", "36.5", Actual365, "2025-01-01", "2025-01-11", "10000.00"}, // 0.1 %/day · 10
		{"1000000", "36", Thirty360, "2025-01-31", "2025-02-28", "28000.00"},   // 28 days of 30E/360
		{"1000000", "36.6", ActualActual, "2024-02-01", "2024-03-01", "29000.00"},
		{"1000000", "36", Thirty360, "2025-03-01", "2025-03-01", "0.00"},
	} {
		got, err := AccruedInterest(tg(t, tc.balance), pct(t, tc.rate), tc.dc, day(t, tc.from), day(t, tc.to))
		if err != nil || plain(got) != tc.want {
			t.Errorf("%s at %s %% %s %s→%s: %s, %v; want %s", tc.balance, tc.rate, tc.dc, tc.from, tc.to, plain(got), err, tc.want)
		}
	}
	_, err := AccruedInterest(100, Rate{}, Actual365, day(t, "2025-02-01"), day(t, "2025-01-01"))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "to" {
		t.Errorf("reversed dates: %v, want a FieldError on to", err)
	}
}

// The schedule of TestR8_4_DifferentiatedActual365LeapFebruary: 120 000 ₸ at 0.1 %/day.
func leapDifferentiated(t *testing.T) *Schedule {
	return build(t, Terms{Amount: tg(t, "120000"), Rate: pct(t, "36.5"), Term: 3, Unit: Months,
		Method: Differentiated, Start: day(t, "2024-01-31"), DayCount: Actual365, PeriodFee: tg(t, "100")})
}

func TestPayoff(t *testing.T) {
	s := leapDifferentiated(t)
	for _, tc := range []struct {
		on                              string
		principal, interest, fee, total string
	}{
		{"2024-01-31", "120000.00", "0.00", "0.00", "120000.00"},
		{"2024-02-10", "120000.00", "1200.00", "0.00", "121200.00"},   // 10 days · 120
		{"2024-02-29", "120000.00", "3480.00", "100.00", "123580.00"}, // a payment date: its interest and fee
		{"2024-03-15", "80000.00", "1200.00", "0.00", "81200.00"},     // 15 days · 80
		{"2024-04-30", "40000.00", "1200.00", "100.00", "41300.00"},
	} {
		po, err := s.Payoff(day(t, tc.on))
		got := [4]string{plain(po.Principal), plain(po.Interest), plain(po.Fee), plain(po.Total)}
		if err != nil || got != [4]string{tc.principal, tc.interest, tc.fee, tc.total} {
			t.Errorf("payoff on %s: %v, %v", tc.on, got, err)
		}
	}
	for _, on := range []string{"2024-01-30", "2024-05-01"} {
		if _, err := s.Payoff(day(t, on)); err == nil {
			t.Errorf("payoff on %s outside the loan accepted", on)
		}
	}
}

// Under 30/360 a payoff mid-period counts from the payment date's nominal day: 28 February
// 2025 is "day 30" of a loan paying on the 31st, so to 10 March is 10 days, and on 31 March
// the accrual is exactly row 2's interest.
func TestPayoffThirty360NominalDays(t *testing.T) {
	s := build(t, Terms{Amount: tg(t, "1000000"), Rate: pct(t, "30"), Term: 12, Unit: Months,
		Method: Annuity, Start: day(t, "2025-01-31"), DayCount: Thirty360})
	po, err := s.Payoff(day(t, "2025-03-10"))
	// 927 512.87 · 0.30 · 10/360 = 7 729.273… → 7 729.27
	if err != nil || plain(po.Principal) != "927512.87" || plain(po.Interest) != "7729.27" {
		t.Errorf("payoff 10.03: %+v, %v", po, err)
	}
	po, err = s.Payoff(day(t, "2025-03-31"))
	if err != nil || po.Interest != s.Rows[1].Interest {
		t.Errorf("payoff on a payment date: interest %d, want the row's %d (%v)", po.Interest, s.Rows[1].Interest, err)
	}
	po, _ = s.Payoff(day(t, "2025-02-15")) // 1 000 000 · 0.30 · 15/360 = 12 500
	if plain(po.Interest) != "12500.00" {
		t.Errorf("payoff 15.02: interest %s, want 12500.00", plain(po.Interest))
	}
}

// 20 000 ₸ repaid early on 15 March 2024 on the leap-year schedule: 1 200 of it pays the
// interest accrued since 29 February (80 000·0.001·15), 18 800 the principal: 61 200 left.
// Keeping the term, the part becomes 30 600: 61 200·0.001·16 = 979.20 to 31 March, then
// 30 600·0.001·30 = 918. Keeping the part (40 000): 979.20, then 21 200 with 21 200·0.03 = 636.
func TestPrepayDifferentiated(t *testing.T) {
	s := leapDifferentiated(t)
	head := []line{
		{1, "2024-02-29", "43580.00", "40000.00", "3480.00", "100.00", "80000.00"},
		{2, "2024-03-15", "20000.00", "18800.00", "1200.00", "0.00", "61200.00"},
	}
	term, err := s.Prepay(day(t, "2024-03-15"), tg(t, "20000"), KeepTerm)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, term, append(head[:2:2],
		line{3, "2024-03-31", "31679.20", "30600.00", "979.20", "100.00", "30600.00"},
		line{4, "2024-04-30", "31618.00", "30600.00", "918.00", "100.00", "0.00"}))
	pay, err := s.Prepay(day(t, "2024-03-15"), tg(t, "20000"), KeepPayment)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, pay, append(head[:2:2],
		line{3, "2024-03-31", "41079.20", "40000.00", "979.20", "100.00", "21200.00"},
		line{4, "2024-04-30", "21936.00", "21200.00", "636.00", "100.00", "0.00"}))
	if term.Rows[1].Kind != Prepayment || term.TotalPrincipal != s.Terms.Amount || pay.TotalPrincipal != s.Terms.Amount {
		t.Errorf("kind %v, principal totals %d %d", term.Rows[1].Kind, term.TotalPrincipal, pay.TotalPrincipal)
	}
}

// 300 000 ₸ repaid on 30 April 2025, a payment date of the 31-January annuity: row 3 is paid
// as scheduled, then 777 056.77 − 300 000 = 477 056.77 remains over 9 months.
// Keeping the term: P = 477 056.77·0.025/(1 − 1.025^-9) = 59 850.06.
// Keeping the payment (97 487.13): five full payments and a last one of 28 004.60.
func TestPrepayAnnuityOnPaymentDate(t *testing.T) {
	s := build(t, Terms{Amount: tg(t, "1000000"), Rate: pct(t, "30"), Term: 12, Unit: Months,
		Method: Annuity, Start: day(t, "2025-01-31"), DayCount: Thirty360})
	term, err := s.Prepay(day(t, "2025-04-30"), tg(t, "300000"), KeepTerm)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(term.Rows); n != 13 || term.Rows[3].Kind != Prepayment || plain(term.Rows[3].Balance) != "477056.77" {
		t.Fatalf("rows %d, row 4 %+v", n, term.Rows[3])
	}
	if plain(term.Installment) != "59850.06" || plain(term.Rows[4].Payment) != "59850.06" ||
		plain(term.Rows[4].Interest) != "11926.42" || term.Maturity() != s.Maturity() {
		t.Errorf("keep term: installment %s, row 5 %+v, maturity %s", plain(term.Installment), term.Rows[4], term.Maturity())
	}
	checkLines(t, &Schedule{Rows: term.Rows[len(term.Rows)-1:]}, []line{
		{13, "2026-01-31", "59850.06", "58390.30", "1459.76", "0.00", "0.00"}})

	pay, err := s.Prepay(day(t, "2025-04-30"), tg(t, "300000"), KeepPayment)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, &Schedule{Rows: pay.Rows[4:]}, []line{
		{5, "2025-05-31", "97487.13", "85560.71", "11926.42", "0.00", "391496.06"},
		{6, "2025-06-30", "97487.13", "87699.73", "9787.40", "0.00", "303796.33"},
		{7, "2025-07-31", "97487.13", "89892.22", "7594.91", "0.00", "213904.11"},
		{8, "2025-08-31", "97487.13", "92139.53", "5347.60", "0.00", "121764.58"},
		{9, "2025-09-30", "97487.13", "94443.02", "3044.11", "0.00", "27321.56"},
		{10, "2025-10-31", "28004.60", "27321.56", "683.04", "0.00", "0.00"},
	})
}

func TestPrepayRefuses(t *testing.T) {
	s := leapDifferentiated(t)
	bullet := build(t, Terms{Amount: tg(t, "1000"), Rate: pct(t, "10"), Term: 2, Unit: Months,
		Method: Bullet, Start: day(t, "2025-01-10"), DayCount: Thirty360})
	for _, tc := range []struct {
		s      *Schedule
		on     string
		amount string
		keep   Keep
		field  string
	}{
		{s, "2024-03-15", "1200", KeepTerm, "amount"},     // only the accrued interest
		{s, "2024-03-15", "81200.01", KeepTerm, "amount"}, // more than the payoff
		{s, "2024-03-15", "0", KeepTerm, "amount"},
		{s, "2024-05-01", "100", KeepTerm, "date"},
		{s, "2024-04-30", "100", KeepTerm, "date"}, // nothing left after the last payment
		{s, "2024-03-15", "100", 0, "keep"},
		{bullet, "2025-02-01", "100", KeepPayment, "keep"},
	} {
		_, err := tc.s.Prepay(day(t, tc.on), tg(t, tc.amount), tc.keep)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("Prepay(%s, %s, %v) = %v, want a FieldError on %s", tc.on, tc.amount, tc.keep, err, tc.field)
		}
	}
	// Exactly the payoff closes the loan on that day.
	full, err := s.Prepay(day(t, "2024-03-15"), tg(t, "81200"), KeepTerm)
	if err != nil || full.Maturity() != day(t, "2024-03-15") || full.Rows[len(full.Rows)-1].Balance != 0 {
		t.Errorf("full prepayment: %v, %v", full, err)
	}
	// A later prepayment recorded first forbids an earlier one.
	later, _ := s.Prepay(day(t, "2024-04-10"), tg(t, "1000"), KeepTerm)
	if _, err := later.Prepay(day(t, "2024-03-15"), tg(t, "1000"), KeepTerm); err == nil {
		t.Error("an out-of-order prepayment was accepted")
	}
}
