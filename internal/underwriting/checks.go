package underwriting

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"nesie.kz/nesie/internal/bureau"
	"nesie.kz/nesie/internal/date"
)

// assessment is the result of the checks, before it is recorded.
type assessment struct {
	outcome  Outcome
	reasons  []Reason
	score    int
	risk     RiskLevel
	steps    []Step
	reportID string
}

func (a *assessment) step(st Step) { a.steps = append(a.steps, st) }

func (a *assessment) refuse(r Reason) { a.outcome, a.reasons = Refused, append(a.reasons, r) }

func (a *assessment) review(r Reason) { a.reasons = append(a.reasons, r) }

// check runs the checks in order, calling the outside services (none of it in a
// transaction). It stops at the first refusal: a person refused on AML grounds is not
// reported on by the bureau, nor sent to anti-fraud. The risk level is weighed right after the
// screening, since it uses the screening's finding. Any service error ends the assessment
// with that error and no decision.
func (s *Service) check(ctx context.Context, r Request) (assessment, error) {
	var a assessment
	aml, err := s.aml.ScreenAML(ctx, r.Person)
	if err != nil {
		return a, fmt.Errorf("underwriting: AML screening: %w", err)
	}
	a.step(Step{Name: StepAML, Passed: !aml.Hit && !aml.Review, Detail: screenDetail("AML/CFT screening", aml), Evidence: aml.Evidence, At: s.now()})
	if aml.Hit {
		// A person on a list is at the highest risk by definition: no factor is weighed, the
		// AML step is the evidence.
		a.risk = RiskHigh
		a.refuse(Reason{Code: ReasonAMLMatch, Law: LawAML, Text: "The applicant matches a list kept under the AML/CFT law."})
		return a, nil
	}
	if aml.Review {
		a.review(Reason{Code: ReasonAMLReview, Law: LawAML, Text: "A possible AML/CFT list match needs a compliance officer's review."})
	}
	s.riskLevel(&a, r, aml)

	rep, err := s.bureau.Report(ctx, r.Person.IIN)
	if err != nil {
		return a, fmt.Errorf("underwriting: credit bureau: %w", err)
	}
	a.reportID = rep.ID
	a.step(Step{Name: StepBureau, Passed: true, Evidence: rep.Raw, Signature: rep.Signature, At: s.now(),
		Detail: fmt.Sprintf("Credit report %s made %s: %d credit(s).", rep.ID, rep.MadeAt.Format("2006-01-02 15:04:05Z07:00"), len(rep.Credits))})

	if !s.voluntaryRefusal(&a, rep) || !s.overdue(&a, r, rep) {
		return a, nil
	}
	dti, ok := s.debtToIncome(&a, r, rep)
	if !ok {
		return a, nil
	}

	fraud, err := s.fraud.CheckFraud(ctx, r.Person, r.Amount)
	if err != nil {
		return a, fmt.Errorf("underwriting: anti-fraud: %w", err)
	}
	a.step(Step{Name: StepAntifraud, Passed: !fraud.Hit && !fraud.Review, Detail: screenDetail("Anti-fraud check", fraud), Evidence: fraud.Evidence, At: s.now()})
	if fraud.Hit {
		a.refuse(Reason{Code: ReasonFraudSuspected, Law: LawInternal, Text: "The anti-fraud system refused the application."})
		return a, nil
	}
	if fraud.Review {
		a.review(Reason{Code: ReasonFraudReview, Law: LawInternal, Text: "The anti-fraud system asks for an analyst's review."})
	}
	s.score(&a, r, rep, dti)
	return a, nil
}

// voluntaryRefusal: the person's own refusal of loans, held by the bureau, is a hard stop —
// secured or not, refinancing or not.
func (s *Service) voluntaryRefusal(a *assessment, rep bureau.Report) bool {
	ev, _ := json.Marshal(map[string]any{"report_id": rep.ID, "voluntary_refusal": rep.VoluntaryRefusal, "since": sinceOrNil(rep)})
	st := Step{Name: StepVoluntaryRefusal, Passed: !rep.VoluntaryRefusal, Evidence: ev, At: s.now(), Detail: "No voluntary refusal of loans is registered."}
	if rep.VoluntaryRefusal {
		st.Detail = fmt.Sprintf("The person registered a voluntary refusal of loans on %s.", rep.RefusalSince)
		a.step(st)
		a.refuse(Reason{Code: "voluntary_refusal", Law: LawMicrofinance, Text: "The person has registered a voluntary refusal of loans with the credit bureau."})
		return false
	}
	a.step(st)
	return true
}

func sinceOrNil(rep bureau.Report) any {
	if !rep.VoluntaryRefusal {
		return nil
	}
	return rep.RefusalSince.String()
}

// overdue: no new unsecured loan to a person with a credit overdue longer than the limit
// (90 days), unless the loan refinances. The rule counts the overdue now, on any credit.
func (s *Service) overdue(a *assessment, r Request, rep bureau.Report) bool {
	worst := 0
	for _, c := range rep.Credits {
		worst = max(worst, c.DaysOverdue)
	}
	exempt := r.Secured || r.Refinancing
	over := worst > s.cfg.MaxOverdueDays
	ev, _ := json.Marshal(map[string]any{"report_id": rep.ID, "max_days_overdue_now": worst, "limit": s.cfg.MaxOverdueDays, "secured": r.Secured, "refinancing": r.Refinancing})
	st := Step{Name: StepOverdue90, Passed: !over || exempt, Evidence: ev, At: s.now()}
	switch {
	case !over:
		st.Detail = fmt.Sprintf("Longest overdue now: %d days (limit %d).", worst, s.cfg.MaxOverdueDays)
	case r.Refinancing:
		st.Detail = fmt.Sprintf("Overdue %d days exceeds %d, but the loan refinances: the rule does not apply.", worst, s.cfg.MaxOverdueDays)
	case r.Secured:
		st.Detail = fmt.Sprintf("Overdue %d days exceeds %d, but the loan is secured: the rule does not apply.", worst, s.cfg.MaxOverdueDays)
	default:
		st.Detail = fmt.Sprintf("Overdue %d days exceeds %d on an unsecured loan.", worst, s.cfg.MaxOverdueDays)
	}
	a.step(st)
	if over && !exempt {
		a.refuse(Reason{Code: "overdue_over_90", Law: LawMicrofinance, Text: fmt.Sprintf("No unsecured microcredit may be granted with a debt overdue more than %d days.", s.cfg.MaxOverdueDays)})
		return false
	}
	return true
}

// debtToIncome: the monthly payments of the credits still owed plus the new payment, over the
// declared income, must not exceed the limit. Computed in big integers: a report of many
// large credits times 1000 can pass int64. It returns the ratio in ‰ (capped for scoring).
func (s *Service) debtToIncome(a *assessment, r Request, rep bureau.Report) (int, bool) {
	existing := new(big.Int)
	for _, c := range rep.Credits {
		if c.Outstanding > 0 {
			existing.Add(existing, big.NewInt(c.MonthlyPayment.Tiyn()))
		}
	}
	total := new(big.Int).Add(existing, big.NewInt(r.MonthlyPayment.Tiyn()))
	income := big.NewInt(r.MonthlyIncome.Tiyn())
	// over ⇔ total·1000 > limit·income (no division, no rounding at the edge)
	lhs := new(big.Int).Mul(total, big.NewInt(1000))
	rhs := new(big.Int).Mul(big.NewInt(int64(s.cfg.MaxDTIPermille)), income)
	over := lhs.Cmp(rhs) > 0
	permille := 1 << 30 // no income: the ratio is unbounded
	if income.Sign() > 0 {
		q := new(big.Int).Quo(lhs, income)
		if q.IsInt64() && q.Int64() < 1<<30 {
			permille = int(q.Int64())
		}
	}
	ev, _ := json.Marshal(map[string]any{"report_id": rep.ID, "existing_monthly_tiyn": existing.String(), "new_monthly_tiyn": r.MonthlyPayment.Tiyn(),
		"income_tiyn": r.MonthlyIncome.Tiyn(), "dti_permille": permille, "limit_permille": s.cfg.MaxDTIPermille})
	a.step(Step{Name: StepDTI, Passed: !over, Evidence: ev, At: s.now(),
		Detail: fmt.Sprintf("Debt-to-income %d‰ (limit %d‰).", permille, s.cfg.MaxDTIPermille)})
	if over {
		a.refuse(Reason{Code: "dti_exceeded", Law: LawInternal, Text: fmt.Sprintf("Monthly payments would exceed %d‰ of the declared income.", s.cfg.MaxDTIPermille)})
		return permille, false
	}
	return permille, true
}

// score runs the scorecard and settles the outcome: a review asked by AML or anti-fraud
// stands whatever the score; otherwise the score decides.
func (s *Service) score(a *assessment, r Request, rep bureau.Report, dti int) {
	birth := r.Person.BirthDate
	if birth == (date.Date{}) {
		birth = r.Person.IIN.BirthDate()
	}
	attrs := Attributes{Age: fullYears(birth, date.In(s.now())), DTIPermille: dti, Secured: r.Secured}
	for _, c := range rep.Credits {
		attrs.MaxOverdue12m = max(attrs.MaxOverdue12m, c.MaxDaysOverdue12m)
		if c.Outstanding > 0 {
			attrs.OpenCredits++
		}
	}
	card := s.cfg.Scorecard
	pts := card.Score(attrs)
	byScore := card.Outcome(pts.Score)
	ev, _ := json.Marshal(pts)
	a.step(Step{Name: StepScorecard, Passed: byScore == Approved, Evidence: ev, At: s.now(),
		Detail: fmt.Sprintf("Score %d: approve at %d, refuse below %d.", pts.Score, card.ApproveAt, card.RefuseBelow)})
	a.score = pts.Score
	switch {
	case len(a.reasons) > 0:
		a.outcome = Review
	case byScore == Refused:
		a.refuse(Reason{Code: "score_too_low", Law: LawInternal, Text: fmt.Sprintf("The credit score %d is below %d.", pts.Score, card.RefuseBelow)})
	case byScore == Review:
		a.outcome = Review
		a.review(Reason{Code: "score_review", Law: LawInternal, Text: fmt.Sprintf("The credit score %d needs an underwriter's review.", pts.Score)})
	default:
		a.outcome = Approved
	}
}

// fullYears is the age in completed years on day at.
func fullYears(birth, at date.Date) int {
	by, bm, bd := birth.YMD()
	y, m, d := at.YMD()
	age := y - by
	if m < bm || (m == bm && d < bd) {
		age--
	}
	return age
}

func screenDetail(what string, r ScreenResult) string {
	verdict := "clear"
	switch {
	case r.Hit:
		verdict = "hit"
	case r.Review:
		verdict = "needs review"
	}
	if r.Summary == "" {
		return what + ": " + verdict + "."
	}
	return what + ": " + verdict + ". " + r.Summary
}

// now is the time a step is made, to the microsecond the database keeps.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }
