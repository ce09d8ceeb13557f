package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"nesie.kz/nesie/internal/aml"
	"nesie.kz/nesie/internal/antifraud"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/underwriting"
)

// amlScreen lets underwriting screen an applicant against the AML/CFT lists (R8.1, R10).
type amlScreen struct{ s *aml.Service }

// ScreenAML implements underwriting.AMLScreen; the evidence is the screening's result as
// JSON: the lists' versions screened against and every match.
func (a amlScreen) ScreenAML(ctx context.Context, p underwriting.Person) (underwriting.ScreenResult, error) {
	r, err := a.s.Screen(ctx, aml.Subject{FullName: p.FullName, BirthDate: p.BirthDate, IIN: p.IIN})
	if err != nil {
		return underwriting.ScreenResult{}, err
	}
	evidence, err := json.Marshal(r)
	if err != nil {
		return underwriting.ScreenResult{}, err
	}
	summary := fmt.Sprintf("screened against %s: %d match(es)", strings.Join(r.ListVersions, ", "), len(r.Matches))
	return underwriting.ScreenResult{Hit: r.Hit, Review: r.Review, Summary: summary, Evidence: evidence}, nil
}

// fraudCheck lets underwriting ask the anti-fraud decision (R8-2).
type fraudCheck struct{ d antifraud.Decider }

// CheckFraud implements underwriting.FraudCheck.
func (f fraudCheck) CheckFraud(ctx context.Context, p underwriting.Person, amount money.Amount) (underwriting.ScreenResult, error) {
	d, err := f.d.Decide(ctx, antifraud.Subject{ClientID: p.ClientID, IIN: p.IIN, Phone: p.Phone, Amount: amount, Stage: "application"})
	if err != nil {
		return underwriting.ScreenResult{}, err
	}
	evidence, err := json.Marshal(d)
	if err != nil {
		return underwriting.ScreenResult{}, err
	}
	return underwriting.ScreenResult{Hit: d.Outcome == antifraud.Deny, Review: d.Outcome == antifraud.Review,
		Summary: string(d.Outcome) + ": " + strings.Join(d.Reasons, ", "), Evidence: evidence}, nil
}
