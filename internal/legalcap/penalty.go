package legalcap

import (
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

// PenaltyInput is one accrual of penalty (неустойка) on an overdue amount.
type PenaltyInput struct {
	Overdue money.Amount  // the overdue payment the penalty is charged on
	Days    int           // days of delay this accrual covers
	Daily   schedule.Rate // the contract's penalty per day
	// LoanAmount is the amount issued; the yearly cap is a share of it.
	LoanAmount money.Amount
	// ChargedThisYear is the penalty already charged in the current contract year.
	ChargedThisYear money.Amount
}

// PenaltyResult is the accrued penalty and whether a cap cut it.
type PenaltyResult struct {
	Penalty     money.Amount
	DailyCapped bool // the contract's daily rate was above the cap; the cap was used
	YearCapped  bool // the yearly cap left less than the daily accrual
}

// Penalty returns the penalty for in under these caps: Overdue × min(Daily, PenaltyDailyMax)
// × Days, rounded down to the tiyn (a penalty is never rounded against the client), and then
// no more than what the yearly cap (PenaltyYearlyMax of LoanAmount, rounded down) leaves after
// ChargedThisYear. Errors are *schedule.FieldError naming the input.
func (caps Caps) Penalty(in PenaltyInput) (PenaltyResult, error) {
	switch {
	case in.Overdue < 0 || in.Overdue > schedule.MaxAmount:
		return PenaltyResult{}, &schedule.FieldError{Field: "overdue", Problem: "must be 0 to 10^12 tiyn"}
	case in.Days < 0 || in.Days > schedule.MaxTermDays:
		return PenaltyResult{}, &schedule.FieldError{Field: "days", Problem: "must be 0 to 3660"}
	case in.LoanAmount < 0 || in.LoanAmount > schedule.MaxAmount:
		return PenaltyResult{}, &schedule.FieldError{Field: "loan_amount", Problem: "must be 0 to 10^12 tiyn"}
	case in.ChargedThisYear < 0:
		return PenaltyResult{}, &schedule.FieldError{Field: "charged_this_year", Problem: "must not be negative"}
	}
	var res PenaltyResult
	rate := in.Daily.Micro()
	if limit := caps.PenaltyDailyMax.Micro(); rate > limit {
		rate, res.DailyCapped = limit, true
	}
	// Overdue ≤ 10^12, rate·days ≤ 10^9·3660: the product stays within MulDiv's 128 bits and
	// the quotient within int64.
	p, err := in.Overdue.MulDiv(rate*int64(in.Days), 100*schedule.MicroPerPercent, money.Down)
	if err != nil {
		return PenaltyResult{}, err
	}
	yearCap, err := in.LoanAmount.MulDiv(caps.PenaltyYearlyMax.Micro(), 100*schedule.MicroPerPercent, money.Down)
	if err != nil {
		return PenaltyResult{}, err
	}
	left := max(yearCap-in.ChargedThisYear, 0)
	if p > left {
		p, res.YearCapped = left, true
	}
	res.Penalty = p
	return res, nil
}
