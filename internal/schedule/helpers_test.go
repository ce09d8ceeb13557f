package schedule

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/money"
)

// tg parses tenge ("1 000 000", "927 512.87") for test tables.
func tg(t testing.TB, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(s)
	if err != nil {
		t.Fatalf("test amount %q: %v", s, err)
	}
	return a
}

func pct(t testing.TB, s string) Rate {
	t.Helper()
	r, err := ParseRate(s)
	if err != nil {
		t.Fatalf("test rate %q: %v", s, err)
	}
	return r
}

func day(t testing.TB, s string) date.Date {
	t.Helper()
	d, err := date.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// line is a row as a test table writes it: date and tenge amounts as strings.
type line struct {
	N                                          int
	Date                                       string
	Payment, Principal, Interest, Fee, Balance string
}

func lines(s *Schedule) []line {
	out := make([]line, 0, len(s.Rows))
	for _, r := range s.Rows {
		out = append(out, line{r.N, r.Date.String(), plain(r.Payment), plain(r.Principal),
			plain(r.Interest), plain(r.Fee), plain(r.Balance)})
	}
	return out
}

// plain renders tiyn as tenge with a point and no grouping: 927512.87.
func plain(a money.Amount) string {
	t := a.Tiyn()
	return itoa(t/100) + "." + string(rune('0'+t%100/10)) + string(rune('0'+t%10))
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func build(t testing.TB, terms Terms) *Schedule {
	t.Helper()
	s, err := Build(terms)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return s
}

func checkLines(t *testing.T, s *Schedule, want []line) {
	t.Helper()
	if diff := cmp.Diff(want, lines(s)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}
