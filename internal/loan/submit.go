package loan

import (
	"context"
	"errors"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/underwriting"
)

// Submit sends a draft to the checks and the decision (R8.1, R10). The outside checks run
// outside any transaction; underwriting records them and calls Decided in the transaction
// of its decision. A check that cannot run (the bureau is down) puts the loan back to draft
// for the client to submit again: nothing is decided on missing evidence.
func (s *Service) Submit(ctx context.Context, clientID, id string) (Loan, error) {
	if s.assess == nil {
		return Loan{}, errors.New("loan: underwriting not attached")
	}
	var l Loan
	var c client.Client
	var req underwriting.Request
	err := s.guarded(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if l, c, err = s.ownedWithClient(ctx, tx, clientID, id); err != nil {
			return err
		}
		if l.Status != Draft {
			return errWrongStatus(l.Status, "be submitted")
		}
		pay, err := s.payoutOf(ctx, tx, l)
		if err != nil {
			return err
		}
		if pay.Kind == PayoutNone {
			return fault.Field("payout_kind", "choose how to receive the money before submitting (R8.6)")
		}
		if err := activeClient(c); err != nil {
			return err
		}
		if req, err = s.requestOf(ctx, tx, l, c); err != nil {
			return err
		}
		if err := move(ctx, tx, l.ID, Draft, Assessing, ""); err != nil {
			return err
		}
		l.Status = Assessing
		return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.submitted", ObjectType: "loan", ObjectID: l.ID,
			Reason: "the client submitted the application", Change: map[string]any{"status": string(Assessing)}})
	})
	if err != nil {
		return Loan{}, err
	}
	// Decided, called back in the decision's transaction, takes the loan and the client as read
	// here instead of reading them again: its move is guarded by the status they were read in.
	d, err := s.assess.Assess(withSubmitted(ctx, l, c), req)
	if err != nil {
		// No decision: back to draft, recorded, and the reason returned.
		if berr := s.guarded(ctx, func(ctx context.Context, tx *store.Tx) error {
			if err := move(ctx, tx, l.ID, Assessing, Draft, "status_reason = $3", "assessment_failed"); err != nil {
				return err
			}
			return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.assessment_failed", ObjectType: "loan", ObjectID: l.ID,
				Reason: "a check could not run; the application is back to draft", Change: map[string]any{"code": fault.Code(err)}})
		}); berr != nil {
			return Loan{}, errors.Join(err, berr)
		}
		return Loan{}, err
	}
	// Decided moved the loan in the decision's transaction; say where without reading it back.
	l.Status, l.StatusReason = statusOf(d), ""
	if l.Status != Offered {
		l.StatusReason = joinCodes(reasonCodes(d))
	}
	return l, nil
}

// submittedKey carries the loan and client Submit read to its Decided hook.
type submittedKey struct{}

type submitted struct {
	loan   Loan
	client client.Client
}

func withSubmitted(ctx context.Context, l Loan, c client.Client) context.Context {
	return context.WithValue(ctx, submittedKey{}, submitted{loan: l, client: c})
}

// submittedIn returns what Submit carried for application id, if it did.
func submittedIn(ctx context.Context, id string) (Loan, client.Client, bool) {
	v, ok := ctx.Value(submittedKey{}).(submitted)
	if !ok || v.loan.ID != id {
		return Loan{}, client.Client{}, false
	}
	return v.loan, v.client, true
}

// statusOf is where a decision puts a loan.
func statusOf(d underwriting.Decision) Status {
	switch d.Outcome {
	case underwriting.Approved:
		return Offered
	case underwriting.Refused:
		return Refused
	}
	return Review
}

func reasonCodes(d underwriting.Decision) []string {
	codes := make([]string, len(d.Reasons))
	for i, r := range d.Reasons {
		codes[i] = r.Code
	}
	return codes
}

// requestOf is what underwriting assesses for l of c.
func (s *Service) requestOf(ctx context.Context, tx *store.Tx, l Loan, c client.Client) (underwriting.Request, error) {
	v, err := s.Products.Terms(ctx, tx, l.ProductVersionID)
	if err != nil {
		return underwriting.Request{}, err
	}
	o, err := offerOf(v, l.Amount, l.Term, l.Method, today(tx))
	if err != nil {
		return underwriting.Request{}, err
	}
	monthly := o.MaxPayment.Payment
	if l.Unit == schedule.Days {
		// A loan in days is repaid within a month or so: its whole repayment weighs on one
		// month's income.
		monthly = o.Schedule.TotalPayment
	}
	return underwriting.Request{
		ApplicationID: l.ID,
		Person: underwriting.Person{ClientID: c.ID, Kind: string(c.Kind), IIN: c.IIN, FullName: c.FullName,
			BirthDate: c.IIN.BirthDate(), Phone: c.Phone},
		Amount: l.Amount, Consumer: l.Consumer, Secured: l.Secured, Refinancing: l.Payout.Kind == PayoutRefinance && !l.HasParent(),
		MonthlyPayment: monthly, MonthlyIncome: l.MonthlyIncome, ProductCode: v.Code,
	}, nil
}

// Decided is underwriting's hook: it moves the loan in the decision's transaction. Approval
// issues the contract at once, so an approved loan always has its contract to show (R7.3).
func (s *Service) Decided(ctx context.Context, tx *store.Tx, d underwriting.Decision) error {
	l, c, carried := submittedIn(ctx, d.ApplicationID)
	if !carried {
		var err error
		if l, err = s.load(ctx, tx, d.ApplicationID); err != nil {
			return err
		}
		if c, err = s.Clients.Find(ctx, tx, l.ClientID); err != nil {
			return err
		}
	}
	codes := reasonCodes(d)
	switch d.Outcome {
	case underwriting.Approved:
		return s.issueContract(ctx, tx, l, c)
	case underwriting.Refused:
		if err := move(ctx, tx, l.ID, l.Status, Refused, "status_reason = $3", joinCodes(codes)); err != nil {
			return err
		}
		return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.refused", ObjectType: "loan", ObjectID: l.ID,
			Reason: "the decision is a refusal (R10)", Change: map[string]any{"reasons": codes, "decided_by": d.DecidedBy}})
	case underwriting.Review:
		if err := move(ctx, tx, l.ID, l.Status, Review, "status_reason = $3", joinCodes(codes)); err != nil {
			return err
		}
		return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.in_review", ObjectType: "loan", ObjectID: l.ID,
			Reason: "staff review required", Change: map[string]any{"reasons": codes}})
	}
	return errors.New("loan: unknown decision outcome " + string(d.Outcome))
}

func joinCodes(codes []string) string {
	out := ""
	for i, c := range codes {
		if i > 0 {
			out += ","
		}
		out += c
	}
	return out
}

// sameDayTotal is the total of the client's other unsecured consumer credits signed on day
// and still standing (not cancelled, annulled or refused), for R9-1.2.
func sameDayTotal(ctx context.Context, tx *store.Tx, clientID, day, except string) (money.Amount, error) {
	var total money.Amount
	err := tx.QueryBatch(ctx, sameDayTotalQuery(clientID, day, except, &total))
	return total, err
}

// sameDayTotalQuery is sameDayTotal as one read of a batch: into is set when the batch runs.
func sameDayTotalQuery(clientID, day, except string, into *money.Amount) store.Query {
	return store.Query{SQL: `SELECT COALESCE(SUM(amount), 0) FROM loan
		WHERE client_id = $1 AND signing_day = $2 AND id <> $3 AND consumer = 1 AND secured = 0
		AND status NOT IN ('cancelled', 'annulled', 'refused', 'line_open')`, Args: []any{clientID, day, except},
		Row: func(one store.Row) error {
			var total int64
			err := one.Scan(&total)
			*into = money.Amount(total)
			return err
		}}
}
