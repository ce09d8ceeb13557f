package underwriting

import (
	"fmt"
	"math"
	"sort"
)

// Band gives Points to the values of an attribute from From up to the next band's From.
type Band struct {
	From   int
	Points int
}

// Scorecard turns a few attributes of the applicant into points. A value below the first
// band of its attribute scores 0. The total decides: approved at ApproveAt or above, refused
// below RefuseBelow, sent to staff review between.
type Scorecard struct {
	Base          int
	Age           []Band // full years at the assessment
	DTIPermille   []Band // debt-to-income with the new payment, ‰
	MaxOverdue12m []Band // the longest overdue on any credit in the last 12 months, days
	OpenCredits   []Band // credits with an outstanding balance
	SecuredPoints int    // added when the request is secured
	ApproveAt     int
	RefuseBelow   int
}

// DefaultScorecard is a starting card to be calibrated on the MFO's own history: a clean
// applicant of working age with a moderate burden scores about 380 (approved), one with
// recent overdue and a heavy burden lands in review or below.
func DefaultScorecard() Scorecard {
	return Scorecard{
		Base:          100,
		Age:           []Band{{18, 0}, {21, 20}, {25, 50}, {60, 30}, {70, 0}},
		DTIPermille:   []Band{{0, 100}, {200, 60}, {350, 20}, {500, 0}},
		MaxOverdue12m: []Band{{0, 100}, {1, 50}, {31, 0}, {61, -50}, {91, -100}},
		OpenCredits:   []Band{{0, 30}, {1, 50}, {3, 20}, {6, -30}},
		SecuredPoints: 30,
		ApproveAt:     300,
		RefuseBelow:   200,
	}
}

// Attributes are what the card scores.
type Attributes struct {
	Age           int  `json:"age"`
	DTIPermille   int  `json:"dti_permille"`
	MaxOverdue12m int  `json:"max_overdue_12m"`
	OpenCredits   int  `json:"open_credits"`
	Secured       bool `json:"secured"`
}

// Points is a score with its parts, kept as the scorecard step's evidence.
type Points struct {
	Attributes
	Base          int `json:"base"`
	AgePoints     int `json:"age_points"`
	DTIPoints     int `json:"dti_points"`
	OverduePoints int `json:"overdue_points"`
	CreditsPoints int `json:"credits_points"`
	SecuredPoints int `json:"secured_points"`
	Score         int `json:"score"`
}

// Score adds up the points of a.
func (c Scorecard) Score(a Attributes) Points {
	p := Points{
		Attributes:    a,
		Base:          c.Base,
		AgePoints:     bandPoints(c.Age, a.Age),
		DTIPoints:     bandPoints(c.DTIPermille, a.DTIPermille),
		OverduePoints: bandPoints(c.MaxOverdue12m, a.MaxOverdue12m),
		CreditsPoints: bandPoints(c.OpenCredits, a.OpenCredits),
	}
	if a.Secured {
		p.SecuredPoints = c.SecuredPoints
	}
	p.Score = p.Base + p.AgePoints + p.DTIPoints + p.OverduePoints + p.CreditsPoints + p.SecuredPoints
	return p
}

// Outcome is what a score decides on its own.
func (c Scorecard) Outcome(score int) Outcome {
	switch {
	case score >= c.ApproveAt:
		return Approved
	case score < c.RefuseBelow:
		return Refused
	}
	return Review
}

func bandPoints(bands []Band, v int) int {
	pts := 0
	for _, b := range bands {
		if v < b.From {
			break
		}
		pts = b.Points
	}
	return pts
}

// validate refuses a card that cannot mean what it says: bands out of order, a refusal
// cut-off above the approval one, or points so large that a sum could overflow.
func (c Scorecard) validate() error {
	if c.RefuseBelow > c.ApproveAt {
		return fmt.Errorf("scorecard: refuse_below %d is above approve_at %d", c.RefuseBelow, c.ApproveAt)
	}
	const limit = math.MaxInt32 / 8
	for name, bands := range map[string][]Band{"age": c.Age, "dti_permille": c.DTIPermille, "max_overdue_12m": c.MaxOverdue12m, "open_credits": c.OpenCredits} {
		if !sort.SliceIsSorted(bands, func(i, j int) bool { return bands[i].From < bands[j].From }) {
			return fmt.Errorf("scorecard: %s bands are not in increasing order", name)
		}
		for i, b := range bands {
			if i > 0 && b.From == bands[i-1].From {
				return fmt.Errorf("scorecard: %s has two bands from %d", name, b.From)
			}
			if b.Points > limit || b.Points < -limit {
				return fmt.Errorf("scorecard: %s points %d out of range", name, b.Points)
			}
		}
	}
	if c.Base > limit || c.Base < -limit || c.SecuredPoints > limit || c.SecuredPoints < -limit {
		return fmt.Errorf("scorecard: base or secured points out of range")
	}
	return nil
}
