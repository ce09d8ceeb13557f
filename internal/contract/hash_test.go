package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/gesv"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

func TestR11_SameTermsGiveTheSameBytesAndHash(t *testing.T) {
	tt := testTerms(t, 12)
	first, err := Render(tt, Kazakh)
	if err != nil {
		t.Fatal(err)
	}
	if first.SHA256 != sha256.Sum256(first.Bytes) {
		t.Fatal("SHA256 is not the hash of Bytes")
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			again, err := Render(testTerms(t, 12), Kazakh)
			if err != nil {
				t.Error(err)
				return
			}
			if string(again.Bytes) != string(first.Bytes) || again.SHA256 != first.SHA256 {
				t.Error("the same terms rendered to different bytes")
			}
		}()
	}
	wg.Wait()
	explicit := tt
	explicit.TemplateVersion = CurrentTemplate()
	if d, err := Render(explicit, Kazakh); err != nil || d.SHA256 != first.SHA256 {
		t.Errorf("naming the current template changed the document: %v", err)
	}
}

func TestR11_ChangedAmountChangesTheHash(t *testing.T) {
	tt := testTerms(t, 12)
	a, err := Render(tt, Russian)
	if err != nil {
		t.Fatal(err)
	}
	st := tt.Schedule.Terms
	st.Amount += 100 // one tenge more
	s, err := schedule.Build(st)
	if err != nil {
		t.Fatal(err)
	}
	disc, err := gesv.OfSchedule(s)
	if err != nil {
		t.Fatal(err)
	}
	tt.Amount, tt.Schedule, tt.GESV, tt.Overpayment = st.Amount, s, disc.Rate, disc.Overpayment
	b, err := Render(tt, Russian)
	if err != nil {
		t.Fatal(err)
	}
	if a.SHA256 == b.SHA256 {
		t.Fatal("a different amount gave the same hash")
	}
	if Digest(b.Bytes) != b.SHA256 {
		t.Fatal("Digest disagrees with the document's hash")
	}
}

// FuzzRenderText puts arbitrary text where a contract prints outside data (names, purpose,
// payout). Nothing may panic, the PDF must parse, and the borrower's name must come back out of
// it as clean() makes it (no layout separator or control character survives to forge a line).
func FuzzRenderText(f *testing.F) {
	f.Add("Тестова Әсем Қанатқызы", "Кеңсе жиһазын сатып алу", "на счёт KZ…1234")
	f.Add("a|b\nR x|y", "\x00\xff", "漢字 🙂")
	f.Add(strings.Repeat("Ұзақ", 200), strings.Repeat("сөз ", 100), "x")
	base := testTerms(f, 3)
	f.Fuzz(func(t *testing.T, name, purpose, payout string) {
		if len(name)+len(purpose)+len(payout) > 2000 {
			t.Skip("the PDF reader is slow on many pages; long text is covered by the seeds")
		}
		tt := base
		tt.Borrower.FullName, tt.Purpose, tt.Payout = name, purpose, payout
		d, err := Render(tt, Kazakh)
		if err != nil {
			var fe *fault.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("not a field error: %v", err)
			}
			return
		}
		text := compact(strings.Join(pageTexts(t, d.Bytes), ""))
		if !strings.Contains(text, compact(clean(name))) {
			t.Fatalf("the name %q did not come back out (%q)", name, clean(name))
		}
	})
}

func BenchmarkRenderBoth(b *testing.B) {
	tt := testTerms(b, 12)
	if _, _, err := RenderBoth(tt); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := RenderBoth(tt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRender is one language copy, what a loan renders when the contract is first viewed.
func BenchmarkRender(b *testing.B) {
	tt := testTerms(b, 12)
	if _, err := Render(tt, Kazakh); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Render(tt, Kazakh); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderVaried renders a different contract each time (number, borrower, IIN), as
// a run of loans does: the glyphs come in another order, so the font-objects cache misses.
func BenchmarkRenderVaried(b *testing.B) {
	names := []string{"Тестова Әсем Қанатқызы", "Иванов Пётр Сергеевич", "Сериков Нұрлан Жұмабайұлы",
		"Ахметова Гүлнар Болатқызы", "Ким Юрий", "Жақсылықов Ерлан Өмірұлы", "Заемщик Тестовый Тестович"}
	base := testTerms(b, 12)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		tt := base
		tt.Number = fmt.Sprintf("MK-2026-%06d", 7919*i%1000000)
		tt.Borrower.FullName = names[i%len(names)]
		if _, err := Render(tt, Kazakh); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// A signed contract is identified by the hash of its bytes; re-rendering it from the stored
// terms must give that hash for as long as the contract lives. This pins the output of
// template 232-2025.1 (the value was recorded from the first rendering, so it proves
// stability, not correctness): if it changes, the change needs a NEW template version, not an
// edit — or the embedded font or the writer changed and stored hashes would stop matching.
// Re-recorded deliberately, before anything was signed in production: when documents began to
// embed a per-document font subset (was 81a3ca36…034c2e), and when the glyph codes became
// literal strings instead of hex (was 4ba5340b…fe813d).
func TestR11_RenderingOfAVersionNeverChanges(t *testing.T) {
	const golden = "874f380d761cad1f0dc45ff72ee9cd898c1378abd044377cc7cfbec93b0e547b"
	ru, _, err := RenderBoth(testTerms(t, 36))
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(ru.SHA256[:]); got != golden {
		t.Fatalf("template %s renders to %s, it rendered to %s before", CurrentTemplate(), got, golden)
	}
}

// The schedule prints every figure in full, also for the largest amounts a product may have.
func TestR8_1_1_LargeAmountsPrintedInFull(t *testing.T) {
	rate, _ := schedule.ParseRate("30")
	penalty, _ := schedule.ParseRate("0.5")
	st := schedule.Terms{Amount: money.Amount(86_500_000_00), Rate: rate, Term: 36, Unit: schedule.Months,
		Method: schedule.Differentiated, Start: date.Of(2026, 1, 15), DayCount: schedule.Thirty360}
	s, err := schedule.Build(st)
	if err != nil {
		t.Fatal(err)
	}
	disc, err := gesv.OfSchedule(s)
	if err != nil {
		t.Fatal(err)
	}
	tt := testTerms(t, 36)
	tt.Amount, tt.Method, tt.Schedule, tt.GESV, tt.Overpayment, tt.PenaltyDaily = st.Amount, st.Method, s, disc.Rate, disc.Overpayment, penalty
	d, err := Render(tt, Russian)
	if err != nil {
		t.Fatal(err)
	}
	text := compact(strings.Join(pageTexts(t, d.Bytes), ""))
	for _, want := range []string{"86 500 000,00 ₸", s.TotalPayment.Format("ru"), s.Rows[1].Payment.Format("ru")} {
		if !strings.Contains(text, compact(want)) {
			t.Errorf("%q is not printed in full", want)
		}
	}
}
