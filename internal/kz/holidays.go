package kz

import (
	"time"

	"nesie.kz/nesie/internal/date"
)

// A holiday fixed by date (Law «О праздниках в Республике Казахстан» as amended in 2022:
// 25 October is a holiday again, 1 and 17 December no longer are).
type fixedHoliday struct {
	month time.Month
	day   int
	name  string
	// religious holidays are days off on their date only: when they fall on a weekend no
	// working day is given in exchange.
	religious bool
}

func fixedHolidays() []fixedHoliday {
	return []fixedHoliday{
		{time.January, 1, "New Year", false},
		{time.January, 2, "New Year", false},
		{time.January, 7, "Orthodox Christmas", true},
		{time.March, 8, "International Women's Day", false},
		{time.March, 21, "Nauryz", false},
		{time.March, 22, "Nauryz", false},
		{time.March, 23, "Nauryz", false},
		{time.May, 1, "Kazakhstan People's Unity Day", false},
		{time.May, 7, "Defender of the Fatherland Day", false},
		{time.May, 9, "Victory Day", false},
		{time.July, 6, "Capital Day", false},
		{time.August, 30, "Constitution Day", false},
		{time.October, 25, "Republic Day", false},
		{time.December, 16, "Independence Day", false},
	}
}

// kurbanAitName names the first day of Kurban ait, the one religious holiday whose date moves
// with the lunar calendar and is fixed every year by a Government decree.
const kurbanAitName = "Kurban ait"

// defaultKurbanAit is the first day of Kurban ait by year.
// 2024–2026 are the dates the Government set; 2027 and 2028 are the expected dates
// (10 Dhu al-Hijjah) and are TO BE CONFIRMED against that year's decree, then corrected
// with Calendar.WithKurbanAit if they differ.
func defaultKurbanAit() map[int]date.Date {
	return map[int]date.Date{
		2024: date.Of(2024, time.June, 16),
		2025: date.Of(2025, time.June, 6),
		2026: date.Of(2026, time.May, 27),
		2027: date.Of(2027, time.May, 16), // to be confirmed
		2028: date.Of(2028, time.May, 5),  // to be confirmed
	}
}

// defaultTransfers is empty on purpose: each year the Government moves a few days off by
// decree (a Friday off in exchange for a working Saturday, say), and a wrong guess here would
// shift legal deadlines. Operators load each year's decree with LoadCalendarTransfers.
func defaultTransfers() []Transfer { return nil }
