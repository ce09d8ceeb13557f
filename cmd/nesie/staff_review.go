package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"nesie.kz/nesie/internal/app"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/payout"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/underwriting"
)

// listReviewQueue is `nesie staff review-queue`: the applications the checks could not decide
// alone, oldest first, with the customer's AML/CFT risk level (R8.1: a high one asks for
// enhanced due diligence) and the votes they still need.
func listReviewQueue(staffInput) (staffAction, error) {
	return func(ctx context.Context, svc *app.Services) (string, error) {
		var queue []underwriting.QueueItem
		err := svc.DB().Read(ctx, func(ctx context.Context, tx *store.Tx) (err error) {
			queue, err = svc.Underwriting.Queue(ctx, tx)
			return err
		})
		if err != nil {
			return "", err
		}
		if len(queue) == 0 {
			return "no application awaits review\n", nil
		}
		var out strings.Builder
		w := tabwriter.NewWriter(&out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "LOAN\tCLIENT\tPRODUCT\tAMOUNT\tSCORE\tRISK\tAPPROVALS\tSINCE\tWHY")
		for _, q := range queue {
			why := make([]string, len(q.Reasons))
			for i, r := range q.Reasons {
				why[i] = r.Code
			}
			risk := string(q.RiskLevel)
			if risk == "" {
				risk = "-" // decided before the level was kept
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\t%d of %d\t%s\t%s\n", q.ApplicationID, q.ClientID, q.ProductCode, q.Amount,
				q.Score, risk, q.Approvals, q.Needed, q.Since.Format("2006-01-02 15:04"), strings.Join(why, ","))
		}
		err = w.Flush() // before out is read
		return out.String(), err
	}, nil
}

// reviewApplication is `nesie staff review`: one staff member's vote on an application in
// review. Above the configured amount an approval needs a second, different staff member.
func reviewApplication(in staffInput) (staffAction, error) {
	approve, refuse := *in.on["approve"], *in.on["refuse"]
	if approve == refuse {
		return nil, fault.Field("approve", "give exactly one of --approve and --refuse")
	}
	return func(ctx context.Context, svc *app.Services) (string, error) {
		loan := in.get("loan")
		d, err := svc.Underwriting.Review(ctx, loan, in.staff, approve, in.get("reason"))
		if err != nil {
			return "", err
		}
		if d.Outcome == underwriting.Review {
			return fmt.Sprintf("loan %s: approval by %s recorded; it awaits a second staff member's approval (four eyes)", loan, in.staff), nil
		}
		return fmt.Sprintf("loan %s %s by %s", loan, d.Outcome, d.DecidedBy), nil
	}, nil
}

// recordCashPayout is `nesie staff cash-payout`: the cashier records the visual
// identification of the person taking the cash, with the ID document (and a power of attorney
// for a legal entity), and the order is paid (R9.5).
func recordCashPayout(in staffInput) (staffAction, error) {
	validUntil, err := date.Parse(in.get("document-valid-until"))
	if err != nil {
		return nil, fault.Field("document-valid-until", "want YYYY-MM-DD: %v", err)
	}
	id := payout.CashIdentification{
		DocumentKind: in.get("document-kind"), DocumentNumber: in.get("document-number"),
		DocumentValidUntil: validUntil, DigitalDocument: *in.on["digital-document"],
		PowerOfAttorneyRef: in.get("power-of-attorney"), RepresentsLegalEntity: *in.on["legal-entity"],
	}
	return func(ctx context.Context, svc *app.Services) (string, error) {
		o, err := svc.Payouts.RecordCashPayout(ctx, in.get("order"), in.staff, id)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("payout %s of %s for %s handed out in cash by %s: %s", o.ID, o.Amount, o.Reference, in.staff, o.Status), nil
	}, nil
}
