package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"nesie.kz/nesie/internal/app"
)

// listHeldPayouts is `nesie staff payouts-held`: the payouts the anti-fraud screen held for a
// review before their money left (R8-2.6), the longest held first, with the reasons.
func listHeldPayouts(staffInput) (staffAction, error) {
	return func(ctx context.Context, svc *app.Services) (string, error) {
		held, err := svc.Payouts.Held(ctx)
		if err != nil {
			return "", err
		}
		if len(held) == 0 {
			return "no payout is held for review\n", nil
		}
		var out strings.Builder
		w := tabwriter.NewWriter(&out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ORDER\tFOR\tCLIENT\tKIND\tAMOUNT\tHELD SINCE\tWHY")
		for _, o := range held {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.ID, o.Reference, o.ClientID, o.Kind, o.Amount,
				o.HeldAt.Format("2006-01-02 15:04"), strings.Join(o.HeldReasons, ","))
		}
		err = w.Flush() // before out is read
		return out.String(), err
	}, nil
}

// releasePayout is `nesie staff payout-release`: a member of staff lets a held payout go on,
// with a note of the grounds. It is screened again before the money leaves: the release
// overrides the review it was held for, never a deny.
func releasePayout(in staffInput) (staffAction, error) {
	return func(ctx context.Context, svc *app.Services) (string, error) {
		o, err := svc.Payouts.Release(ctx, in.get("order"), in.staff, in.get("note"))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("payout %s for %s released by %s: %s", o.ID, o.Reference, in.staff, o.Status), nil
	}, nil
}

// rejectPayout is `nesie staff payout-reject`: a member of staff refuses a held payout; it
// fails ("fraud_rejected") and no money leaves.
func rejectPayout(in staffInput) (staffAction, error) {
	return func(ctx context.Context, svc *app.Services) (string, error) {
		o, err := svc.Payouts.Reject(ctx, in.get("order"), in.staff, in.get("reason"))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("payout %s for %s rejected by %s: %s (%s), no money left", o.ID, o.Reference, in.staff, o.Status, o.Reason), nil
	}, nil
}
