// Package date is the civil calendar date Nesie computes with: due dates, legal deadlines,
// day counts. A Date has no time of day and no zone; it is converted to and from instants in
// the MFO's business zone, Asia/Almaty (UTC+5), and nowhere else.
package date

import (
	"fmt"
	"time"
)

// Almaty is the business zone. Kazakhstan has kept a single zone, UTC+5, since 1 March 2024;
// a fixed zone keeps dates identical on machines whose tzdata is older than that change.
var Almaty = time.FixedZone("Asia/Almaty", 5*60*60)

// Date is a day of the proleptic Gregorian calendar, stored as days since 1970-01-01 so that
// differences and comparisons (the heart of every day count) are integer arithmetic.
// The zero value is 1970-01-01.
type Date struct{ days int32 }

// Of returns the date y-m-d; out-of-range values are normalised as time.Date does
// (Of(2025, 2, 30) is 2 March). Use Parse for input that must exist as written.
func Of(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date{days: int32(t.Unix() / 86400)}
}

// Parse reads YYYY-MM-DD and refuses dates that do not exist (2025-02-29, 2025-04-31).
func Parse(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want an existing day as YYYY-MM-DD", s)
	}
	return Of(t.Date()), nil
}

// In returns the civil date of instant t in the business zone.
func In(t time.Time) Date {
	return Of(t.In(Almaty).Date())
}

// Start returns the first instant of d in the business zone.
func (d Date) Start() time.Time {
	y, m, dd := d.YMD()
	return time.Date(y, m, dd, 0, 0, 0, 0, Almaty)
}

func (d Date) utc() time.Time { return time.Unix(int64(d.days)*86400, 0).UTC() }

// YMD returns the year, month and day.
func (d Date) YMD() (int, time.Month, int) { return d.utc().Date() }

// Year returns the year of d.
func (d Date) Year() int { return d.utc().Year() }

// Month returns the month of d.
func (d Date) Month() time.Month { return d.utc().Month() }

// Day returns the day of the month of d.
func (d Date) Day() int { return d.utc().Day() }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return time.Weekday((int(d.days)%7 + 7 + 4) % 7) }

// YearDay returns the day of the year, 1 to 366.
func (d Date) YearDay() int { return d.utc().YearDay() }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Date{days: d.days + int32(n)} }

// AddMonths returns the same day n months later, clamped to the end of a shorter month:
// 31 January + 1 month is 28 (or 29) February, not 3 March.
func (d Date) AddMonths(n int) Date {
	y, m, dd := d.YMD()
	return OnDay(y, m+time.Month(n), dd)
}

// OnDay returns day dd of month m of year y (m may overflow into other years), clamped to the
// month's last day. A payment day of 31 falls on 30 April and on 28 or 29 February.
func OnDay(y int, m time.Month, dd int) Date {
	first := Of(y, m, 1)
	last := DaysIn(first.Year(), first.Month())
	if dd > last {
		dd = last
	}
	if dd < 1 {
		dd = 1
	}
	return first.AddDays(dd - 1)
}

// DaysIn returns the number of days of month m of year y.
func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsLeap reports whether y is a leap year.
func IsLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// Sub returns the number of days from o to d (positive when d is later).
func (d Date) Sub(o Date) int { return int(d.days - o.days) }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.days < o.days }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.days > o.days }

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.days < o.days:
		return -1
	case d.days > o.days:
		return 1
	}
	return 0
}

// String returns d as YYYY-MM-DD.
func (d Date) String() string {
	y, m, dd := d.YMD()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// MarshalText encodes d as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes YYYY-MM-DD strictly.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
