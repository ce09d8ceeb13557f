package aml

import (
	"math"
	"strings"

	"nesie.kz/nesie/internal/date"
)

// Config sets the screening thresholds, in permille of similarity. A field left zero (or out
// of range) takes its DefaultConfig value.
type Config struct {
	// HitPermille and above is a hit: the client is refused (R10) and the match reported.
	HitPermille int
	// ReviewPermille and above (below HitPermille) sends the client to staff review.
	ReviewPermille int
	// BirthDateBonus is added when a full birth date matches one the list gives;
	// BirthDatePenalty subtracted when the list gives birth dates and none matches (a year
	// alone counts half either way). The penalty keeps namesakes born on another day below a
	// hit: the default leaves an exact namesake in review, where staff compare the rest.
	BirthDateBonus, BirthDatePenalty int
}

// withDefaults fills the fields left zero from DefaultConfig, so that a Config naming only
// the thresholds keeps the birth-date adjustment, and keeps the review band below the hit.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.HitPermille <= 0 || c.HitPermille > 1000 {
		c.HitPermille = d.HitPermille
	}
	if c.ReviewPermille <= 0 || c.ReviewPermille > c.HitPermille {
		c.ReviewPermille = min(d.ReviewPermille, c.HitPermille)
	}
	if c.BirthDateBonus <= 0 {
		c.BirthDateBonus = d.BirthDateBonus
	}
	if c.BirthDatePenalty <= 0 {
		c.BirthDatePenalty = d.BirthDatePenalty
	}
	return c
}

// DefaultConfig returns the thresholds Nesie starts with: 900‰ hit, 750‰ review, ±50/200‰
// for the birth date.
func DefaultConfig() Config {
	return Config{HitPermille: 900, ReviewPermille: 750, BirthDateBonus: 50, BirthDatePenalty: 200}
}

// tokenFloor is the similarity below which two name tokens count as different words: above
// it they are the same word spelled differently or mistyped.
const tokenFloor = 0.82

// nameForm is one name of an entry (its name or an alias) as matching keys.
type nameForm [][]rune

func formOf(name string) nameForm {
	toks := nameTokens(name)
	f := make(nameForm, len(toks))
	for i, t := range toks {
		f[i] = []rune(t)
	}
	return f
}

// nameSimilarity compares two names as sets of tokens: each token of the shorter name is
// paired with its most similar unused token of the longer, and the pair similarities are
// averaged. Extra tokens cost a little (a patronymic the list leaves out), and a one-word
// name matched inside a longer one counts for less.
func nameSimilarity(a, b nameForm) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		return pairedSimilarity(b, a)
	}
	s := pairedSimilarity(a, b)
	if len(a) == len(b) && s < 1 {
		// The greedy pairing depends on which side leads; taking the better keeps the
		// comparison symmetric.
		s = max(s, pairedSimilarity(b, a))
	}
	return s
}

// pairedSimilarity pairs each token of short (not longer than long) greedily with its most
// similar unused token of long; see nameSimilarity.
func pairedSimilarity(short, long nameForm) float64 {
	var usedBuf [16]bool
	used := usedBuf[:0]
	if len(long) <= len(usedBuf) {
		used = usedBuf[:len(long)]
	} else {
		used = make([]bool, len(long))
	}
	sum := 0.0
	for _, t := range short {
		best, at := 0.0, -1
		for j, u := range long {
			if used[j] {
				continue
			}
			if s := jaroWinkler(t, u); s > best {
				best, at = s, j
			}
		}
		if at >= 0 && best >= tokenFloor {
			used[at] = true
			sum += best
		}
	}
	score := sum / float64(len(short))
	if len(short) == 1 && len(long) > 1 {
		score *= 0.75
	}
	return max(0, score-0.02*float64(len(long)-len(short)))
}

// compiledEntry is an entry with its names as matching keys.
type compiledEntry struct {
	Entry
	forms []nameForm
}

// compiled is one list version held in memory, indexed by the first and the last three
// letters of each name token, so that a screening compares a name with the few entries
// sharing a token's beginning or end (a typo seldom hits both), not with every entry.
type compiled struct {
	versionID, listID string
	entries           []compiledEntry
	byKey             map[string][]int32
	byID              map[string][]int32
}

func compile(versionID, listID string, entries []Entry) *compiled {
	c := &compiled{versionID: versionID, listID: listID, entries: make([]compiledEntry, len(entries)),
		byKey: make(map[string][]int32), byID: make(map[string][]int32)}
	for i, e := range entries {
		ce := compiledEntry{Entry: e}
		seen := map[string]bool{}
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			f := formOf(n)
			if len(f) == 0 {
				continue
			}
			ce.forms = append(ce.forms, f)
			for _, t := range f {
				for _, k := range tokenKeys(t) {
					if !seen[k] {
						seen[k] = true
						c.byKey[k] = append(c.byKey[k], int32(i))
					}
				}
			}
		}
		for _, id := range []string{e.IIN, e.BIN} {
			if id != "" {
				c.byID[id] = append(c.byID[id], int32(i))
			}
		}
		c.entries[i] = ce
	}
	return c
}

// tokenKeys are the index keys of a token: its first and its last three letters. Tokens of
// one letter (initials) are not indexed: they would point at everything.
func tokenKeys(t []rune) []string {
	if len(t) < 2 {
		return nil
	}
	n := min(3, len(t))
	return []string{"<" + string(t[:n]), ">" + string(t[len(t)-n:])}
}

// screen returns the matches of subj in c at or above floor permille.
func (c *compiled) screen(subj subjectForms, cfg Config, floor int) []Match {
	var out []Match
	// An identifier equal to a listed one is a hit whatever the name.
	byIDHit := map[int32]bool{}
	for _, id := range []struct{ value, basis string }{{subj.iin, BasisIIN}, {subj.bin, BasisBIN}} {
		if id.value == "" {
			continue
		}
		for _, i := range c.byID[id.value] {
			if byIDHit[i] {
				continue
			}
			byIDHit[i] = true
			e := c.entries[i]
			out = append(out, Match{ListID: c.listID, Ref: e.Ref, EntryName: e.Name, ScorePermille: 1000, Basis: id.basis})
		}
	}
	for _, i := range c.candidates(subj) {
		if byIDHit[i] {
			continue
		}
		e := &c.entries[i]
		best := 0.0
		for _, sf := range subj.forms {
			for _, ef := range e.forms {
				best = max(best, nameSimilarity(sf, ef))
			}
		}
		score := int(math.Round(best * 1000))
		basis := BasisName
		adj := birthAdjustment(e.Entry, subj, cfg)
		if adj > 0 {
			basis = BasisNameBirthDate
		}
		score += adj
		// An entry with an IIN that is not the subject's is another person.
		if e.IIN != "" && subj.iin != "" && e.IIN != subj.iin {
			score -= cfg.BirthDatePenalty
		}
		score = min(max(score, 0), 1000)
		if score >= floor {
			out = append(out, Match{ListID: c.listID, Ref: e.Ref, EntryName: e.Name, ScorePermille: score, Basis: basis})
		}
	}
	return out
}

// candidates are the entries worth scoring: those sharing an index key with at least two of
// the subject's words (one when the subject has a one-word name). An entry resembling only
// one word of a longer name cannot reach the review band (nameSimilarity averages over the
// words), so the other entries are skipped without a string comparison.
func (c *compiled) candidates(subj subjectForms) []int32 {
	need := uint8(2)
	for _, f := range subj.forms {
		if len(f) < 2 {
			need = 1
		}
	}
	// seen[i] is the last subject word (1-based) that reached entry i; hits[i] how many did.
	seen := make([]uint16, len(c.entries))
	hits := make([]uint8, len(c.entries))
	var out []int32
	word := uint16(0)
	for _, f := range subj.forms {
		for _, t := range f {
			if word == 1<<16-1 {
				return out
			}
			word++
			for _, k := range tokenKeys(t) {
				for _, i := range c.byKey[k] {
					if seen[i] == word {
						continue
					}
					seen[i] = word
					if hits[i] < 255 {
						hits[i]++
					}
					if hits[i] == need {
						out = append(out, i)
					}
				}
			}
		}
	}
	return out
}

// birthAdjustment is the birth date's effect on a name score: the bonus when a listed date
// is the subject's, the penalty when the list gives dates and none is; half of either for a
// year alone. No date on either side changes nothing.
func birthAdjustment(e Entry, subj subjectForms, cfg Config) int {
	if !subj.hasBirth {
		return 0
	}
	if len(e.BirthDates) > 0 {
		for _, d := range e.BirthDates {
			if d == subj.birth {
				return cfg.BirthDateBonus
			}
		}
		return -cfg.BirthDatePenalty
	}
	if e.BirthYear != 0 {
		if e.BirthYear == subj.birth.Year() {
			return cfg.BirthDateBonus / 2
		}
		return -cfg.BirthDatePenalty / 2
	}
	return 0
}

// subjectForms is a Subject prepared for matching.
type subjectForms struct {
	forms    []nameForm
	iin, bin string
	birth    date.Date
	hasBirth bool
}

func prepare(s Subject) subjectForms {
	p := subjectForms{}
	for _, n := range append([]string{s.FullName}, s.Aliases...) {
		if f := formOf(strings.TrimSpace(n)); len(f) > 0 {
			p.forms = append(p.forms, f)
		}
	}
	if !s.IIN.IsZero() {
		p.iin = s.IIN.String()
		p.birth, p.hasBirth = s.IIN.BirthDate(), true
	}
	if !s.BIN.IsZero() {
		p.bin = s.BIN.String()
	}
	if s.BirthDate != (date.Date{}) {
		p.birth, p.hasBirth = s.BirthDate, true
	}
	return p
}
