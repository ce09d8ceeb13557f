package schedule

import "nesie.kz/nesie/internal/date"

// period is one interest period of a schedule, ending on a payment date.
type period struct {
	end    date.Date
	pos    int  // 30/360 position of end (pos360)
	actual bool // under 30/360, count calendar days (the period ending a term set in days)
	frac   Fraction
}

// payDay returns the day of the month payments fall due: PaymentDay, or the day of Start.
func (t Terms) payDay() int {
	if t.PaymentDay != 0 {
		return t.PaymentDay
	}
	return t.Start.Day()
}

// maturity returns the date of the last payment.
func (t Terms) maturity() date.Date {
	if t.Unit == Days {
		return t.Start.AddDays(t.Term)
	}
	y, m, _ := t.Start.YMD()
	return date.OnDay(y, m+timeMonth(t.Term), t.payDay())
}

// periods lays out the payment dates and the year fraction of each period.
//
// Payment k falls on the payment day of the k-th month after disbursement, clamped to the
// month's end (a loan of 31 January with the default payment day pays on 28 or 29 February,
// 31 March, 30 April…). A term in months has Term such payments (Single: only the last). A
// term in days ends at Start+Term: the periodic methods pay on every monthly date before it
// and then on it; Single pays on it alone. The period that ends a term in days counts its
// calendar days even under 30/360 (a 30-day loan earns 30 days, not 29 or 31).
func (t Terms) periods() []period {
	pd := t.payDay()
	y, m, _ := t.Start.YMD()
	prev, prevPos := t.Start, pos360(t.Start, t.Start.Day())
	var ps []period
	add := func(end date.Date, pos int, actual bool) {
		ps = append(ps, period{end: end, pos: pos, actual: actual,
			frac: t.DayCount.fraction(prev, end, prevPos, pos, actual)})
		prev, prevPos = end, pos
	}
	switch {
	case t.Unit == Months && t.Method == Single:
		end := t.maturity()
		ps = make([]period, 0, 1)
		add(end, pos360(end, pd), false)
	case t.Unit == Months:
		ps = make([]period, 0, t.Term)
		for k := 1; k <= t.Term; k++ {
			end := date.OnDay(y, m+timeMonth(k), pd)
			add(end, pos360(end, pd), false)
		}
	default:
		mat := t.maturity()
		if t.Method != Single {
			ps = make([]period, 0, t.Term/28+2)
			for k := 1; ; k++ {
				end := date.OnDay(y, m+timeMonth(k), pd)
				if !end.Before(mat) {
					break
				}
				add(end, pos360(end, pd), false)
			}
		}
		add(mat, pos360(mat, mat.Day()), true)
	}
	return ps
}
