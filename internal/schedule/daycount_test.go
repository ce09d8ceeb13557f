package schedule

import "testing"

func TestYearFraction(t *testing.T) {
	for _, tc := range []struct {
		dc       DayCount
		from, to string
		want     Fraction
	}{
		{Thirty360, "2025-01-15", "2025-02-15", Fraction{30, 360}},
		{Thirty360, "2025-01-31", "2025-02-28", Fraction{28, 360}}, // 30E/360: (2−1)·30 + 28 − 30
		{Thirty360, "2025-01-31", "2025-03-31", Fraction{60, 360}}, // the 31st counts as the 30th
		{Thirty360, "2024-12-20", "2025-01-05", Fraction{15, 360}}, // 360 + 30·(1−12) + 5 − 20
		{Actual365, "2024-02-01", "2024-03-01", Fraction{29, 365}},
		{Actual365, "2025-02-01", "2025-03-01", Fraction{28, 365}},
		// 2023-12-15 → 2024-01-15: 17/365 + 14/366 = (17·366 + 14·365)/(365·366)
		{ActualActual, "2023-12-15", "2024-01-15", Fraction{17*366 + 14*365, 365 * 366}},
		// a whole leap year and a whole common year are each exactly one year
		{ActualActual, "2024-01-01", "2025-01-01", Fraction{366 * 365, 365 * 366}},
		{ActualActual, "2025-01-01", "2026-01-01", Fraction{365 * 366, 365 * 366}},
		{Actual365, "2025-03-01", "2025-03-01", Fraction{0, 365}},
		{Thirty360, "2025-03-02", "2025-03-01", Fraction{0, 360}},
	} {
		if got := tc.dc.YearFraction(day(t, tc.from), day(t, tc.to)); got != tc.want {
			t.Errorf("%s %s → %s: %v, want %v", tc.dc, tc.from, tc.to, got, tc.want)
		}
	}
}

func TestParseDayCountMethodUnit(t *testing.T) {
	for _, s := range []string{"30/360", "actual/365", "actual/actual"} {
		dc, err := ParseDayCount(s)
		if err != nil || dc.String() != s {
			t.Errorf("ParseDayCount(%q) = %v, %v", s, dc, err)
		}
	}
	for _, s := range []string{"annuity", "differentiated", "bullet", "single"} {
		m, err := ParseMethod(s)
		if err != nil || m.String() != s {
			t.Errorf("ParseMethod(%q) = %v, %v", s, m, err)
		}
	}
	for _, s := range []string{"", "30/365", "Actual/365", "act/act"} {
		if _, err := ParseDayCount(s); err == nil {
			t.Errorf("ParseDayCount(%q) accepted", s)
		}
	}
	for _, s := range []string{"", "Annuity", "balloon"} {
		if _, err := ParseMethod(s); err == nil {
			t.Errorf("ParseMethod(%q) accepted", s)
		}
	}
	for _, s := range []string{"", "months", "week"} {
		if _, err := ParseUnit(s); err == nil {
			t.Errorf("ParseUnit(%q) accepted", s)
		}
	}
}
