package legalcap

import (
	"fmt"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/gesv"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

// Contract is what the caps are checked against.
type Contract struct {
	Date       date.Date     // contract date: picks the version and the МРП year
	Amount     money.Amount  // amount of the microcredit
	TermDays   int           // calendar days from disbursement to maturity
	AnnualRate schedule.Rate // nominal annual rate
	// DayCount gives the year over which the daily rate is taken (360 or 365 days).
	DayCount schedule.DayCount
	GESV     gesv.Rate
	// PenaltyDaily is the contract's penalty per day of delay; zero when none is stated.
	PenaltyDaily schedule.Rate
}

// ContractOf describes a schedule with its disclosure, contracted on its start date and
// without a stated penalty.
func ContractOf(s *schedule.Schedule, d gesv.Disclosure) Contract {
	return Contract{
		Date:       s.Terms.Start,
		Amount:     s.Terms.Amount,
		TermDays:   s.Maturity().Sub(s.Terms.Start),
		AnnualRate: s.Terms.Rate,
		DayCount:   s.Terms.DayCount,
		GESV:       d.Rate,
	}
}

// Check returns the violations of the caps in force on c.Date, in a fixed order; none means
// the contract is within them. The error is for a date no version covers or an МРП the
// table lacks, never for a violation.
func (b *Book) Check(c Contract, mrp MRP) ([]Violation, error) {
	caps, err := b.For(c.Date)
	if err != nil {
		return nil, err
	}
	return caps.Check(c, mrp)
}

// Check returns the violations of this version of the caps (see Book.Check).
func (caps Caps) Check(c Contract, mrp MRP) ([]Violation, error) {
	index, err := mrp.For(c.Date.Year())
	if err != nil {
		return nil, fmt.Errorf("legal caps: МРП of %d: %w", c.Date.Year(), err)
	}
	inMRP := func(n int64) (money.Amount, error) {
		a, err := index.MulDiv(n, 1, money.Down)
		if err != nil {
			return 0, fmt.Errorf("legal caps: %d МРП: %w", n, err)
		}
		return a, nil
	}
	maxAmount, err := inMRP(caps.MaxAmountMRP)
	if err != nil {
		return nil, err
	}
	shortAmount, err := inMRP(caps.ShortTerm.MaxAmountMRP)
	if err != nil {
		return nil, err
	}

	var vs []Violation
	short := c.TermDays <= caps.ShortTerm.MaxDays && c.Amount <= shortAmount
	if short {
		// The daily rate is annual/basis; compare annual < cap·basis to stay exact.
		basis := c.DayCount.Basis()
		if c.AnnualRate.Micro() >= caps.ShortTerm.DailyRateBelow.Micro()*basis {
			vs = append(vs, Violation{Code: ShortTermDailyRate, kind: dailyRate,
				Actual: (c.AnnualRate.Micro() + basis/2) / basis, Limit: caps.ShortTerm.DailyRateBelow.Micro(),
				Days: caps.ShortTerm.MaxDays, MRP: caps.ShortTerm.MaxAmountMRP})
		}
		if caps.ShortTerm.HasGESVCap && c.GESV.Permille() > caps.ShortTerm.MaxGESV.Permille() {
			vs = append(vs, Violation{Code: ShortTermGESVAboveCap, kind: permille,
				Actual: c.GESV.Permille(), Limit: caps.ShortTerm.MaxGESV.Permille(),
				Days: caps.ShortTerm.MaxDays, MRP: caps.ShortTerm.MaxAmountMRP})
		}
	} else if c.GESV.Permille() > caps.MaxGESV.Permille() {
		vs = append(vs, Violation{Code: GESVAboveCap, kind: permille,
			Actual: c.GESV.Permille(), Limit: caps.MaxGESV.Permille()})
	}
	if c.Amount > maxAmount {
		vs = append(vs, Violation{Code: AmountAboveCap, kind: amount,
			Actual: int64(c.Amount), Limit: int64(maxAmount), MRP: caps.MaxAmountMRP})
	}
	if c.PenaltyDaily.Micro() > caps.PenaltyDailyMax.Micro() {
		vs = append(vs, Violation{Code: PenaltyRateAboveCap, kind: dailyRate,
			Actual: c.PenaltyDaily.Micro(), Limit: caps.PenaltyDailyMax.Micro()})
	}
	return vs, nil
}
