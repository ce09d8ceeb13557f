package kz

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"nesie.kz/nesie/internal/date"
)

// Calendar tells working days from days off in Kazakhstan, for deadlines counted in working
// days (the Rules' "within 1 working day" and the like). A day is off when it is a Saturday
// or Sunday, a public holiday, a working day given in exchange for a non-religious holiday
// that fell on a weekend, or a day off by a Government transfer; a Saturday made a working day
// by a transfer is working.
//
// The holiday list is the one as amended in 2022; dates before 2023 are not reliable.
// Kurban ait must be known for the year (KnowsYear); the zero Calendar knows none.
type Calendar struct {
	kurbanAit map[int]date.Date
	dayOff    map[date.Date]bool // weekdays made days off by transfers
	workDay   map[date.Date]bool // weekend days made working days by transfers
}

// Transfer is one move of a day off by Government decree: DayOff (a weekday) becomes a day
// off and WorkDay (a Saturday or Sunday) becomes a working day.
type Transfer struct{ DayOff, WorkDay date.Date }

// Validate checks that the transfer moves a weekday off and a weekend day on, which catches
// swapped columns in an operator's file.
func (t Transfer) Validate() error {
	if isWeekend(t.DayOff) {
		return fmt.Errorf("transfer %s → %s: the day off %s is already a %s", t.DayOff, t.WorkDay, t.DayOff, t.DayOff.Weekday())
	}
	if !isWeekend(t.WorkDay) {
		return fmt.Errorf("transfer %s → %s: the working day %s is a %s, not a weekend day", t.DayOff, t.WorkDay, t.WorkDay, t.WorkDay.Weekday())
	}
	return nil
}

// DefaultCalendar returns the calendar with the holidays of the law, the known Kurban ait
// dates and no transfers (see defaultTransfers).
func DefaultCalendar() Calendar {
	c := Calendar{kurbanAit: defaultKurbanAit()}
	c, _ = c.WithTransfers(defaultTransfers()...) // an empty list cannot fail
	return c
}

// WithTransfers returns a copy of c with the transfers applied; c itself is unchanged.
func (c Calendar) WithTransfers(ts ...Transfer) (Calendar, error) {
	n := c.clone()
	for _, t := range ts {
		if err := t.Validate(); err != nil {
			return Calendar{}, err
		}
		n.dayOff[t.DayOff] = true
		n.workDay[t.WorkDay] = true
	}
	return n, nil
}

// WithKurbanAit returns a copy of c with the first day of Kurban ait of year set to d
// (from that year's Government decree). d must be in year.
func (c Calendar) WithKurbanAit(year int, d date.Date) (Calendar, error) {
	if d.Year() != year {
		return Calendar{}, fmt.Errorf("Kurban ait %d: date %s is not in %d", year, d, year)
	}
	n := c.clone()
	n.kurbanAit[year] = d
	return n, nil
}

func (c Calendar) clone() Calendar {
	n := Calendar{
		kurbanAit: make(map[int]date.Date, len(c.kurbanAit)+1),
		dayOff:    make(map[date.Date]bool, len(c.dayOff)),
		workDay:   make(map[date.Date]bool, len(c.workDay)),
	}
	maps.Copy(n.kurbanAit, c.kurbanAit)
	maps.Copy(n.dayOff, c.dayOff)
	maps.Copy(n.workDay, c.workDay)
	return n
}

// KnowsYear reports whether the calendar has the Kurban ait date of year. Without it that
// holiday is counted as a working day; callers computing deadlines far ahead check this.
func (c Calendar) KnowsYear(year int) bool {
	_, ok := c.kurbanAit[year]
	return ok
}

// Holiday returns the name of the public holiday on d, if d is one. Days given in exchange
// for a holiday on a weekend are not holidays themselves (they are days off: IsWorkingDay).
func (c Calendar) Holiday(d date.Date) (string, bool) {
	for _, h := range c.holidaysOf(d.Year()) {
		if h.date == d {
			return h.name, true
		}
	}
	return "", false
}

// IsHoliday reports whether d is a public holiday (праздничный день).
func (c Calendar) IsHoliday(d date.Date) bool {
	_, ok := c.Holiday(d)
	return ok
}

// IsWorkingDay reports whether d is a working day.
func (c Calendar) IsWorkingDay(d date.Date) bool {
	switch {
	case c.workDay[d]:
		return true
	case c.dayOff[d], isWeekend(d), c.IsHoliday(d):
		return false
	}
	return !slices.Contains(c.exchangeDaysOf(d.Year()), d)
}

// NextWorkingDay returns the first working day strictly after d.
func (c Calendar) NextWorkingDay(d date.Date) date.Date {
	d = d.AddDays(1)
	for !c.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// AddWorkingDays returns the n-th working day after d: with n = 1 the next working day
// (NextWorkingDay), whatever d is. With n = 0 it returns d itself if d is a working day and
// otherwise the next working day — the "first working day on or after" used to move a due
// date off a holiday. A negative n counts back: the |n|-th working day before d.
func (c Calendar) AddWorkingDays(d date.Date, n int) date.Date {
	if n == 0 {
		if c.IsWorkingDay(d) {
			return d
		}
		return c.NextWorkingDay(d)
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

type datedHoliday struct {
	date      date.Date
	name      string
	religious bool
}

// holidaysOf returns the public holidays of year in date order.
func (c Calendar) holidaysOf(year int) []datedHoliday {
	var hs []datedHoliday
	for _, f := range fixedHolidays() {
		hs = append(hs, datedHoliday{date.Of(year, f.month, f.day), f.name, f.religious})
	}
	if d, ok := c.kurbanAit[year]; ok {
		hs = append(hs, datedHoliday{d, kurbanAitName, true})
	}
	slices.SortFunc(hs, func(a, b datedHoliday) int { return a.date.Compare(b.date) })
	return hs
}

// exchangeDaysOf returns the days off given in year in exchange for non-religious holidays
// that fell on a Saturday or Sunday (the Labour Code: the day off moves to the next working
// day after the holiday, religious holidays excepted): each goes to the next day that is
// neither a weekend, a holiday nor an exchange day already given. So Nauryz on
// Saturday–Monday gives Tuesday and Wednesday off. The latest holiday, 16 December, keeps its
// exchange day inside the year, so years can be computed one at a time.
func (c Calendar) exchangeDaysOf(year int) []date.Date {
	hs := c.holidaysOf(year)
	isHoliday := func(d date.Date) bool {
		return slices.ContainsFunc(hs, func(h datedHoliday) bool { return h.date == d })
	}
	var out []date.Date
	for _, h := range hs {
		if h.religious || !isWeekend(h.date) {
			continue
		}
		d := h.date.AddDays(1)
		for isWeekend(d) || isHoliday(d) || slices.Contains(out, d) {
			d = d.AddDays(1)
		}
		out = append(out, d)
	}
	return out
}

func isWeekend(d date.Date) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// LoadCalendarTransfers reads a Government decree's transfers, one per line:
// "DAYOFF WORKDAY" as YYYY-MM-DD, e.g. "2025-01-03 2025-01-05" (Friday off, Sunday worked).
// Blank lines and lines starting with '#' are skipped; each transfer is validated.
// Apply the result with Calendar.WithTransfers.
func LoadCalendarTransfers(r io.Reader) ([]Transfer, error) {
	var out []Transfer
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) != 2 {
			return nil, fmt.Errorf("calendar transfers line %d: want \"DAYOFF WORKDAY\", got %d fields", line, len(f))
		}
		off, err := date.Parse(f[0])
		if err != nil {
			return nil, fmt.Errorf("calendar transfers line %d: day off: %w", line, err)
		}
		work, err := date.Parse(f[1])
		if err != nil {
			return nil, fmt.Errorf("calendar transfers line %d: working day: %w", line, err)
		}
		t := Transfer{DayOff: off, WorkDay: work}
		if err := t.Validate(); err != nil {
			return nil, fmt.Errorf("calendar transfers line %d: %w", line, err)
		}
		out = append(out, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("calendar transfers: %w", err)
	}
	return out, nil
}
