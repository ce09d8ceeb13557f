package api

import (
	"nesie.kz/nesie/internal/loan"
	"nesie.kz/nesie/internal/product"
	"nesie.kz/nesie/internal/schedule"
)

// Money in the loan answers is integer tiyn (1 ₸ = 100 tiyn), in fields named *_tiyn: no
// float and no formatting for the app to parse back.

// productAnswer is an active product as the cabinet offers it.
type productAnswer struct {
	Code          string   `json:"code"`
	Version       int      `json:"version"`
	NameRu        string   `json:"name_ru"`
	NameKk        string   `json:"name_kk"`
	Kind          string   `json:"kind"`
	Secured       bool     `json:"secured"`
	CreditLine    bool     `json:"credit_line"`
	Borrowers     []string `json:"borrowers"`
	MinAmountTiyn int64    `json:"min_amount_tiyn"`
	MaxAmountTiyn int64    `json:"max_amount_tiyn"`
	Unit          string   `json:"unit"`
	MinTerm       int      `json:"min_term"`
	MaxTerm       int      `json:"max_term"`
	AnnualRate    string   `json:"annual_rate_percent"`
	UpfrontFee    int64    `json:"upfront_fee_tiyn"`
	PeriodFee     int64    `json:"period_fee_tiyn"`
	Methods       []string `json:"methods"`
	PenaltyDaily  string   `json:"penalty_daily_percent"`
}

func productOf(v product.Version) productAnswer {
	a := productAnswer{Code: v.Code, Version: v.Number, NameRu: v.Spec.NameRu, NameKk: v.Spec.NameKk, Kind: string(v.Spec.Kind),
		Secured: v.Spec.Secured, CreditLine: v.Spec.CreditLine, MinAmountTiyn: int64(v.Spec.MinAmount), MaxAmountTiyn: int64(v.Spec.MaxAmount),
		Unit: v.Spec.Unit.String(), MinTerm: v.Spec.MinTerm, MaxTerm: v.Spec.MaxTerm, AnnualRate: v.Spec.AnnualRate.String(),
		UpfrontFee: int64(v.Spec.UpfrontFee), PeriodFee: int64(v.Spec.PeriodFee), PenaltyDaily: v.Spec.PenaltyDaily.String()}
	for _, b := range v.Spec.Borrowers {
		a.Borrowers = append(a.Borrowers, string(b))
	}
	for _, m := range v.Spec.Methods {
		a.Methods = append(a.Methods, m.String())
	}
	return a
}

// rowAnswer is one line of a schedule.
type rowAnswer struct {
	N             int    `json:"n"`
	Date          string `json:"date"`
	PaymentTiyn   int64  `json:"payment_tiyn"`
	PrincipalTiyn int64  `json:"principal_tiyn"`
	InterestTiyn  int64  `json:"interest_tiyn"`
	FeeTiyn       int64  `json:"fee_tiyn"`
	BalanceTiyn   int64  `json:"balance_tiyn"`
}

// chargeAnswer is one payment or transfer of the credit (R8.3).
type chargeAnswer struct {
	Code       string `json:"code"`
	NameRu     string `json:"name_ru"`
	NameKk     string `json:"name_kk"`
	AmountTiyn int64  `json:"amount_tiyn"`
	NoteRu     string `json:"note_ru"`
	NoteKk     string `json:"note_kk"`
}

// offerAnswer is the draft schedule of one method (R8.4).
type offerAnswer struct {
	Method           string         `json:"method"`
	GESV             string         `json:"gesv_percent"`
	OverpaymentTiyn  int64          `json:"overpayment_tiyn"`
	TotalPaymentTiyn int64          `json:"total_payment_tiyn"`
	FirstPaymentTiyn int64          `json:"first_payment_tiyn"`
	FirstPaymentDate string         `json:"first_payment_date"`
	MaxPaymentTiyn   int64          `json:"max_payment_tiyn"`
	Rows             []rowAnswer    `json:"rows"`
	Charges          []chargeAnswer `json:"charges"`
}

func offersOf(offers []loan.Offer) []offerAnswer {
	out := make([]offerAnswer, len(offers))
	for i, o := range offers {
		a := offerAnswer{Method: o.Method.String(), GESV: o.GESV.String(), OverpaymentTiyn: int64(o.Overpayment),
			TotalPaymentTiyn: int64(o.Schedule.TotalPayment), FirstPaymentTiyn: int64(o.FirstPayment.Payment),
			FirstPaymentDate: o.FirstPayment.Date.String(), MaxPaymentTiyn: int64(o.MaxPayment.Payment), Rows: rowsOf(o.Schedule)}
		for _, c := range o.Charges {
			a.Charges = append(a.Charges, chargeAnswer{Code: c.Code, NameRu: c.NameRu, NameKk: c.NameKk, AmountTiyn: int64(c.Amount), NoteRu: c.NoteRu, NoteKk: c.NoteKk})
		}
		out[i] = a
	}
	return out
}

func rowsOf(s *schedule.Schedule) []rowAnswer {
	out := make([]rowAnswer, len(s.Rows))
	for i, r := range s.Rows {
		out[i] = rowAnswer{N: r.N, Date: r.Date.String(), PaymentTiyn: int64(r.Payment), PrincipalTiyn: int64(r.Principal),
			InterestTiyn: int64(r.Interest), FeeTiyn: int64(r.Fee), BalanceTiyn: int64(r.Balance)}
	}
	return out
}

// loanAnswer is a loan as the client follows it (R7.4).
type loanAnswer struct {
	ID              string       `json:"id"`
	Number          string       `json:"number"`
	ParentID        string       `json:"credit_line_id,omitempty"`
	Status          string       `json:"status"`
	StatusReason    string       `json:"status_reason,omitempty"`
	AmountTiyn      int64        `json:"amount_tiyn"`
	Term            int          `json:"term"`
	Unit            string       `json:"unit"`
	Method          string       `json:"method"`
	Purpose         string       `json:"purpose"`
	PayoutKind      string       `json:"payout_kind,omitempty"`
	PayoutAccount   string       `json:"payout_account,omitempty"`
	PayoutCard      string       `json:"payout_card,omitempty"`
	MerchantID      string       `json:"merchant_id,omitempty"`
	SignedAt        string       `json:"signed_at,omitempty"`
	Cooling         bool         `json:"cooling_off"`
	CoolingReason   string       `json:"cooling_off_reason,omitempty"`
	MoneyNotBefore  string       `json:"money_not_before,omitempty"`
	ConsentDeadline string       `json:"consent_deadline,omitempty"`
	ConsentedAt     string       `json:"consented_at,omitempty"`
	DisbursedAt     string       `json:"disbursed_at,omitempty"`
	CreatedAt       string       `json:"created_at"`
	Steps           []stepAnswer `json:"steps,omitempty"`
}

type stepAnswer struct {
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	At     string `json:"at"`
}

func loanOf(l loan.Loan, steps []loan.Step) loanAnswer {
	a := loanAnswer{ID: l.ID, Number: l.Number, ParentID: l.ParentID, Status: string(l.Status), StatusReason: loan.ClientReason(l.StatusReason),
		AmountTiyn: int64(l.Amount), Term: l.Term, Unit: l.Unit.String(), Method: l.Method.String(), Purpose: l.Purpose,
		PayoutKind: string(l.Payout.Kind), PayoutCard: l.Payout.CardMasked, MerchantID: l.Payout.MerchantID,
		SignedAt: stamp(l.SignedAt), Cooling: l.Cooling, CoolingReason: l.CoolingReason, MoneyNotBefore: stamp(l.MoneyNotBefore),
		ConsentDeadline: stamp(l.ConsentDeadline), ConsentedAt: stamp(l.ConsentedAt), DisbursedAt: stamp(l.DisbursedAt), CreatedAt: stamp(l.CreatedAt)}
	if n := len(l.Payout.IBAN); n > 4 {
		a.PayoutAccount = "…" + l.Payout.IBAN[n-4:]
	}
	for _, s := range steps {
		a.Steps = append(a.Steps, stepAnswer(s))
	}
	return a
}
