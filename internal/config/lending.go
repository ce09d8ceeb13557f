package config

import (
	"errors"
	"fmt"
	"strconv"

	"nesie.kz/nesie/internal/money"
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
	add("dti-limit", "NESIE_DTI_LIMIT_PERMILLE", "debt-to-income limit in ‰ (empty: the built-in 500)", wholeNumber(&l.DTILimitPermille, 1), intText(&l.DTILimitPermille))
	add("overdue-limit-days", "NESIE_OVERDUE_LIMIT_DAYS", "no unsecured loan with a debt overdue longer than this many days (empty: the Law's 90)",
		wholeNumber(&l.OverdueLimitDays, 0), intText(&l.OverdueLimitDays))
	add("four-eyes-above", "NESIE_FOUR_EYES_ABOVE", "sum in tenge above which a staff review needs two staff members (empty: 500 000)",
		tenge(&l.FourEyesAbove), amountText(&l.FourEyesAbove))
	add("risk-medium-above", "NESIE_RISK_MEDIUM_ABOVE", "sum in tenge above which the AML/CFT risk level is at least medium (empty: 1 000 000)",
		tenge(&l.RiskMediumAbove), amountText(&l.RiskMediumAbove))
	add("risk-high-above", "NESIE_RISK_HIGH_ABOVE", "sum in tenge above which the AML/CFT risk level is high and staff review the loan (empty: 5 000 000)",
		tenge(&l.RiskHighAbove), amountText(&l.RiskHighAbove))
	add("risk-entrepreneur-medium", "NESIE_RISK_ENTREPRENEUR_MEDIUM", "true: every individual entrepreneur is at least at medium AML/CFT risk (empty: false)",
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
