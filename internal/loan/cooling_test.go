package loan

import (
	"testing"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/money"
)

// TestR9_1_1_CoolingOffRule is the table of R9-1: the 75 МРП threshold of the signing year
// (2026: 4 325 ₸ × 75 = 324 375 ₸, strictly above), the same-day total (R9-1.2), and the
// exemptions (R9-1.4, and credits the paragraph does not cover).
func TestR9_1_1_CoolingOffRule(t *testing.T) {
	rule := DefaultCoolingRule(kz.DefaultMRP())
	tenge := func(t int64) money.Amount { return money.Amount(t * 100) }
	base := CoolingCase{Consumer: true, ClientKind: client.Individual, Payout: PayoutAccount, Year: 2026}
	with := func(f func(*CoolingCase)) CoolingCase { c := base; f(&c); return c }
	for _, tc := range []struct {
		name string
		c    CoolingCase
		wait bool
		why  string
	}{
		{"below the threshold", with(func(c *CoolingCase) { c.Amount = tenge(300_000) }), false, ExemptBelow},
		{"exactly 75 МРП does not wait (strictly above)", with(func(c *CoolingCase) { c.Amount = tenge(324_375) }), false, ExemptBelow},
		{"one tiyn above 75 МРП waits", with(func(c *CoolingCase) { c.Amount = tenge(324_375) + 1 }), true, CoolingAmount},
		{"2025's МРП for a 2025 signing", with(func(c *CoolingCase) { c.Year = 2025; c.Amount = tenge(300_000) }), true, CoolingAmount},
		{"two same-day loans together above", with(func(c *CoolingCase) { c.Amount = tenge(200_000); c.SameDay = tenge(200_000) }), true, CoolingSameDay},
		{"two same-day loans together at the threshold", with(func(c *CoolingCase) { c.Amount = tenge(124_375); c.SameDay = tenge(200_000) }), false, ExemptBelow},
		{"secured", with(func(c *CoolingCase) { c.Amount = tenge(1_000_000); c.Secured = true }), false, ExemptSecured},
		{"business", with(func(c *CoolingCase) { c.Amount = tenge(1_000_000); c.Consumer = false }), false, ExemptBusiness},
		{"entrepreneur", with(func(c *CoolingCase) { c.Amount = tenge(1_000_000); c.ClientKind = client.Entrepreneur }), false, ExemptNotPerson},
		{"legal entity", with(func(c *CoolingCase) { c.Amount = tenge(1_000_000); c.ClientKind = client.LegalEntity }), false, ExemptNotPerson},
		{"merchant goods", with(func(c *CoolingCase) { c.Amount = tenge(1_000_000); c.Payout = PayoutMerchant }), false, ExemptMerchant},
		{"internal refinancing", with(func(c *CoolingCase) { c.Amount = tenge(1_000_000); c.Payout = PayoutRefinance }), false, ExemptRefinancing},
		{"card and cash wait like an account", with(func(c *CoolingCase) { c.Amount = tenge(400_000); c.Payout = PayoutCashDesk }), true, CoolingAmount},
		{"unknown МРП year fails closed", with(func(c *CoolingCase) { c.Year = 1990; c.Amount = tenge(1_000) }), true, CoolingUnknownMRP},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wait, why := rule.Applies(tc.c)
			if wait != tc.wait || why != tc.why {
				t.Fatalf("Applies = %v %q, want %v %q", wait, why, tc.wait, tc.why)
			}
		})
	}
}

// TestR9_1_1_RuleRefusesAShorterPeriod: a configuration cannot shorten the 24 hours.
func TestR9_1_1_RuleRefusesAShorterPeriod(t *testing.T) {
	r := DefaultCoolingRule(kz.DefaultMRP())
	r.Period -= 1
	if err := r.Validate(); err == nil {
		t.Fatal("a period under 24 hours was accepted")
	}
	if err := DefaultCoolingRule(kz.DefaultMRP()).Validate(); err != nil {
		t.Fatal(err)
	}
}
