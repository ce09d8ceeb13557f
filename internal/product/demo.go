package product

import (
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

// DemoSpecs returns the products the demo seeds, each within the caps in force from
// 16.06.2025 (ГЭСВ ≤ 46 %; short-term ≤ 45 days and ≤ 45 МРП at a daily rate below 0.3 %):
//
//   - consumer-12: an unsecured consumer loan of 50 000–1 000 000 ₸ over 3–24 months at 30 %
//     a year with a 500 ₸ fee at disbursement, annuity or differentiated;
//   - payday-30: a short consumer loan of 5 000–150 000 ₸ over 5–30 days at 0.25 % a day
//     (91.25 % a year, actual/365), repaid in one payment;
//   - business-36: a loan to entrepreneurs and legal entities of 200 000–5 000 000 ₸ over
//     6–36 months at 28 % a year, annuity, differentiated or interest-only (bullet).
//
// The penalty is 0.1 % of the overdue amount a day in all three.
func DemoSpecs() []Spec {
	return []Spec{
		{
			Code: "consumer-12", NameRu: "Потребительский кредит", NameKk: "Тұтынушылық несие",
			Kind: Consumer, Borrowers: []client.Kind{client.Individual, client.Entrepreneur},
			MinAmount: tenge(50_000), MaxAmount: tenge(1_000_000),
			Unit: schedule.Months, MinTerm: 3, MaxTerm: 24,
			AnnualRate: rate(30_000_000), UpfrontFee: tenge(500),
			Methods:  []schedule.Method{schedule.Annuity, schedule.Differentiated},
			DayCount: schedule.Thirty360, PenaltyDaily: rate(100_000),
		},
		{
			Code: "payday-30", NameRu: "Краткосрочный заём до зарплаты", NameKk: "Жалақыға дейінгі қысқа мерзімді қарыз",
			Kind: Consumer, Borrowers: []client.Kind{client.Individual},
			MinAmount: tenge(5_000), MaxAmount: tenge(150_000),
			Unit: schedule.Days, MinTerm: 5, MaxTerm: 30,
			AnnualRate: rate(91_250_000),
			Methods:    []schedule.Method{schedule.Single},
			DayCount:   schedule.Actual365, PenaltyDaily: rate(100_000),
		},
		{
			Code: "business-36", NameRu: "Кредит для бизнеса", NameKk: "Бизнеске арналған несие",
			Kind: Business, Borrowers: []client.Kind{client.Entrepreneur, client.LegalEntity},
			MinAmount: tenge(200_000), MaxAmount: tenge(5_000_000),
			Unit: schedule.Months, MinTerm: 6, MaxTerm: 36,
			AnnualRate: rate(28_000_000),
			Methods:    []schedule.Method{schedule.Annuity, schedule.Differentiated, schedule.Bullet},
			DayCount:   schedule.Thirty360, PenaltyDaily: rate(100_000),
		},
	}
}

// tenge and rate build the demo's literals; the values are constants well inside every
// limit, so an error here is a programming error caught by the demo tests.
func tenge(t int64) money.Amount { return money.Amount(t * money.TiynPerTenge) }

func rate(micro int64) schedule.Rate {
	r, err := schedule.NewRate(micro)
	if err != nil {
		panic("product: demo rate " + err.Error())
	}
	return r
}
