package gesv

import (
	"testing"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

// benchSchedule builds a schedule and its disclosure per iteration: what a page view showing
// a draft schedule costs. Run with -cpu 1; schedules/s is reported.
func benchSchedule(b *testing.B, terms schedule.Terms) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := schedule.Build(terms)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := OfSchedule(s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "schedules/s")
}

func benchTerms(b *testing.B, method schedule.Method, term int, unit schedule.Unit, rate string) schedule.Terms {
	r, err := schedule.ParseRate(rate)
	if err != nil {
		b.Fatal(err)
	}
	return schedule.Terms{Amount: money.Amount(500_000_00), Rate: r, Term: term, Unit: unit, Method: method,
		Start: date.Of(2025, 1, 31), DayCount: schedule.Actual365, UpfrontFee: money.Amount(2_000_00)}
}

func BenchmarkAnnuity12WithGESV(b *testing.B) {
	benchSchedule(b, benchTerms(b, schedule.Annuity, 12, schedule.Months, "39.9"))
}

func BenchmarkAnnuity36WithGESV(b *testing.B) {
	benchSchedule(b, benchTerms(b, schedule.Annuity, 36, schedule.Months, "39.9"))
}

func BenchmarkSingle30Days(b *testing.B) {
	benchSchedule(b, benchTerms(b, schedule.Single, 30, schedule.Days, "100"))
}
