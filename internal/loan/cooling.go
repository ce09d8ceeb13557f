package loan

import (
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/legalcap"
	"nesie.kz/nesie/internal/money"
)

// CoolingRule is the 24-hour cooling-off of Rules 217 p. 9-1. Its numbers come from
// Resolution 232 as announced (FACTS.md §0, §1): the threshold is confirmed as "above 75 МРП"
// by the regulator's announcement, not from the text of 232 itself, and the consent window is
// not set by any act seen, so both are configuration.
type CoolingRule struct {
	// ThresholdMRP: a credit strictly above this many МРП of the signing year waits.
	ThresholdMRP int64
	// MRP gives the МРП of a year.
	MRP legalcap.MRP
	// Period is how long the money waits after signing (or an increase): 24 hours.
	Period time.Duration
	// ConsentWindow is how long after the period the client may consent; without consent by
	// then the contract is annulled and nothing is paid.
	ConsentWindow time.Duration
}

// CoolingCase is what the rule looks at for one credit (a loan, a credit-line draw or an
// increase) at its signing.
type CoolingCase struct {
	Consumer   bool
	Secured    bool
	ClientKind client.Kind
	// Amount is this credit's amount (a draw's, an increase's).
	Amount money.Amount
	// SameDay is the total of the client's other unsecured consumer credits signed
	// electronically on the same Almaty calendar day and not cancelled, annulled or refused
	// (R9-1.2): every channel of the MFO writes to the same table.
	SameDay money.Amount
	// Payout is how the money goes: to a partner merchant for goods or services, or to repay
	// the client's own earlier loan here, are the exceptions of R9-1.4.
	Payout PayoutKind
	// Year is the signing year, whose МРП applies.
	Year int
}

// Why a cooling-off applies or does not.
const (
	CoolingAmount     = "amount_above_threshold" // R9-1.1
	CoolingSameDay    = "same_day_total_above"   // R9-1.2
	CoolingUnknownMRP = "threshold_unknown"      // no МРП for the year: applied, fail closed
	ExemptSecured     = "secured"                // only unsecured credits wait
	ExemptBusiness    = "not_consumer"           // only consumer credits wait
	ExemptNotPerson   = "not_individual"         // only individuals' credits wait
	ExemptMerchant    = "merchant_goods"         // R9-1.4: goods or services from a partner
	ExemptRefinancing = "internal_refinancing"   // R9-1.4: repaying the client's loan here
	ExemptBelow       = "below_threshold"
)

// DefaultCoolingRule is the rule as FACTS.md gives it: above 75 МРП, 24 hours, and a consent
// window of 3 days (the MFO's choice; no act seen sets one).
func DefaultCoolingRule(mrp legalcap.MRP) CoolingRule {
	return CoolingRule{ThresholdMRP: 75, MRP: mrp, Period: 24 * time.Hour, ConsentWindow: 72 * time.Hour}
}

// Validate refuses a rule that would let money out early.
func (r CoolingRule) Validate() error {
	switch {
	case r.ThresholdMRP <= 0:
		return errors.New("cooling-off threshold must be positive")
	case r.MRP == nil:
		return errors.New("cooling-off needs the МРП table")
	case r.Period < 24*time.Hour:
		return errors.New("cooling-off period must be at least 24 hours (R9-1.1)")
	case r.ConsentWindow <= 0:
		return errors.New("cooling-off consent window must be positive")
	}
	return nil
}

// Threshold is the amount above which a credit signed in year waits.
func (r CoolingRule) Threshold(year int) (money.Amount, error) {
	m, err := r.MRP.For(year)
	if err != nil {
		return 0, err
	}
	if int64(m) > (1<<62)/r.ThresholdMRP {
		return 0, fmt.Errorf("cooling-off threshold overflows")
	}
	return money.Amount(int64(m) * r.ThresholdMRP), nil
}

// Applies says whether the credit must wait, and why (one of the codes above).
func (r CoolingRule) Applies(c CoolingCase) (bool, string) {
	switch {
	case c.Secured:
		return false, ExemptSecured
	case !c.Consumer:
		return false, ExemptBusiness
	case c.ClientKind != client.Individual:
		return false, ExemptNotPerson
	case c.Payout == PayoutMerchant:
		return false, ExemptMerchant
	case c.Payout == PayoutRefinance:
		return false, ExemptRefinancing
	}
	limit, err := r.Threshold(c.Year)
	if err != nil {
		return true, CoolingUnknownMRP
	}
	if c.Amount > limit {
		return true, CoolingAmount
	}
	if total, err := money.Add(c.Amount, c.SameDay); err != nil || total > limit {
		return true, CoolingSameDay
	}
	return false, ExemptBelow
}
