package contract

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/gesv"
	"nesie.kz/nesie/internal/kz"
)

func TestFixtureIIN(t *testing.T) {
	if _, err := kz.ParseIIN(testTerms(t, 12).Borrower.IIN); err != nil {
		t.Fatalf("the made-up IIN must carry a valid check digit: %v", err)
	}
}

// The fixture's disclosure, checked once so that the literals below mean what they say.
func TestFixtureDisclosure(t *testing.T) {
	tt := testTerms(t, 12)
	if tt.GESV.Permille() <= 300 {
		t.Fatalf("ГЭСВ %s must exceed the nominal 30 %% (there is a fee)", tt.GESV)
	}
}

func TestR8_1_1_FirstPageIsTheFullCostBlock(t *testing.T) {
	tt := testTerms(t, 12)
	gesvDigits := fmt.Sprintf("%d,%d %%", tt.GESV.Permille()/10, tt.GESV.Permille()%10)
	for _, c := range []struct {
		lang  Lang
		want  []string
		words string
	}{
		{Russian, []string{"Информация о полной стоимости микрокредита", "Сумма микрокредита", "500 000,00 ₸",
			"12 месяцев", "потребительский", "Номинальная ставка", "30 %", "ГЭСВ", "Сумма переплаты",
			"0,5 % от суммы просроченного платежа", "аннуитетный", "Дата и сумма первого платежа", "15.02.2026",
			"Кеңсе жиһазын сатып алу", "без обеспечения"}, ruPercentWords(tt.GESV.Permille())},
		{Kazakh, []string{"Микрокредиттің толық құны туралы ақпарат", "Микрокредит сомасы", "500 000,00 ₸",
			"12 ай", "тұтынушылық", "номиналды жылдық", "жылдық 30 %", "ЖТСМ", "артық төлем сомасы",
			"Тұрақсыздық айыбының", "аннуитеттік", "Бірінші төлемнің", "15.02.2026", "қамтамасыз етусіз"}, kkPercentWords(tt.GESV.Permille())},
	} {
		d, err := Render(tt, c.lang)
		if err != nil {
			t.Fatal(err)
		}
		page1 := compact(pageTexts(t, d.Bytes)[0])
		for _, w := range append(c.want, gesvDigits, tt.Overpayment.Format("ru"), c.words) {
			if !strings.Contains(page1, compact(w)) {
				t.Errorf("%s: page 1 lacks %q", c.lang, w)
			}
		}
	}
}

func TestR8_1_1_KazakhLettersSurviveExactly(t *testing.T) {
	_, kk, err := RenderBoth(testTerms(t, 12))
	if err != nil {
		t.Fatal(err)
	}
	text := compact(strings.Join(pageTexts(t, kk.Bytes), ""))
	for _, r := range "әғқңөұүһіӘҚҰ" {
		if !strings.ContainsRune(text, r) {
			t.Errorf("the Kazakh text lost %q (U+%04X)", r, r)
		}
	}
	for _, phrase := range []string{"Қарыз алушы", "Шарттың нысанасы", "мемлекет қатысатын кредиттік бюроға", "Кеңсе жиһазын сатып алу"} {
		if !strings.Contains(text, compact(phrase)) {
			t.Errorf("the Kazakh text lacks %q", phrase)
		}
	}
}

// The ГЭСВ is set like the nominal rate (FACTS.md §1.1: same font, same size): read from the
// content stream, the Tf in force for both strings is the same.
func TestR8_1_1_GESVInTheSameFontAndSizeAsTheNominalRate(t *testing.T) {
	tt := testTerms(t, 12)
	for _, lang := range []Lang{Russian, Kazakh} {
		d, err := Render(tt, lang)
		if err != nil {
			t.Fatal(err)
		}
		var nominal, effective *shown
		strs := shownStrings(t, d.Bytes, 1)
		for i := range strs {
			s := &strs[i]
			switch {
			case s.text == "30 %" || s.text == "жылдық 30 %":
				nominal = s
			case strings.HasPrefix(s.text, fmt.Sprintf("%d,%d %%", tt.GESV.Permille()/10, tt.GESV.Permille()%10)):
				effective = s
			}
		}
		if nominal == nil || effective == nil {
			t.Fatalf("%s: nominal rate %v or ГЭСВ %v not found on page 1", lang, nominal, effective)
		}
		if nominal.size != effective.size || nominal.font != effective.font || effective.size < bodySize {
			t.Errorf("%s: nominal rate in %s %.1f pt, ГЭСВ in %s %.1f pt", lang, nominal.font, nominal.size, effective.font, effective.size)
		}
	}
}

func TestR8_1_1_ScheduleSpansPagesWithEveryRowAndHeader(t *testing.T) {
	tt := testTerms(t, 36)
	ru, kk, err := RenderBoth(tt)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		d              Document
		header, totals string
	}{{ru, "Дата платежа", "Итого"}, {kk, "Төлем күні", "Барлығы"}} {
		pages := pageTexts(t, c.d.Bytes)
		for i := range pages {
			pages[i] = compact(pages[i])
		}
		rowsOn := make([]int, len(pages))
		for m := 1; m <= 36; m++ {
			// A row reads "<n><date><payment>…" once the cells are joined; the payment is
			// the level annuity except the last, so n and date identify the row.
			due := date.Of(2026, 1, 15).AddMonths(m)
			cell := compact(fmt.Sprintf("%d%s", m, dmy(due)))
			found := 0
			for i, p := range pages {
				if n := strings.Count(p, cell); n > 0 {
					found += n
					rowsOn[i]++
				}
			}
			if found != 1 {
				t.Errorf("%s: row %d (%s) found %d times", c.d.Lang, m, dmy(due), found)
			}
		}
		pagesWithRows := 0
		for i, n := range rowsOn {
			if n > 0 {
				pagesWithRows++
				if !strings.Contains(pages[i], compact(c.header)) {
					t.Errorf("%s: page %d has schedule rows but no header", c.d.Lang, i+1)
				}
			}
		}
		if pagesWithRows < 2 {
			t.Errorf("%s: the 36-month schedule should run over pages; rows per page %v", c.d.Lang, rowsOn)
		}
		last := pages[len(pages)-1]
		if !strings.Contains(last, c.totals+compact(tt.Schedule.TotalPayment.Format("ru"))) {
			t.Errorf("%s: the totals row is missing on the last page", c.d.Lang)
		}
	}
}

func TestR8_1_1_MandatoryConditions(t *testing.T) {
	tt := testTerms(t, 12)
	d, err := Render(tt, Russian)
	if err != nil {
		t.Fatal(err)
	}
	text := compact(strings.Join(pageTexts(t, d.Bytes), ""))
	for _, w := range []string{"ТОО «МФО Пример»", "150340012340", "Тестова Әсем Қанатқызы", "850305400120",
		"в следующей очерёдности", "досрочно погасить", "финансовому омбудсману",
		"Агентство Республики Казахстан по регулированию и развитию финансового рынка",
		"кредитные бюро", "на счёт KZ…1234"} {
		if !strings.Contains(text, compact(w)) {
			t.Errorf("the contract lacks %q", w)
		}
	}
}

func TestR9_1_CoolingOffParagraphOnlyWhenItApplies(t *testing.T) {
	const ru, kk = "не ранее чем через 24 (двадцать четыре) часа", "24 (жиырма төрт) сағаттан ерте емес"
	for _, on := range []bool{true, false} {
		tt := testTerms(t, 12)
		tt.CoolingOff = on
		r, k, err := RenderBoth(tt)
		if err != nil {
			t.Fatal(err)
		}
		rt := compact(strings.Join(pageTexts(t, r.Bytes), ""))
		kt := compact(strings.Join(pageTexts(t, k.Bytes), ""))
		if strings.Contains(rt, compact(ru)) != on || strings.Contains(kt, compact(kk)) != on {
			t.Errorf("cooling-off %v: paragraph present ru=%v kk=%v", on, strings.Contains(rt, compact(ru)), strings.Contains(kt, compact(kk)))
		}
		if on && (!strings.Contains(rt, compact("бесплатно отказаться")) || !strings.Contains(kt, compact("тегін бас тартуға"))) {
			t.Error("the free cancellation before payout is not stated")
		}
	}
}

func TestRenderRefusesBadTermsNamingTheField(t *testing.T) {
	for _, c := range []struct {
		field string
		lang  Lang
		edit  func(*Terms)
	}{
		{"schedule", Russian, func(t *Terms) { t.Schedule = nil }},
		{"amount", Russian, func(t *Terms) { t.Amount = 0 }},
		{"lang", "en", func(*Terms) {}},
		{"lang", "", func(*Terms) {}},
		{"template_version", Kazakh, func(t *Terms) { t.TemplateVersion = "232-1999.9" }},
		{"template_version", Kazakh, func(t *Terms) { t.TemplateVersion = "../232-2025.1" }},
		{"number", Russian, func(t *Terms) { t.Number = " " }},
		{"borrower.kind", Russian, func(t *Terms) { t.Borrower.Kind = "company" }},
		{"gesv", Russian, func(t *Terms) { t.GESV = gesv.FromPermille(t.GESV.Permille() - 1) }},
		{"overpayment", Russian, func(t *Terms) { t.Overpayment-- }},
		{"schedule", Russian, func(t *Terms) { t.Amount += 100 }},
		{"method", Russian, func(t *Terms) { t.Method = 0 }},
	} {
		tt := testTerms(t, 12)
		c.edit(&tt)
		_, err := Render(tt, c.lang)
		var fe *fault.FieldError
		if !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("want a field error on %q, got %v", c.field, err)
		}
	}
}

func TestSplitWordsKeepsAmountsWhole(t *testing.T) {
	got := splitWords("сумма 1 234 567,89 ₸ на 12 месяцев")
	want := []string{"сумма", "1 234 567,89 ₸", "на", "12", "месяцев"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
}

// compact drops all white space: lines of a wrapped paragraph come out of the PDF joined
// without a space, so phrases are compared without spaces.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
