package kz

import (
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/date"
)

// Weekdays used below, worked out from the Gregorian calendar: 1 January 2026 is a Thursday,
// so 8 March 2026 is a Sunday, 21–23 March a Saturday to Monday, 9 May a Saturday, 30 August
// and 25 October Sundays; 7 January 2024 and 16 June 2024 are Sundays; 1–2 January 2028 are a
// Saturday and Sunday.

func TestWeekendHolidaysGiveTheNextWorkingDayOff(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	cases := []struct {
		day     string
		working bool
		holiday bool
		why     string
	}{
		{"2026-03-08", false, true, "Women's Day on a Sunday"},
		{"2026-03-09", false, false, "Monday off in exchange for 8 March"},
		{"2026-03-10", true, false, "Tuesday after"},
		{"2026-05-09", false, true, "Victory Day on a Saturday"},
		{"2026-05-11", false, false, "Monday off in exchange for 9 May"},
		{"2026-05-08", true, false, "Friday between 7 and 9 May, no transfer loaded"},
		{"2026-08-31", false, false, "Monday after Constitution Day on a Sunday"},
		{"2026-10-26", false, false, "Monday after Republic Day on a Sunday"},
		{"2026-12-16", false, true, "Independence Day, a Wednesday"},
		{"2026-12-17", true, false, "17 December is no longer a holiday"},
		{"2026-12-01", true, false, "1 December is no longer a holiday"},
		{"2025-03-10", false, false, "2025: Monday after 8 March on a Saturday"},
		{"2025-07-07", false, false, "2025: Monday after Capital Day on a Sunday"},
		{"2025-09-01", false, false, "2025: Monday after 30 August on a Saturday"},
		{"2025-10-27", false, false, "2025: Monday after 25 October on a Saturday"},
	}
	for _, tc := range cases {
		d := mustDate(t, tc.day)
		if c.IsWorkingDay(d) != tc.working || c.IsHoliday(d) != tc.holiday {
			t.Errorf("%s (%s): working %v holiday %v; want %v %v", tc.day, tc.why, c.IsWorkingDay(d), c.IsHoliday(d), tc.working, tc.holiday)
		}
	}
}

func TestNauryzSpanningAWeekend(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	// 2026: Sat 21, Sun 22, Mon 23 are Nauryz; the weekend two give Tue 24 and Wed 25 off.
	off := []string{"2026-03-21", "2026-03-22", "2026-03-23", "2026-03-24", "2026-03-25"}
	for _, s := range off {
		if c.IsWorkingDay(mustDate(t, s)) {
			t.Errorf("%s should be a day off", s)
		}
	}
	for _, s := range []string{"2026-03-20", "2026-03-26"} {
		if !c.IsWorkingDay(mustDate(t, s)) {
			t.Errorf("%s should be a working day", s)
		}
	}
	if name, ok := c.Holiday(mustDate(t, "2026-03-22")); !ok || name != "Nauryz" {
		t.Errorf("Holiday(2026-03-22) = %q, %v", name, ok)
	}
	// 2025: Fri 21, Sat 22, Sun 23 → Mon 24 and Tue 25 off, Wed 26 works.
	for s, want := range map[string]bool{"2025-03-21": false, "2025-03-24": false, "2025-03-25": false, "2025-03-26": true} {
		if c.IsWorkingDay(mustDate(t, s)) != want {
			t.Errorf("%s working = %v, want %v", s, !want, want)
		}
	}
	// 2027: Sun 21, Mon 22, Tue 23 → Wed 24 off, Thu 25 works.
	for s, want := range map[string]bool{"2027-03-24": false, "2027-03-25": true} {
		if c.IsWorkingDay(mustDate(t, s)) != want {
			t.Errorf("%s working = %v, want %v", s, !want, want)
		}
	}
}

func TestReligiousHolidaysOnAWeekendDoNotMove(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	if !c.IsHoliday(mustDate(t, "2024-01-07")) {
		t.Error("7 January 2024 is Orthodox Christmas")
	}
	if !c.IsWorkingDay(mustDate(t, "2024-01-08")) {
		t.Error("Monday 8 January 2024 works: Orthodox Christmas on a Sunday gives no day in exchange")
	}
	if name, ok := c.Holiday(mustDate(t, "2024-06-16")); !ok || name != "Kurban ait" {
		t.Errorf("Holiday(2024-06-16) = %q, %v", name, ok)
	}
	if !c.IsWorkingDay(mustDate(t, "2024-06-17")) {
		t.Error("Monday 17 June 2024 works: Kurban ait on a Sunday gives no day in exchange")
	}
	if c.IsWorkingDay(mustDate(t, "2026-05-27")) {
		t.Error("Wednesday 27 May 2026 is Kurban ait")
	}
}

func TestAddWorkingDaysAcrossNewYear(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2025-12-31", 1, "2026-01-05"}, // Thu 1 and Fri 2 holidays, then the weekend
		{"2025-12-31", 2, "2026-01-06"},
		{"2025-12-31", 3, "2026-01-08"}, // Wed 7 January is Orthodox Christmas
		{"2027-12-31", 1, "2028-01-05"}, // Sat 1 and Sun 2 give Mon 3 and Tue 4 off
		{"2027-12-31", 3, "2028-01-10"}, // Thu 6, then Fri 7 is Christmas, then the weekend
		{"2026-03-20", 1, "2026-03-26"}, // over Nauryz
		{"2026-03-20", 0, "2026-03-20"}, // n = 0 on a working day: the day itself
		{"2026-03-21", 0, "2026-03-26"}, // n = 0 on a day off: the next working day
		{"2026-03-21", 1, "2026-03-26"},
		{"2026-03-26", -1, "2026-03-20"}, // counting back
		{"2026-01-05", -1, "2025-12-31"},
		{"2026-06-01", 10, "2026-06-15"}, // Mon + 10 plain working days = Mon two weeks on
	}
	for _, tc := range cases {
		if got := c.AddWorkingDays(mustDate(t, tc.from), tc.n).String(); got != tc.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
	if got := c.NextWorkingDay(mustDate(t, "2026-05-08")).String(); got != "2026-05-12" {
		t.Errorf("NextWorkingDay(Fri 8 May 2026) = %s, want Tue 12 May", got)
	}
	if got := c.NextWorkingDay(mustDate(t, "2026-03-20")).String(); got != "2026-03-26" {
		t.Errorf("NextWorkingDay is strictly after: %s", got)
	}
}

func TestTransfersApplied(t *testing.T) {
	t.Parallel()
	// A made-up decree: Monday 5 January 2026 off, Saturday 10 January worked.
	ts, err := LoadCalendarTransfers(strings.NewReader("# decree\n\n2026-01-05 2026-01-10\n"))
	if err != nil {
		t.Fatal(err)
	}
	base := DefaultCalendar()
	c, err := base.WithTransfers(ts...)
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(mustDate(t, "2026-01-05")) || !c.IsWorkingDay(mustDate(t, "2026-01-10")) {
		t.Error("transfer not applied")
	}
	if got := c.AddWorkingDays(mustDate(t, "2025-12-31"), 1).String(); got != "2026-01-06" {
		t.Errorf("first working day of 2026 with the transfer = %s", got)
	}
	if got := c.AddWorkingDays(mustDate(t, "2026-01-09"), 1).String(); got != "2026-01-10" {
		t.Errorf("the worked Saturday counts: %s", got)
	}
	if !base.IsWorkingDay(mustDate(t, "2026-01-05")) {
		t.Error("WithTransfers changed the original calendar")
	}
}

func TestTransfersAreValidated(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"2026-01-10 2026-01-05\n":   "already a Saturday", // columns swapped
		"2026-01-05 2026-01-06\n":   "not a weekend day",
		"2026-01-05\n":              "got 1 fields",
		"2026-01-05 2026-01-10 x":   "got 3 fields",
		"2026-02-30 2026-01-10\n":   "line 1: day off",
		"2026-01-05 10.01.2026\n":   "working day",
		"# ok\n2026-1-5 2026-01-10": "line 2",
	}
	for in, want := range cases {
		if _, err := LoadCalendarTransfers(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadCalendarTransfers(%q) = %v; want %q", in, err, want)
		}
	}
	if _, err := DefaultCalendar().WithTransfers(Transfer{DayOff: mustDate(t, "2026-01-10"), WorkDay: mustDate(t, "2026-01-05")}); err == nil {
		t.Error("WithTransfers accepted a swapped transfer")
	}
}

func TestKurbanAitByYear(t *testing.T) {
	t.Parallel()
	c := DefaultCalendar()
	for _, y := range []int{2024, 2025, 2026, 2027, 2028} {
		if !c.KnowsYear(y) {
			t.Errorf("KnowsYear(%d) = false", y)
		}
	}
	if c.KnowsYear(2029) {
		t.Error("2029 should be unknown until loaded")
	}
	d := date.Of(2029, time.April, 24) // hypothetical date for the test
	c2, err := c.WithKurbanAit(2029, d)
	if err != nil {
		t.Fatal(err)
	}
	if !c2.KnowsYear(2029) || !c2.IsHoliday(d) || c.IsHoliday(d) {
		t.Error("WithKurbanAit must add the year to a copy only")
	}
	if _, err := c.WithKurbanAit(2030, d); err == nil {
		t.Error("a date outside the year was accepted")
	}
	var zero Calendar
	if zero.KnowsYear(2026) || !zero.IsWorkingDay(mustDate(t, "2026-05-27")) || zero.IsWorkingDay(mustDate(t, "2026-05-09")) {
		t.Error("the zero Calendar knows the fixed holidays and weekends only")
	}
}
