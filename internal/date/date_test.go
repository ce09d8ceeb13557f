package date

import (
	"testing"
	"time"
)

func TestParseRefusesDaysThatDoNotExist(t *testing.T) {
	for _, s := range []string{"2025-02-29", "2025-04-31", "2025-13-01", "2025-1-1", "", "01.01.2025"} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
	d, err := Parse("2024-02-29")
	if err != nil || d.String() != "2024-02-29" {
		t.Fatalf("Parse(2024-02-29) = %v, %v", d, err)
	}
}

func TestAddMonthsClampsToMonthEnd(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2025-01-31", 1, "2025-02-28"},
		{"2024-01-31", 1, "2024-02-29"},
		{"2025-01-31", 3, "2025-04-30"},
		{"2025-12-15", 1, "2026-01-15"},
		{"2025-03-31", -1, "2025-02-28"},
	}
	for _, c := range cases {
		if got := MustParse(t, c.from).AddMonths(c.n).String(); got != c.want {
			t.Errorf("%s + %d months = %s, want %s", c.from, c.n, got, c.want)
		}
	}
}

func TestWeekdayAndSub(t *testing.T) {
	d := MustParse(t, "2026-11-29")
	if d.Weekday() != time.Sunday {
		t.Errorf("2026-11-29 is %v, want Sunday", d.Weekday())
	}
	if n := MustParse(t, "2025-01-01").Sub(MustParse(t, "2024-01-01")); n != 366 {
		t.Errorf("days in 2024 = %d", n)
	}
	if MustParse(t, "1969-12-31").Weekday() != time.Wednesday {
		t.Errorf("weekday before the epoch is wrong")
	}
}

func TestInUsesAlmaty(t *testing.T) {
	// 19:30 UTC on 31 December is 00:30 on 1 January in Almaty.
	got := In(time.Date(2025, 12, 31, 19, 30, 0, 0, time.UTC))
	if got.String() != "2026-01-01" {
		t.Fatalf("In = %s, want 2026-01-01", got)
	}
	if s := got.Start().UTC(); !s.Equal(time.Date(2025, 12, 31, 19, 0, 0, 0, time.UTC)) {
		t.Fatalf("Start = %v", s)
	}
}

func MustParse(t *testing.T, s string) Date {
	t.Helper()
	d, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
