// Package legalcap holds the legal limits on microcredits as dated, replaceable data and
// checks a contract against the version in force on its date: the ГЭСВ cap, the short-term
// regime (daily rate and its own ГЭСВ cap), the maximum amount in МРП and the penalty caps
// (FACTS.md §0, §2). Several values are tagged unconfirmed in FACTS.md, so nothing here is a
// constant: a Book is built from a slice of versions, and DefaultBook returns what FACTS.md
// says today.
package legalcap

import (
	"errors"
	"fmt"
	"slices"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/gesv"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

// Confidence is how well a version's values are sourced, as FACTS.md tags them.
type Confidence string

const (
	// Confirmed: read in a primary source or an official announcement.
	Confirmed Confidence = "confirmed"
	// Partial: a secondary source or an older edition of the act.
	Partial Confidence = "partial"
	// Unconfirmed: general knowledge or inference, to verify against adilet.zan.kz.
	Unconfirmed Confidence = "unconfirmed"
)

// Caps is one version of the limits. It applies to contracts dated from From until the next
// version's From.
type Caps struct {
	From date.Date
	// Confidence is the weakest tag among the version's values; Note says which are weak.
	Confidence Confidence
	Note       string

	// MaxGESV is the general ГЭСВ cap (inclusive), e.g. 46.0 %.
	MaxGESV gesv.Rate
	// ShortTerm is the regime for short microcredits, which replaces MaxGESV for them.
	ShortTerm ShortTerm
	// MaxAmountMRP is the largest microcredit in МРП of the contract's year (inclusive).
	MaxAmountMRP int64
	// PenaltyDailyMax is the largest penalty per day of delay, in percent of the overdue
	// amount (inclusive).
	PenaltyDailyMax schedule.Rate
	// PenaltyYearlyMax caps all penalty charged in one contract year, in percent of the
	// amount issued (inclusive).
	PenaltyYearlyMax schedule.Rate
}

// ShortTerm is the regime of microcredits of at most MaxDays days and at most MaxAmountMRP МРП.
type ShortTerm struct {
	MaxDays      int
	MaxAmountMRP int64
	// DailyRateBelow: the nominal rate per day must be strictly below it (0.3 %).
	DailyRateBelow schedule.Rate
	// MaxGESV is the regime's own ГЭСВ cap (inclusive); HasGESVCap says whether there is one.
	MaxGESV    gesv.Rate
	HasGESVCap bool
}

// Book is the list of versions of the caps, ordered by date.
type Book struct{ versions []Caps }

// ErrNoVersion is returned for a contract dated before the first version of a Book.
var ErrNoVersion = errors.New("no version of the legal caps covers the date")

// NewBook returns a Book of the given versions (copied and sorted by From). It refuses an
// empty list, two versions from the same date, and values that cannot be limits.
func NewBook(versions []Caps) (*Book, error) {
	if len(versions) == 0 {
		return nil, errors.New("legal caps: no versions")
	}
	vs := slices.Clone(versions)
	slices.SortFunc(vs, func(a, b Caps) int { return a.From.Compare(b.From) })
	for i, v := range vs {
		if i > 0 && vs[i-1].From == v.From {
			return nil, fmt.Errorf("legal caps: two versions from %s", v.From)
		}
		if v.MaxGESV.Permille() <= 0 || v.MaxAmountMRP <= 0 || v.PenaltyDailyMax.IsZero() ||
			v.PenaltyYearlyMax.IsZero() || v.ShortTerm.MaxDays < 0 || v.ShortTerm.MaxAmountMRP < 0 ||
			(v.ShortTerm.HasGESVCap && v.ShortTerm.MaxGESV.Permille() <= 0) {
			return nil, fmt.Errorf("legal caps from %s: every limit must be positive", v.From)
		}
		if v.PenaltyYearlyMax.Micro() > 100*schedule.MicroPerPercent {
			return nil, fmt.Errorf("legal caps from %s: yearly penalty cap above 100 %%", v.From)
		}
	}
	return &Book{versions: vs}, nil
}

// For returns the version that applies to a contract dated d: the last one from on or before d.
func (b *Book) For(d date.Date) (Caps, error) {
	i, found := slices.BinarySearchFunc(b.versions, d, func(c Caps, d date.Date) int { return c.From.Compare(d) })
	if !found {
		i--
	}
	if i < 0 {
		return Caps{}, fmt.Errorf("contract of %s, first version from %s: %w", d, b.versions[0].From, ErrNoVersion)
	}
	return b.versions[i], nil
}

// Versions returns a copy of the versions, oldest first.
func (b *Book) Versions() []Caps { return slices.Clone(b.versions) }

// DefaultBook returns the caps as FACTS.md §0 records them:
//
//   - contracts before 16.06.2025: ГЭСВ ≤ 56 %; short-term (≤ 45 days, ≤ 50 МРП) at a daily
//     rate below 0.3 % with no ГЭСВ cap of its own [partial];
//   - from 16.06.2025 (ARDFM No. 13 of 30.04.2025, NBRK No. 27 of 22.05.2025): ГЭСВ ≤ 46 %;
//     short-term (≤ 45 days and ≤ 45 МРП) at a daily rate below 0.3 % and ГЭСВ ≤ 179 % [confirmed].
//
// In both, the amount is at most 20 000 МРП (Law Art. 3 p. 1-1) and the penalty at most 0.5 %
// of the overdue amount per day and 10 % of the amount per contract year [unconfirmed].
func DefaultBook() *Book {
	penaltyDaily, _ := schedule.ParseRate("0.5")
	penaltyYearly, _ := schedule.ParseRate("10")
	daily, _ := schedule.ParseRate("0.3")
	// Listed oldest first, as NewBook would sort them; a test runs them through NewBook.
	return &Book{versions: []Caps{
		{
			// FACTS.md gives no start for this regime; it covers every earlier contract.
			From:       date.Date{},
			Confidence: Unconfirmed,
			Note: "56 % and the 45 days / 50 МРП short-term regime are partial (secondary sources); " +
				"its remuneration limits (20 %/25 % of the amount) are not modelled; penalty caps unconfirmed",
			MaxGESV:          gesv.FromPermille(560),
			ShortTerm:        ShortTerm{MaxDays: 45, MaxAmountMRP: 50, DailyRateBelow: daily},
			MaxAmountMRP:     20_000,
			PenaltyDailyMax:  penaltyDaily,
			PenaltyYearlyMax: penaltyYearly,
		},
		{
			From:       date.Of(2025, 6, 16),
			Confidence: Unconfirmed,
			Note:       "ГЭСВ caps and the amount cap confirmed; penalty caps unconfirmed (Law Art. 4 from memory)",
			MaxGESV:    gesv.FromPermille(460),
			ShortTerm: ShortTerm{MaxDays: 45, MaxAmountMRP: 45, DailyRateBelow: daily,
				MaxGESV: gesv.FromPermille(1790), HasGESVCap: true},
			MaxAmountMRP:     20_000,
			PenaltyDailyMax:  penaltyDaily,
			PenaltyYearlyMax: penaltyYearly,
		},
	}}
}

// MRP gives the monthly calculation index of a year (kz.MRPTable satisfies it).
type MRP interface {
	For(year int) (money.Amount, error)
}
