package underwriting

import (
	"testing"

	"nesie.kz/nesie/internal/date"
)

func TestDefaultScorecardBands(t *testing.T) {
	c := DefaultScorecard()
	for _, tc := range []struct {
		a    Attributes
		want int
	}{
		// 100 + 50 + 100 + 100 + 30
		{Attributes{Age: 40, DTIPermille: 125}, 380},
		// 100 + 20 (age 22) + 20 (DTI 400) + 0 (45 days) + 20 (4 credits) + 30 (secured)
		{Attributes{Age: 22, DTIPermille: 400, MaxOverdue12m: 45, OpenCredits: 4, Secured: true}, 190},
		// band edges: 25 → 50, 200 ‰ → 60, 1 day → 50, 1 credit → 50
		{Attributes{Age: 25, DTIPermille: 200, MaxOverdue12m: 1, OpenCredits: 1}, 310},
		// under 18 scores nothing for age; 91+ days costs 100
		{Attributes{Age: 17, DTIPermille: 0, MaxOverdue12m: 91, OpenCredits: 6}, 70},
	} {
		if got := c.Score(tc.a).Score; got != tc.want {
			t.Errorf("Score(%+v) = %d, want %d", tc.a, got, tc.want)
		}
	}
	if c.Outcome(300) != Approved || c.Outcome(299) != Review || c.Outcome(200) != Review || c.Outcome(199) != Refused {
		t.Error("outcome cut-offs are not 300 / 200")
	}
}

func TestConfigValidation(t *testing.T) {
	bad := DefaultConfig()
	bad.Scorecard.RefuseBelow = bad.Scorecard.ApproveAt + 1
	if bad.validate() == nil {
		t.Error("refuse cut-off above approve cut-off accepted")
	}
	bad = DefaultConfig()
	bad.Scorecard.Age = []Band{{30, 1}, {20, 2}}
	if bad.validate() == nil {
		t.Error("bands out of order accepted")
	}
	bad = DefaultConfig()
	bad.MaxDTIPermille = 0
	if bad.validate() == nil {
		t.Error("zero DTI limit accepted")
	}
	if err := DefaultConfig().validate(); err != nil {
		t.Errorf("default config: %v", err)
	}
}

func TestFullYears(t *testing.T) {
	birth := date.Of(1985, 3, 5)
	for _, tc := range []struct {
		at   date.Date
		want int
	}{{date.Of(2026, 3, 4), 40}, {date.Of(2026, 3, 5), 41}, {date.Of(1985, 3, 5), 0}} {
		if got := fullYears(birth, tc.at); got != tc.want {
			t.Errorf("fullYears(1985-03-05, %s) = %d, want %d", tc.at, got, tc.want)
		}
	}
}
