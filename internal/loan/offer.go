package loan

import (
	"fmt"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/gesv"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/product"
	"nesie.kz/nesie/internal/schedule"
)

// Offer is the draft schedule of one method with what the client pays (R8.3, R8.4): the
// client sees one Offer per method the product allows, side by side, and chooses one.
type Offer struct {
	Method      schedule.Method
	Schedule    *schedule.Schedule
	GESV        gesv.Rate
	Overpayment money.Amount
	// FirstPayment is the first scheduled payment (row 1); MaxPayment the largest.
	FirstPayment, MaxPayment schedule.Row
	// Charges lists every payment and transfer of obtaining, servicing and repaying the
	// credit (R8.3).
	Charges []Charge
}

// Charge is one payment the client makes or one transfer of money, named in both languages.
type Charge struct {
	Code   string
	NameRu string
	NameKk string
	Amount money.Amount
	// Note says when or how it is paid.
	NoteRu, NoteKk string
}

// Offers computes a draft schedule by every method v allows, in the product's order, for
// amount over term starting on start.
func Offers(v product.Version, amount money.Amount, term int, start date.Date) ([]Offer, error) {
	out := make([]Offer, 0, len(v.Spec.Methods))
	for _, m := range v.Spec.Methods {
		o, err := offerOf(v, amount, term, m, start)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// offerOf is the draft of one method.
func offerOf(v product.Version, amount money.Amount, term int, m schedule.Method, start date.Date) (Offer, error) {
	terms, err := v.TermsFor(amount, term, m, start)
	if err != nil {
		return Offer{}, err
	}
	s, err := schedule.Build(terms)
	if err != nil {
		return Offer{}, fmt.Errorf("draft schedule %s: %w", m, err)
	}
	d, err := gesv.OfSchedule(s)
	if err != nil {
		return Offer{}, fmt.Errorf("draft ГЭСВ %s: %w", m, err)
	}
	o := Offer{Method: m, Schedule: s, GESV: d.Rate, Overpayment: d.Overpayment}
	for _, r := range s.Rows {
		if r.N == 0 {
			continue
		}
		if o.FirstPayment.N == 0 {
			o.FirstPayment = r
		}
		if r.Payment > o.MaxPayment.Payment {
			o.MaxPayment = r
		}
	}
	o.Charges = charges(v, s)
	return o, nil
}

// charges lists the money flows of a schedule: the amount paid out, each kind of payment
// back, and the penalty that applies only on delay.
func charges(v product.Version, s *schedule.Schedule) []Charge {
	out := []Charge{
		{Code: "disbursement", NameRu: "Сумма микрокредита к получению", NameKk: "Алынатын микрокредит сомасы", Amount: s.TotalPrincipal,
			NoteRu: "перечисляется выбранным способом без комиссии для заёмщика", NoteKk: "таңдалған тәсілмен қарыз алушыға комиссиясыз аударылады"},
		{Code: "principal", NameRu: "Основной долг", NameKk: "Негізгі борыш", Amount: s.TotalPrincipal,
			NoteRu: "возвращается по графику", NoteKk: "кесте бойынша қайтарылады"},
		{Code: "interest", NameRu: "Вознаграждение", NameKk: "Сыйақы", Amount: s.TotalInterest,
			NoteRu: "по графику", NoteKk: "кесте бойынша"},
	}
	if v.Spec.UpfrontFee > 0 {
		out = append(out, Charge{Code: "upfront_fee", NameRu: "Комиссия за выдачу", NameKk: "Беру үшін комиссия", Amount: v.Spec.UpfrontFee,
			NoteRu: "единовременно при выдаче", NoteKk: "беру кезінде бір рет"})
	}
	if v.Spec.PeriodFee > 0 {
		var fees money.Amount
		for _, r := range s.Rows {
			if r.N > 0 {
				fees += r.Fee
			}
		}
		out = append(out, Charge{Code: "period_fee", NameRu: "Комиссия за обслуживание", NameKk: "Қызмет көрсету комиссиясы", Amount: fees,
			NoteRu: "в каждом платеже графика", NoteKk: "кестенің әр төлемінде"})
	}
	out = append(out, Charge{Code: "penalty", NameRu: "Неустойка", NameKk: "Тұрақсыздық айыбы", Amount: 0,
		NoteRu: "только при просрочке: " + v.Spec.PenaltyDaily.String() + " % в день от просроченной суммы",
		NoteKk: "тек мерзімі өткенде: мерзімі өткен сомадан күніне " + v.Spec.PenaltyDaily.String() + " %"})
	return out
}
