package aml_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/aml"
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// syntheticList writes a CSV list of n made-up persons: random syllable names in Cyrillic.
func syntheticList(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	syll := []string{"ка", "са", "жан", "бек", "ну", "ер", "ла", "мұ", "ра", "та", "дос", "ай", "гүл", "ас", "хан", "ов", "ева", "ин", "қы", "зы"}
	word := func() string {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syll[r.IntN(len(syll))])
		}
		return b.String()
	}
	var b strings.Builder
	b.WriteString("name;birth_date;ref\n")
	for i := range n {
		fmt.Fprintf(&b, "%s %s %s;%d-%02d-%02d;S-%d\n", word(), word(), word(), 1950+r.IntN(55), 1+r.IntN(12), 1+r.IntN(28), i)
	}
	return b.String()
}

// BenchmarkScreen screens one name against a list of 20 000 entries (SQLite: the per-screen
// read of the active versions included; the compiled list is in memory after the first).
func BenchmarkScreen(b *testing.B) {
	env := storetest.New(b, store.SQLite)
	svc := aml.New(env.DB, audit.NewTrail(env.DB, nil), aml.DefaultConfig())
	ctx := context.Background()
	if _, err := svc.Load(ctx, "bench", "synthetic", aml.FormatCSV, strings.NewReader(syntheticList(20000))); err != nil {
		b.Fatal(err)
	}
	subjects := []aml.Subject{{FullName: "Касымов Жандос Ерланович"}, {FullName: "Nurlanova Aigerim"}, {FullName: "Бекжан Ерлан Сакадос"}}
	if _, err := svc.Screen(ctx, subjects[0]); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := svc.Screen(ctx, subjects[i%len(subjects)]); err != nil {
			b.Fatal(err)
		}
	}
}
