// Package underwriting decides whether a microcredit may be granted (R8.1, R10): it screens
// the applicant under AML/CFT law and weighs the customer's AML/CFT risk level, reads the
// credit bureau's report (the voluntary-refusal mark, the 90-day overdue rule, the
// debt-to-income ratio), asks anti-fraud, and scores what is left; an application the checks
// cannot decide alone (a high risk level among them) waits in a staff review queue, where a
// large one needs two different staff approvals (four eyes).
//
// Every check is recorded with the evidence it rests on — the bureau's report exactly as
// received, with its signature; the AML and anti-fraud findings — in the same transaction as
// the decision and its audit event, so the client and the auditor can see which checks an
// application went through (R7.4). The evidence is personal data and is kept sealed with the
// MFO's keys (R37, Config.Vault), its SHA-256 in clear; opened, it is byte for byte what was
// received, so the bureau's signature still verifies over it. A check that fails to answer leaves no decision: the
// service fails closed and the caller may try again.
package underwriting

import (
	"context"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bureau"
	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/vault"
)

// Person is the applicant as the checks see them.
type Person struct {
	ClientID  string
	Kind      string // individual | entrepreneur | legal_entity
	IIN       kz.IIN
	FullName  string
	BirthDate date.Date // the IIN's birth date when zero
	Phone     string
}

// Request is one application to assess.
type Request struct {
	ApplicationID string
	Person        Person
	Amount        money.Amount
	Consumer      bool
	Secured       bool
	Refinancing   bool
	// MonthlyPayment is the largest scheduled payment of the chosen schedule (its monthly
	// equivalent for a loan in days).
	MonthlyPayment money.Amount
	// MonthlyIncome is what the client declared.
	MonthlyIncome money.Amount
	ProductCode   string
}

// ScreenResult is what an in-process screening service (AML, anti-fraud) found: Hit refuses,
// Review sends to staff; Evidence is kept with the step as given.
type ScreenResult struct {
	Hit, Review bool
	Summary     string
	Evidence    []byte
}

// AMLScreen screens a person against the sanctions and terrorist lists and the risk rules.
type AMLScreen interface {
	ScreenAML(ctx context.Context, p Person) (ScreenResult, error)
}

// FraudCheck asks the anti-fraud system about a person asking for amount.
type FraudCheck interface {
	CheckFraud(ctx context.Context, p Person, amount money.Amount) (ScreenResult, error)
}

// Outcome is a decision's result.
type Outcome string

// The outcomes.
const (
	Approved Outcome = "approved"
	Refused  Outcome = "refused"
	Review   Outcome = "review"
)

// The laws a reason rests on (R10: a refusal cites AML/CFT law or the Law on microfinance
// activity; the MFO's own credit policy is "internal").
const (
	LawAML          = "AML/CFT"
	LawMicrofinance = "microfinance"
	LawInternal     = "internal"
)

// The codes of the reasons that name what the AML/CFT or anti-fraud checks found: staff see
// them, the client is not told them (see loan.ClientReason).
const (
	ReasonAMLMatch       = "aml_match"
	ReasonAMLReview      = "aml_review"
	ReasonAMLHighRisk    = "aml_high_risk"
	ReasonFraudSuspected = "fraud_suspected"
	ReasonFraudReview    = "fraud_review"
)

// Reason explains a refusal or a review.
type Reason struct {
	Code string `json:"code"`
	Law  string `json:"law"`
	Text string `json:"text"`
}

// The names of the steps, in the order they are made.
const (
	StepAML              = "aml"
	StepRiskLevel        = "risk_level"
	StepBureau           = "bureau"
	StepVoluntaryRefusal = "voluntary_refusal"
	StepOverdue90        = "overdue_90"
	StepDTI              = "dti"
	StepAntifraud        = "antifraud"
	StepScorecard        = "scorecard"
)

// Step is one check made, with its evidence as received.
type Step struct {
	Name     string
	Passed   bool
	Detail   string
	Evidence []byte
	// Signature is the outside party's signature of Evidence when it signs (the bureau).
	Signature []byte
	At        time.Time
}

// Decision is what underwriting decided about an application.
type Decision struct {
	ApplicationID string
	Outcome       Outcome
	Reasons       []Reason
	Score         int
	// RiskLevel is the customer's AML/CFT risk level weighed by the risk_level step (R8.1); a
	// person refused on an AML list match is high without the step. Empty only for a
	// decision recorded before the level was kept.
	RiskLevel RiskLevel
	Steps     []Step
	DecidedBy string // "system", or the ids of the staff who voted, comma-separated
	At        time.Time
}

// Config holds the rules' parameters.
type Config struct {
	// MaxDTIPermille caps debt-to-income: (the existing monthly payments + the new one) /
	// the declared monthly income, in ‰. FACTS.md: the MFO figure is unconfirmed (0.5 from
	// the prudential rules for banks), so it is configurable.
	MaxDTIPermille int
	// MaxOverdueDays: no new unsecured loan to a person overdue longer than this (refinancing
	// excepted). The Law says 90.
	MaxOverdueDays int
	// FourEyesAbove: a review of a request above this amount needs two approvals by
	// different staff; at or below it one vote decides.
	FourEyesAbove money.Amount
	// RiskMediumAmountAbove and RiskHighAmountAbove: a request above them is at least of
	// medium or of high AML/CFT risk (R8.1). The MFO's internal control rules set them; no
	// act does, so the defaults are a starting point, not a figure of the Law. Medium must
	// not be above high.
	RiskMediumAmountAbove money.Amount
	RiskHighAmountAbove   money.Amount
	// RiskEntrepreneurAtLeastMedium puts every individual entrepreneur at least at medium
	// risk. A legal entity always is (its beneficial owners are not verified online); an
	// entrepreneur is a person identified by biometrics like any other, so by default not.
	RiskEntrepreneurAtLeastMedium bool
	Scorecard                     Scorecard
	// Vault seals each check's evidence at rest (R37): the bureau's report holds the IIN and
	// the person's credits, the AML and anti-fraud findings can hold names. Required;
	// DefaultConfig leaves it nil for the caller to set.
	Vault *vault.Vault
}

// DefaultConfig returns the rules as the Law and FACTS.md give them, and the figures the MFO
// is expected to set for itself: a four-eyes threshold of 500 000 ₸, and AML/CFT risk at
// medium above 1 000 000 ₸ and high above 5 000 000 ₸. The caller adds the Vault.
func DefaultConfig() Config {
	return Config{
		MaxDTIPermille:        500,
		MaxOverdueDays:        90,
		FourEyesAbove:         money.Amount(500_000 * money.TiynPerTenge),
		RiskMediumAmountAbove: money.Amount(1_000_000 * money.TiynPerTenge),
		RiskHighAmountAbove:   money.Amount(5_000_000 * money.TiynPerTenge),
		Scorecard:             DefaultScorecard(),
	}
}

func (c Config) validate() error {
	switch {
	case c.MaxDTIPermille <= 0:
		return errors.New("underwriting: MaxDTIPermille must be positive")
	case c.MaxOverdueDays < 0:
		return errors.New("underwriting: MaxOverdueDays must not be negative")
	case c.FourEyesAbove < 0:
		return errors.New("underwriting: FourEyesAbove must not be negative")
	}
	if err := c.validateRisk(); err != nil {
		return err
	}
	return c.Scorecard.validate()
}

// Hook is called in the transaction that records a decision (the system's, and the final one
// of a review), so the loan core moves the application in the same transaction. Its error
// rolls the decision back.
type Hook func(ctx context.Context, tx *store.Tx, d Decision) error

// Service assesses applications and keeps the review queue.
type Service struct {
	db        *store.DB
	trail     *audit.Trail
	bureau    *bureau.Client
	aml       AMLScreen
	fraud     FraudCheck
	cfg       Config
	onDecided Hook
	clock     clock.Clock
}

// New returns the service. onDecided may be nil.
func New(db *store.DB, trail *audit.Trail, bureau *bureau.Client, aml AMLScreen, fraud FraudCheck, cfg Config, onDecided Hook) (*Service, error) {
	if db == nil || trail == nil || bureau == nil || aml == nil || fraud == nil {
		return nil, errors.New("underwriting: db, trail, bureau, aml and fraud are required")
	}
	if cfg.Vault == nil {
		return nil, errors.New("underwriting: config: Vault is required: evidence is kept sealed (R37)")
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("underwriting: config: %w", err)
	}
	return &Service{db: db, trail: trail, bureau: bureau, aml: aml, fraud: fraud, cfg: cfg, onDecided: onDecided, clock: db.Clock()}, nil
}
