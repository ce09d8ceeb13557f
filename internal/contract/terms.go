package contract

import (
	"strings"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/gesv"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

// Party is the MFO as the contract names it (from org.Organization).
type Party struct {
	Name, BIN, LegalAddress, Phones, Email, HeadName string
}

// Borrower is the client as the contract names them.
type Borrower struct {
	FullName, IIN, BIN, IDDocument, Phone string
	// Kind is individual, entrepreneur or legal_entity (client.Kind).
	Kind string
}

// Terms are everything a contract states. The loan core fills them from the product, the
// application, the schedule and the ГЭСВ disclosure; this package only words and lays them out.
type Terms struct {
	Number string
	Date   date.Date
	// TemplateVersion names the wording; "" means CurrentTemplate().
	TemplateVersion string

	MFO      Party
	Borrower Borrower

	ProductNameRu, ProductNameKk string
	Consumer                     bool // consumer microcredit (else: for business)
	Secured                      bool
	Purpose                      string

	Amount       money.Amount
	Term         int
	Unit         schedule.Unit
	AnnualRate   schedule.Rate
	GESV         gesv.Rate
	Overpayment  money.Amount
	PenaltyDaily schedule.Rate
	Method       schedule.Method
	Schedule     *schedule.Schedule

	// Payout is how the money is provided, already worded (e.g. "на счёт KZ…1234").
	Payout string
	// CoolingOff: the 24-hour period and the consent of R9-1 apply, and the contract says so.
	CoolingOff bool
}

var borrowerKinds = map[string]bool{"individual": true, "entrepreneur": true, "legal_entity": true}

// validate refuses terms a contract cannot honestly be printed from. It checks presence and
// consistency with the schedule, not the lending limits (legalcap does those).
func (t Terms) validate() error {
	required := []struct{ field, value string }{
		{"number", t.Number},
		{"mfo.name", t.MFO.Name},
		{"mfo.bin", t.MFO.BIN},
		{"mfo.legal_address", t.MFO.LegalAddress},
		{"mfo.phones", t.MFO.Phones},
		{"mfo.email", t.MFO.Email},
		{"mfo.head_name", t.MFO.HeadName},
		{"borrower.full_name", t.Borrower.FullName},
		{"product_name_ru", t.ProductNameRu},
		{"product_name_kk", t.ProductNameKk},
		{"payout", t.Payout},
	}
	for _, r := range required {
		if strings.TrimSpace(r.value) == "" {
			return fault.Field(r.field, "is required")
		}
	}
	if !borrowerKinds[t.Borrower.Kind] {
		return fault.Field("borrower.kind", "must be individual, entrepreneur or legal_entity")
	}
	if t.Borrower.Kind == "legal_entity" && t.Borrower.BIN == "" {
		return fault.Field("borrower.bin", "is required for a legal entity")
	}
	if t.Borrower.Kind != "legal_entity" && t.Borrower.IIN == "" {
		return fault.Field("borrower.iin", "is required")
	}
	if t.Date == (date.Date{}) {
		return fault.Field("date", "is required")
	}
	if t.Amount <= 0 {
		return fault.Field("amount", "must be positive")
	}
	if t.Term <= 0 {
		return fault.Field("term", "must be positive")
	}
	if t.Unit != schedule.Months && t.Unit != schedule.Days {
		return fault.Field("unit", "must be months or days")
	}
	if _, ok := methodCodes[t.Method]; !ok {
		return fault.Field("method", "is not a known repayment method")
	}
	if t.Overpayment < 0 {
		return fault.Field("overpayment", "must not be negative")
	}
	if t.GESV.Permille() < 0 {
		return fault.Field("gesv", "must not be negative")
	}
	if t.Schedule == nil {
		return fault.Field("schedule", "is required")
	}
	s := t.Schedule
	if s.Terms.Amount != t.Amount {
		return fault.Field("schedule", "is for %s, the contract says %s", s.Terms.Amount, t.Amount)
	}
	if s.Terms.Term != t.Term || s.Terms.Unit != t.Unit || s.Terms.Method != t.Method ||
		s.Terms.Rate != t.AnnualRate {
		return fault.Field("schedule", "was built for other terms (term, unit, method or rate differ)")
	}
	if firstPayment(s) == nil {
		return fault.Field("schedule", "has no scheduled payment")
	}
	// The disclosure must be the schedule's own: a contract never prints a ГЭСВ or an
	// overpayment its schedule does not give.
	d, err := gesv.OfSchedule(s)
	if err != nil {
		return fault.Field("schedule", "its ГЭСВ cannot be computed: %v", err)
	}
	if d.Rate != t.GESV {
		return fault.Field("gesv", "is %s %%, the schedule gives %s %%", t.GESV, d.Rate)
	}
	if d.Overpayment != t.Overpayment {
		return fault.Field("overpayment", "is %s, the schedule gives %s", t.Overpayment, d.Overpayment)
	}
	return nil
}

// firstPayment is the first regular payment (row 0 may be the upfront fee).
func firstPayment(s *schedule.Schedule) *schedule.Row {
	for i := range s.Rows {
		if s.Rows[i].Kind == schedule.Scheduled {
			return &s.Rows[i]
		}
	}
	return nil
}
