package underwriting

import (
	"strings"
	"testing"

	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestR8_1_RiskConfigRefusedByField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		for _, tc := range []struct {
			name   string
			mutate func(*Config)
			fields []string
		}{
			{"negative medium", func(c *Config) { c.RiskMediumAmountAbove = -1 }, []string{"RiskMediumAmountAbove"}},
			{"negative high", func(c *Config) { c.RiskHighAmountAbove = -1 }, []string{"RiskHighAmountAbove"}},
			{"medium above high", func(c *Config) { c.RiskMediumAmountAbove = c.RiskHighAmountAbove + 1 },
				[]string{"RiskMediumAmountAbove", "RiskHighAmountAbove"}},
		} {
			cfg := DefaultConfig()
			cfg.Vault = r.svc.cfg.Vault
			tc.mutate(&cfg)
			svc, err := New(env.DB, r.svc.trail, r.svc.bureau, r.aml, r.fraud, cfg, nil)
			if err == nil || svc != nil {
				t.Errorf("%s: accepted", tc.name)
				continue
			}
			for _, f := range tc.fields {
				if !strings.Contains(err.Error(), f) {
					t.Errorf("%s: %q does not name %s", tc.name, err, f)
				}
			}
		}
		// Equal thresholds leave no medium band, and zero puts everything above it: both are
		// an MFO's choice to make.
		cfg := DefaultConfig()
		cfg.Vault = r.svc.cfg.Vault
		cfg.RiskMediumAmountAbove, cfg.RiskHighAmountAbove = 0, 0
		if _, err := New(env.DB, r.svc.trail, r.svc.bureau, r.aml, r.fraud, cfg, nil); err != nil {
			t.Errorf("zero, equal thresholds: %v", err)
		}
	})
}

// TestR8_1_RiskLevelRules checks the weighing alone, on cases worked out by hand.
func TestR8_1_RiskLevelRules(t *testing.T) {
	cfg := DefaultConfig()
	flagged := cfg
	flagged.RiskEntrepreneurAtLeastMedium = true
	for _, tc := range []struct {
		name   string
		cfg    Config
		kind   string
		amount money.Amount
		review bool
		want   RiskLevel
	}{
		{"small person", cfg, "individual", tenge(1), false, RiskLow},
		{"one tiyn over medium", cfg, "individual", mediumAbove + 1, false, RiskMedium},
		{"one tiyn over high", cfg, "individual", highAbove + 1, false, RiskHigh},
		{"possible match on a small loan", cfg, "individual", tenge(1), true, RiskHigh},
		{"legal entity small", cfg, "legal_entity", tenge(1), false, RiskMedium},
		{"legal entity over medium", cfg, "legal_entity", mediumAbove + 1, false, RiskMedium},
		{"entrepreneur, flag off", cfg, "entrepreneur", tenge(1), false, RiskLow},
		{"entrepreneur, flag on", flagged, "entrepreneur", tenge(1), false, RiskMedium},
		{"individual, flag on", flagged, "individual", tenge(1), false, RiskLow},
		{"entrepreneur, flag on, over high", flagged, "entrepreneur", highAbove + 1, false, RiskHigh},
	} {
		r := Request{Amount: tc.amount, Person: Person{Kind: tc.kind}}
		got, factors := tc.cfg.riskFactors(r, ScreenResult{Review: tc.review})
		if got != tc.want {
			t.Errorf("%s: %s, want %s (factors %+v)", tc.name, got, tc.want, factors)
		}
		if factors[0].Code != "non_face_to_face" || factors[0].Level != RiskLow {
			t.Errorf("%s: first factor %+v, want non-face-to-face weighed at low", tc.name, factors[0])
		}
	}
	for _, s := range []string{"", "LOW", "extreme", " low"} {
		if _, err := ParseRiskLevel(s); err == nil {
			t.Errorf("ParseRiskLevel(%q) accepted", s)
		}
	}
}
