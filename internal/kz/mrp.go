package kz

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"nesie.kz/nesie/internal/money"
)

// ErrMRPUnknown: the МРП of the requested year is not in the table.
var ErrMRPUnknown = errors.New("МРП not known for that year")

// MRPTable is the monthly calculation index (МРП, месячный расчётный показатель) by year.
// The republican budget law fixes it once a year; legal thresholds (the 75 МРП cooling-off
// limit, the 20 000 МРП loan cap) are multiples of it. The zero value knows no year.
type MRPTable struct{ byYear map[int]money.Amount }

// DefaultMRP returns the values known when this code was written (FACTS.md §0):
// 2025: 3 932 ₸, 2026: 4 325 ₸ (Law «О республиканском бюджете на 2026–2028 годы»).
// Each new year's value is loaded with LoadMRP or added with With.
func DefaultMRP() MRPTable {
	return MRPTable{byYear: map[int]money.Amount{
		2025: 3932_00,
		2026: 4325_00,
	}}
}

// For returns the МРП of year. A year the table does not know is an error naming the year:
// guessing (last year's value, say) would move every legal threshold without anyone noticing.
func (t MRPTable) For(year int) (money.Amount, error) {
	a, ok := t.byYear[year]
	if !ok {
		return 0, fmt.Errorf("МРП for %d: %w (load the value set by that year's budget law)", year, ErrMRPUnknown)
	}
	return a, nil
}

// With returns a copy of t with the МРП of year set to a; t itself is unchanged.
func (t MRPTable) With(year int, a money.Amount) MRPTable {
	m := make(map[int]money.Amount, len(t.byYear)+1)
	maps.Copy(m, t.byYear)
	m[year] = a
	return MRPTable{byYear: m}
}

// Years returns the years the table knows, ascending.
func (t MRPTable) Years() []int { return slices.Sorted(maps.Keys(t.byYear)) }

// LoadMRP reads lines "YEAR AMOUNT" (e.g. "2027 4 500" or "2027 4500,00 ₸"; the amount is
// read by money.Parse) and returns the default table extended and overridden by them, so a
// file holding only the new year keeps the built-in ones. Blank lines and lines starting
// with '#' are skipped. The amount must be positive; a year given twice is an error.
func LoadMRP(r io.Reader) (MRPTable, error) {
	t := DefaultMRP()
	seen := map[int]int{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		yearText, amountText := text, ""
		if i := strings.IndexAny(text, " \t"); i >= 0 {
			yearText, amountText = text[:i], text[i+1:]
		}
		year, err := strconv.Atoi(yearText)
		if err != nil || len(yearText) != 4 || year < 1991 {
			return MRPTable{}, fmt.Errorf("МРП line %d: year %q: want a 4-digit year from 1991", line, yearText)
		}
		a, err := money.Parse(amountText)
		if err != nil {
			return MRPTable{}, fmt.Errorf("МРП line %d: %w", line, err)
		}
		if a <= 0 {
			return MRPTable{}, fmt.Errorf("МРП line %d: amount must be positive", line)
		}
		if prev, dup := seen[year]; dup {
			return MRPTable{}, fmt.Errorf("МРП line %d: year %d already given on line %d", line, year, prev)
		}
		seen[year] = line
		t.byYear[year] = a
	}
	if err := sc.Err(); err != nil {
		return MRPTable{}, fmt.Errorf("МРП: %w", err)
	}
	return t, nil
}
