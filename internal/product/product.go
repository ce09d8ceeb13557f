// Package product keeps the loan products the MFO offers (R8.1-1, R8.4): what may be lent, to
// whom, in which range of amounts and terms, at which rate and fees, repaid by which schedule
// methods. Products are kept by staff and never edited in place: every change is a new
// Version, which must lie within the legal caps (Resolution 232 via package legalcap) before
// it can be activated, and is activated only by a second staff member (four eyes). A loan
// keeps the id of the version it was made under, so its terms can always be shown again.
package product

import (
	"time"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

// Kind is what a product is for.
type Kind string

// The kinds of product.
const (
	// Consumer loans are for individuals (and entrepreneurs borrowing as individuals).
	Consumer Kind = "consumer"
	// Business loans are for entrepreneurs and legal entities.
	Business Kind = "business"
)

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool { return k == Consumer || k == Business }

// Status is where a version is in its life.
type Status string

// The statuses of a version.
const (
	// Pending is a proposed version awaiting a second staff member.
	Pending Status = "pending"
	// Active is the version clients are offered; a code has at most one.
	Active Status = "active"
	// Rejected is a proposal the second staff member refused.
	Rejected Status = "rejected"
	// Retired is a version no longer offered: withdrawn, or replaced by a newer one. Loans
	// made under it keep it.
	Retired Status = "retired"
)

// transitions is the state machine of a version: from → the statuses it may move to.
var transitions = map[Status][]Status{
	Pending: {Active, Rejected},
	Active:  {Retired},
}

// canMove reports whether the table allows from → to.
func canMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Spec is what a version of a product offers.
type Spec struct {
	// Code is the stable product code, [a-z0-9-]{2,40}; versions of one product share it.
	Code string
	// NameRu and NameKk are the names shown to clients; both are required.
	NameRu, NameKk string
	Kind           Kind
	Secured        bool
	// CreditLine says the loan is drawn in tranches under a credit line (R9-1.3).
	CreditLine bool
	// Borrowers are the client kinds that may apply (business loans: entrepreneur,
	// legal_entity).
	Borrowers            []client.Kind
	MinAmount, MaxAmount money.Amount
	Unit                 schedule.Unit // Months or Days
	MinTerm, MaxTerm     int
	AnnualRate           schedule.Rate
	// UpfrontFee is the one-time fee at disbursement (may be 0).
	UpfrontFee money.Amount
	// PeriodFee is the fee added to every scheduled payment (may be 0).
	PeriodFee money.Amount
	// Methods are the schedule methods allowed, at least one; the client compares all of
	// them before choosing (R8.4).
	Methods  []schedule.Method
	DayCount schedule.DayCount
	// PenaltyDaily is the penalty per day of delay, in percent of the overdue amount.
	PenaltyDaily schedule.Rate
}

// Allows reports whether clients of kind k may apply for the product.
func (s Spec) Allows(k client.Kind) bool {
	for _, b := range s.Borrowers {
		if b == k {
			return true
		}
	}
	return false
}

// Version is one version of a product as stored.
type Version struct {
	ID     string
	Code   string
	Number int // 1, 2, … per code
	Spec   Spec
	Status Status
	// ProposedBy and DecidedBy are staff ids; DecidedBy (approver or rejecter) is never the
	// proposer.
	ProposedBy, DecidedBy string
	ProposedAt, DecidedAt time.Time
	// Reason is why the version was rejected or retired; empty otherwise.
	Reason string
	// RetiredBy and RetiredAt are set once the version is retired (by Retire or by the
	// approval of a newer version, then RetiredBy is that approver).
	RetiredBy string
	RetiredAt time.Time
}
