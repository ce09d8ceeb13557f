package main

import (
	"testing"

	"nesie.kz/nesie/internal/config"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/underwriting"
)

// The lending rules the operator sets replace the built-in ones, and only those.
func TestLendingSettingsReachUnderwriting(t *testing.T) {
	built := underwriting.DefaultConfig()
	if got := underwritingConfig(config.Lending{}); got.MaxDTIPermille != built.MaxDTIPermille ||
		got.FourEyesAbove != built.FourEyesAbove || got.RiskHighAmountAbove != built.RiskHighAmountAbove {
		t.Fatalf("nothing set gave %+v, want the built-in rules", got)
	}
	dti, days, yes := 400, 30, true
	high := money.Amount(2_000_000_00)
	got := underwritingConfig(config.Lending{DTILimitPermille: &dti, OverdueLimitDays: &days, RiskHighAbove: &high, RiskEntrepreneurMedium: &yes})
	if got.MaxDTIPermille != 400 || got.MaxOverdueDays != 30 || got.RiskHighAmountAbove != high || !got.RiskEntrepreneurAtLeastMedium {
		t.Fatalf("set rules not applied: %+v", got)
	}
	if got.FourEyesAbove != built.FourEyesAbove || got.RiskMediumAmountAbove != built.RiskMediumAmountAbove {
		t.Fatalf("rules left unset changed: %+v", got)
	}
}
