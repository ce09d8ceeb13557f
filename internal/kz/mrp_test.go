package kz

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/money"
)

func TestDefaultMRP(t *testing.T) {
	t.Parallel()
	m := DefaultMRP()
	for year, want := range map[int]money.Amount{2025: 393200, 2026: 432500} {
		if got, err := m.For(year); err != nil || got != want {
			t.Errorf("For(%d) = %d, %v; want %d", year, got, err, want)
		}
	}
	_, err := m.For(2027)
	if !errors.Is(err, ErrMRPUnknown) || !strings.Contains(err.Error(), "2027") {
		t.Errorf("For(2027) = %v; want ErrMRPUnknown naming the year", err)
	}
	if _, err := (MRPTable{}).For(2025); !errors.Is(err, ErrMRPUnknown) {
		t.Errorf("zero table: %v", err)
	}
}

// The cooling-off threshold of FACTS.md §0 is 75 МРП: 294 900 ₸ in 2025, 324 375 ₸ in 2026.
func TestMRPMultiplesMatchFacts(t *testing.T) {
	t.Parallel()
	m := DefaultMRP()
	for year, want := range map[int]money.Amount{2025: 294_900_00, 2026: 324_375_00} {
		mrp, _ := m.For(year)
		if got, err := mrp.MulDiv(75, 1, money.HalfUp); err != nil || got != want {
			t.Errorf("75 МРП %d = %v, %v; want %v", year, got, err, want)
		}
	}
}

func TestMRPWithCopies(t *testing.T) {
	t.Parallel()
	base := DefaultMRP()
	next := base.With(2027, 450000)
	if got, err := next.For(2027); err != nil || got != 450000 {
		t.Errorf("With: %d, %v", got, err)
	}
	if _, err := base.For(2027); err == nil {
		t.Error("With changed the original table")
	}
	if got := (MRPTable{}).With(2030, 1).Years(); !slices.Equal(got, []int{2030}) {
		t.Errorf("With on the zero table: %v", got)
	}
}

func TestLoadMRP(t *testing.T) {
	t.Parallel()
	in := "# МРП by year\n\n2027 4 500\n2028\t4600,50 ₸\n2025 3932\n"
	m, err := LoadMRP(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]money.Amount{2025: 393200, 2026: 432500, 2027: 450000, 2028: 460050}
	for year, a := range want {
		if got, err := m.For(year); err != nil || got != a {
			t.Errorf("For(%d) = %d, %v; want %d", year, got, err, a)
		}
	}
	if !slices.Equal(m.Years(), []int{2025, 2026, 2027, 2028}) {
		t.Errorf("Years() = %v", m.Years())
	}
}

func TestLoadMRPRefusesBadLines(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"2027\n":                 "line 1",
		"27 4500\n":              "year \"27\"",
		"1990 4500\n":            "year",
		"2027 4500.123\n":        "more than two decimal places",
		"2027 -4500\n":           "negative",
		"2027 0\n":               "positive",
		"2027 abc\n":             "not an amount",
		"2027 4500\n2027 4600\n": "year 2027 already given on line 1",
	}
	for in, want := range cases {
		if _, err := LoadMRP(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadMRP(%q) = %v; want an error containing %q", in, err, want)
		}
	}
}
