package underwriting

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// R8.1 asks for the customer's AML/CFT risk level to be assessed before lending, by the MFO's
// internal control rules. The level is weighed right after the list screening, from what the
// application already says (the screening's finding, the amount, the kind of client), by
// rules set in Config: no act fixes the numbers (FACTS.md confirms none), so every threshold
// is the MFO's own and configurable. A high level asks for enhanced due diligence: a staff
// member reviews the application. It never approves alone, and it does not refuse either —
// a refusal needs a ground in law (R10), and a level is not one.

// RiskLevel is the customer's AML/CFT risk level.
type RiskLevel string

// The risk levels, lowest first.
const (
	RiskLow    RiskLevel = "low"
	RiskMedium RiskLevel = "medium"
	RiskHigh   RiskLevel = "high"
)

// ParseRiskLevel reads a level as stored or configured: low, medium or high.
func ParseRiskLevel(s string) (RiskLevel, error) {
	if l := RiskLevel(s); l.rank() > 0 {
		return l, nil
	}
	return "", fmt.Errorf("underwriting: risk level %q: want low, medium or high", s)
}

// rank orders the levels; 0 is not a level.
func (l RiskLevel) rank() int {
	switch l {
	case RiskLow:
		return 1
	case RiskMedium:
		return 2
	case RiskHigh:
		return 3
	}
	return 0
}

// riskFactor is one thing weighed, with the level it gives on its own.
type riskFactor struct {
	Code  string    `json:"code"`
	Level RiskLevel `json:"level"`
	Text  string    `json:"text"`
}

// riskEvidence is what the risk_level step keeps: the level, the factors found and the rules
// they were weighed by, so the level can be worked out again from the evidence alone.
type riskEvidence struct {
	Level   RiskLevel    `json:"level"`
	Factors []riskFactor `json:"factors"`
	Rules   riskRules    `json:"rules"`
}

type riskRules struct {
	AmountTiyn                int64  `json:"amount_tiyn"`
	ClientKind                string `json:"client_kind"`
	MediumAmountAboveTiyn     int64  `json:"medium_amount_above_tiyn"`
	HighAmountAboveTiyn       int64  `json:"high_amount_above_tiyn"`
	EntrepreneurAtLeastMedium bool   `json:"entrepreneur_at_least_medium"`
	AMLPossibleMatch          bool   `json:"aml_possible_match"`
}

func (c Config) validateRisk() error {
	switch {
	case c.RiskMediumAmountAbove < 0:
		return errors.New("underwriting: RiskMediumAmountAbove must not be negative")
	case c.RiskHighAmountAbove < 0:
		return errors.New("underwriting: RiskHighAmountAbove must not be negative")
	case c.RiskMediumAmountAbove > c.RiskHighAmountAbove:
		return fmt.Errorf("underwriting: RiskMediumAmountAbove (%d tiyn) must not exceed RiskHighAmountAbove (%d tiyn)",
			c.RiskMediumAmountAbove.Tiyn(), c.RiskHighAmountAbove.Tiyn())
	}
	return nil
}

// riskFactors weighs r, whose AML screening found aml (not a hit: a listed person is refused
// before), and returns the level — the highest any factor gives, low when none raises it —
// with every factor weighed.
func (c Config) riskFactors(r Request, aml ScreenResult) (RiskLevel, []riskFactor) {
	// Every client of this channel is identified remotely (non-face-to-face), which FATF's
	// guidance counts among the factors of higher risk. It is recorded as weighed but does
	// not raise the level: the Rules' own mitigation is that registration and every contract
	// need biometric identification against the state database (R6.4, R9.1) and the client's
	// EDS, which compare the face with the state's own photograph. Raising every client for
	// it would also make the level say nothing.
	factors := []riskFactor{{Code: "non_face_to_face", Level: RiskLow,
		Text: "identified remotely, mitigated by biometric identification against the state database"}}
	if aml.Review {
		factors = append(factors, riskFactor{Code: "aml_possible_match", Level: RiskHigh, Text: "a possible AML/CFT list match awaits review"})
	}
	switch {
	case r.Amount > c.RiskHighAmountAbove:
		factors = append(factors, riskFactor{Code: "amount_above_high", Level: RiskHigh,
			Text: fmt.Sprintf("amount %s above %s", r.Amount, c.RiskHighAmountAbove)})
	case r.Amount > c.RiskMediumAmountAbove:
		factors = append(factors, riskFactor{Code: "amount_above_medium", Level: RiskMedium,
			Text: fmt.Sprintf("amount %s above %s", r.Amount, c.RiskMediumAmountAbove)})
	}
	switch {
	case r.Person.Kind == "legal_entity":
		// Online, a legal entity's beneficial owners are taken from what it declares: nothing
		// here verifies them against a register.
		factors = append(factors, riskFactor{Code: "legal_entity", Level: RiskMedium, Text: "a legal entity: beneficial owners are not verified online"})
	case r.Person.Kind == "entrepreneur" && c.RiskEntrepreneurAtLeastMedium:
		factors = append(factors, riskFactor{Code: "entrepreneur", Level: RiskMedium, Text: "an individual entrepreneur"})
	}
	level := RiskLow
	for _, f := range factors {
		if f.Level.rank() > level.rank() {
			level = f.Level
		}
	}
	return level, factors
}

// riskLevel records the risk_level step and sends a high level to review.
func (s *Service) riskLevel(a *assessment, r Request, aml ScreenResult) {
	level, factors := s.cfg.riskFactors(r, aml)
	a.risk = level
	ev, _ := json.Marshal(riskEvidence{Level: level, Factors: factors, Rules: riskRules{
		AmountTiyn: r.Amount.Tiyn(), ClientKind: r.Person.Kind,
		MediumAmountAboveTiyn: s.cfg.RiskMediumAmountAbove.Tiyn(), HighAmountAboveTiyn: s.cfg.RiskHighAmountAbove.Tiyn(),
		EntrepreneurAtLeastMedium: s.cfg.RiskEntrepreneurAtLeastMedium, AMLPossibleMatch: aml.Review,
	}})
	texts := make([]string, len(factors))
	for i, f := range factors {
		texts[i] = f.Text
	}
	a.step(Step{Name: StepRiskLevel, Passed: level != RiskHigh, Evidence: ev, At: s.now(),
		Detail: fmt.Sprintf("AML/CFT risk level %s: %s.", level, strings.Join(texts, "; "))})
	if level == RiskHigh {
		a.review(Reason{Code: ReasonAMLHighRisk, Law: LawAML, Text: "The customer's AML/CFT risk level is high: enhanced due diligence by a member of staff is needed."})
	}
}
