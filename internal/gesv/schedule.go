package gesv

import (
	"fmt"

	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

// Disclosure is what the first page of a contract states about the full cost of a schedule.
type Disclosure struct {
	Rate        Rate         // ГЭСВ, one decimal
	Overpayment money.Amount // all payments, fees included, minus the amount
}

// FlowsOf returns the cash flows of a schedule: the amount disbursed on the start date and
// every row's payment (the one-time fee on the start date included) on its date.
func FlowsOf(s *schedule.Schedule) CashFlows {
	cf := CashFlows{
		Disbursements: []Flow{{On: s.Terms.Start, Amount: s.Terms.Amount}},
		Payments:      make([]Flow, 0, len(s.Rows)),
	}
	for _, r := range s.Rows {
		cf.Payments = append(cf.Payments, Flow{On: r.Date, Amount: r.Payment})
	}
	return cf
}

// OfSchedule returns the ГЭСВ and the overpayment of s. It is Compute(FlowsOf(s)) without the
// allocations, since every draft schedule on every page view goes through it.
func OfSchedule(s *schedule.Schedule) (Disclosure, error) {
	var buf [64]flow
	fs := append(buf[:0], flow{days: 0, tiyn: int64(s.Terms.Amount)})
	for _, r := range s.Rows {
		if r.Payment > 0 {
			fs = append(fs, flow{days: r.Date.Sub(s.Terms.Start), tiyn: -int64(r.Payment)})
		}
	}
	rate, err := solve(fs)
	if err != nil {
		return Disclosure{}, fmt.Errorf("ГЭСВ of the schedule: %w", err)
	}
	over, err := money.Sub(s.TotalPayment, s.Terms.Amount)
	if err != nil {
		return Disclosure{}, fmt.Errorf("overpayment: %w", err)
	}
	return Disclosure{Rate: rate, Overpayment: over}, nil
}
