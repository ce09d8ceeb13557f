package contract

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/gesv"
	"nesie.kz/nesie/internal/schedule"
)

// testTerms is a made-up consumer loan of 500 000 ₸ at 30 % for months months, annuity,
// disbursed 15.01.2026; the client's IIN has a valid check digit (see TestFixtureIIN).
func testTerms(t testing.TB, months int) Terms {
	t.Helper()
	rate, err := schedule.ParseRate("30")
	if err != nil {
		t.Fatal(err)
	}
	penalty, err := schedule.ParseRate("0.5")
	if err != nil {
		t.Fatal(err)
	}
	st := schedule.Terms{
		Amount: 500_000_00, Rate: rate, Term: months, Unit: schedule.Months,
		Method: schedule.Annuity, Start: date.Of(2026, 1, 15), DayCount: schedule.Thirty360,
		UpfrontFee: 1_000_00,
	}
	s, err := schedule.Build(st)
	if err != nil {
		t.Fatal(err)
	}
	d, err := gesv.OfSchedule(s)
	if err != nil {
		t.Fatal(err)
	}
	return Terms{
		Number: "MK-2026-000123", Date: date.Of(2026, 1, 14),
		MFO: Party{
			Name: "ТОО «МФО Пример»", BIN: "150340012340",
			LegalAddress: "г. Алматы, пр. Примерный, 1", Phones: "+7 727 000 00 00",
			Email: "info@example.kz", HeadName: "Директор Примеров",
		},
		Borrower: Borrower{
			FullName: "Тестова Әсем Қанатқызы", IIN: "850305400120",
			IDDocument: "удостоверение личности № 012345678", Phone: "+7 701 000 00 00", Kind: "individual",
		},
		ProductNameRu: "Онлайн-микрокредит", ProductNameKk: "Онлайн микрокредит",
		Consumer: true, Purpose: "Кеңсе жиһазын сатып алу",
		Amount: st.Amount, Term: months, Unit: schedule.Months, AnnualRate: rate,
		GESV: d.Rate, Overpayment: d.Overpayment, PenaltyDaily: penalty,
		Method: schedule.Annuity, Schedule: s,
		Payout: "на счёт KZ…1234", CoolingOff: true,
	}
}

// pageTexts extracts the text of every page with the PDF library (ToUnicode maps).
func pageTexts(t testing.TB, b []byte) []string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the PDF does not parse: %v", err)
	}
	var out []string
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			t.Fatalf("page %d missing", i)
		}
		var sb strings.Builder
		for _, tx := range p.Content().Text {
			sb.WriteString(tx.S)
		}
		out = append(out, sb.String())
	}
	return out
}

// shown is one string a page draws and the font size in force (the last Tf before it).
type shown struct {
	text string
	font string
	size float64
}

// shownStrings interprets the content stream of page n itself: it follows the Tf operators
// and decodes each Tj string with the ToUnicode map of the font in force, through the library.
func shownStrings(t testing.TB, b []byte, n int) []shown {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	page := r.Page(n)
	var out []shown
	size, font := 0.0, ""
	var enc pdf.TextEncoding
	pdf.Interpret(page.V.Key("Contents"), func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "Tf":
			if len(args) == 2 {
				font, size = args[0].Name(), args[1].Float64()
				f := page.Font(font)
				enc = f.Encoder()
			}
		case "Tj":
			if len(args) == 1 && enc != nil {
				out = append(out, shown{enc.Decode(args[0].RawString()), font, size})
			}
		}
	})
	return out
}
