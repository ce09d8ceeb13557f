package config

import (
	"errors"
	"fmt"
	"strconv"

	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/underwriting"
)

// Lending are the lending rules that no act fixes and the MFO sets for itself: FACTS.md tags
// the debt-to-income limit unconfirmed for MFOs, and the thresholds of the four-eyes review
// and of the customer's AML/CFT risk level are the MFO's internal rules. A nil field keeps the
// built-in rule (underwriting.DefaultConfig).
type Lending struct {
	// DTILimitPermille caps the debt-to-income ratio, in ‰.
	DTILimitPermille *int
	// OverdueLimitDays: no new unsecured loan to a person overdue longer than this.
	OverdueLimitDays *int
	// FourEyesAbove: a staff review of a larger request needs two staff members.
	FourEyesAbove *money.Amount
	// RiskMediumAbove and RiskHighAbove: the amounts above which the customer's risk level
	// is at least medium, or high (enhanced due diligence by staff, R8.1).
	RiskMediumAbove, RiskHighAbove *money.Amount
	// RiskEntrepreneurMedium puts every individual entrepreneur at least at medium risk.
	RiskEntrepreneurMedium *bool
}

// lendingFields are the flags of Lending; an empty value keeps the built-in rule.
func (c *Config) lendingFields(add func(flagName, env, usage string, set func(string) error, get func() string)) {
	l := &c.Lending
	// The help states the built-in rules as underwriting keeps them, so the two cannot drift.
	def := underwriting.DefaultConfig()
	add("dti-limit", "NESIE_DTI_LIMIT_PERMILLE", fmt.Sprintf("debt-to-income limit in ‰ (empty: the built-in %d)", def.MaxDTIPermille),
		wholeNumber(&l.DTILimitPermille, 1), intText(&l.DTILimitPermille))
	add("overdue-limit-days", "NESIE_OVERDUE_LIMIT_DAYS", fmt.Sprintf("no unsecured loan with a debt overdue longer than this many days (empty: the Law's %d)", def.MaxOverdueDays),
		wholeNumber(&l.OverdueLimitDays, 0), intText(&l.OverdueLimitDays))
	add("four-eyes-above", "NESIE_FOUR_EYES_ABOVE", fmt.Sprintf("sum in tenge above which a staff review needs two staff members (empty: %s)", def.FourEyesAbove),
		tenge(&l.FourEyesAbove), amountText(&l.FourEyesAbove))
	add("risk-medium-above", "NESIE_RISK_MEDIUM_ABOVE", fmt.Sprintf("sum in tenge above which the AML/CFT risk level is at least medium (empty: %s)", def.RiskMediumAmountAbove),
		tenge(&l.RiskMediumAbove), amountText(&l.RiskMediumAbove))
	add("risk-high-above", "NESIE_RISK_HIGH_ABOVE", fmt.Sprintf("sum in tenge above which the AML/CFT risk level is high and staff review the loan (empty: %s)", def.RiskHighAmountAbove),
		tenge(&l.RiskHighAbove), amountText(&l.RiskHighAbove))
	add("risk-entrepreneur-medium", "NESIE_RISK_ENTREPRENEUR_MEDIUM",
		fmt.Sprintf("true: every individual entrepreneur is at least at medium AML/CFT risk (empty: %t)", def.RiskEntrepreneurAtLeastMedium),
		func(s string) error {
			if s == "" {
				l.RiskEntrepreneurMedium = nil
				return nil
			}
			b, err := strconv.ParseBool(s)
			if err != nil {
				return errors.New("want true or false")
			}
			l.RiskEntrepreneurMedium = &b
			return nil
		}, func() string {
			if l.RiskEntrepreneurMedium == nil {
				return ""
			}
			return strconv.FormatBool(*l.RiskEntrepreneurMedium)
		})
}

// check checks the rules against one another.
func (l Lending) check() error {
	if l.RiskMediumAbove != nil && l.RiskHighAbove != nil && *l.RiskMediumAbove > *l.RiskHighAbove {
		return errors.New("--risk-medium-above (NESIE_RISK_MEDIUM_ABOVE) must not exceed --risk-high-above (NESIE_RISK_HIGH_ABOVE)")
	}
	return nil
}

func wholeNumber(p **int, least int) func(string) error {
	return func(s string) error {
		if s == "" {
			*p = nil
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < least {
			return fmt.Errorf("want a whole number ≥ %d", least)
		}
		*p = &n
		return nil
	}
}

func intText(p **int) func() string {
	return func() string {
		if *p == nil {
			return ""
		}
		return strconv.Itoa(**p)
	}
}

func tenge(p **money.Amount) func(string) error {
	return func(s string) error {
		if s == "" {
			*p = nil
			return nil
		}
		a, err := money.Parse(s)
		if err != nil {
			return fmt.Errorf("want a sum in tenge such as 500000 or 1 000 000,00: %w", err)
		}
		*p = &a
		return nil
	}
}

func amountText(p **money.Amount) func() string {
	return func() string {
		if *p == nil {
			return ""
		}
		return (**p).String()
	}
}
