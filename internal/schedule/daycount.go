package schedule

import (
	"errors"
	"fmt"

	"nesie.kz/nesie/internal/date"
)

// DayCount is the convention that turns a span of dates into a part of a year for interest.
type DayCount int

const (
	// Thirty360 counts every month as 30 days and the year as 360 (30E/360: a 31st counts
	// as the 30th). A regular monthly period of a schedule is exactly 1/12 of a year whatever
	// its calendar length, so 31 January → 28 February earns a full month's interest.
	Thirty360 DayCount = iota + 1
	// Actual365 counts calendar days over a 365-day year, leap years included.
	Actual365
	// ActualActual counts calendar days over the length of the year they fall in (ISDA):
	// days in a leap year count 1/366, others 1/365, and a span across 1 January is split.
	ActualActual
)

// ErrDayCount is wrapped by ParseDayCount's errors.
var ErrDayCount = errors.New("unknown day count")

// ParseDayCount reads "30/360", "actual/365" or "actual/actual".
func ParseDayCount(s string) (DayCount, error) {
	switch s {
	case "30/360":
		return Thirty360, nil
	case "actual/365":
		return Actual365, nil
	case "actual/actual":
		return ActualActual, nil
	}
	return 0, fmt.Errorf("%q: want 30/360, actual/365 or actual/actual: %w", s, ErrDayCount)
}

// String returns the name ParseDayCount reads.
func (dc DayCount) String() string {
	switch dc {
	case Thirty360:
		return "30/360"
	case Actual365:
		return "actual/365"
	case ActualActual:
		return "actual/actual"
	}
	return fmt.Sprintf("DayCount(%d)", int(dc))
}

func (dc DayCount) valid() bool { return dc >= Thirty360 && dc <= ActualActual }

// Basis returns the number of days in the year over which a daily rate is taken from the
// annual one: 360 for 30/360, 365 otherwise. Actual/actual uses 365, the shorter year, so a
// daily rate checked against a cap is never understated.
func (dc DayCount) Basis() int64 {
	if dc == Thirty360 {
		return 360
	}
	return 365
}

// Fraction is a part of a year held exactly as Num/Den.
type Fraction struct{ Num, Den int64 }

// actualActualDen is the common denominator of 1/365 and 1/366.
const actualActualDen = 365 * 366

// YearFraction returns the part of a year between from and to (zero if to is not after from).
// Under 30/360 both dates count by their day of the month capped at 30 (30E/360); a schedule
// counts its own due dates by their nominal payment day instead (see Build).
func (dc DayCount) YearFraction(from, to date.Date) Fraction {
	return dc.fraction(from, to, pos360(from, from.Day()), pos360(to, to.Day()), false)
}

// fraction is the year fraction of a period from..to whose 30/360 positions are fromPos and
// toPos. actual makes a 30/360 period count calendar days (the last period of a term set in
// days, see periods).
func (dc DayCount) fraction(from, to date.Date, fromPos, toPos int, actual bool) Fraction {
	if !to.After(from) {
		return Fraction{0, dc.den()}
	}
	switch dc {
	case Thirty360:
		if actual {
			return Fraction{int64(to.Sub(from)), 360}
		}
		return Fraction{int64(max(toPos-fromPos, 0)), 360}
	case Actual365:
		return Fraction{int64(to.Sub(from)), 365}
	}
	// Actual/actual: split the span at each 1 January.
	var num int64
	for y := from.Year(); ; y++ {
		next := date.Of(y+1, 1, 1)
		end := to
		if next.Before(to) {
			end = next
		}
		days := int64(end.Sub(from))
		if date.IsLeap(y) {
			num += days * 365
		} else {
			num += days * 366
		}
		if !next.Before(to) {
			break
		}
		from = next
	}
	return Fraction{num, actualActualDen}
}

func (dc DayCount) den() int64 {
	switch dc {
	case Thirty360:
		return 360
	case Actual365:
		return 365
	}
	return actualActualDen
}

// pos360 is the 30/360 position of d counted with day of the month nominalDay (capped at 30):
// the difference of two positions is the 30/360 day count between them. Due dates use the
// schedule's payment day, so 31 January and 28 February are both "day 30" and a month apart.
func pos360(d date.Date, nominalDay int) int {
	y, m, _ := d.YMD()
	return y*360 + (int(m)-1)*30 + min(nominalDay, 30)
}
