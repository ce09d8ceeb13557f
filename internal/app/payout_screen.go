package app

import (
	"context"
	"encoding/json"
	"fmt"

	"nesie.kz/nesie/internal/antifraud"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/payout"
	"nesie.kz/nesie/internal/store"
)

// payoutScreen lets the payouts ask the anti-fraud decision at the payout stage, just before
// money leaves (R8-2.6): the client's IIN and phone as the client record holds them now, and
// the destination account when the money goes to one.
type payoutScreen struct {
	decider antifraud.Decider
	db      *store.DB
	clients *client.Service
}

// Screen implements payout.Config.Screen. The evidence is the decision as JSON: the outcome,
// its reasons and the list entries that matched. Any failure — the client not found, the
// decision not made — is an error, and the payout fails closed.
func (p payoutScreen) Screen(ctx context.Context, o payout.Order) (payout.Verdict, error) {
	var c client.Client
	// One statement: outside a transaction, one round trip.
	err := p.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) (err error) {
		c, err = p.clients.Find(ctx, tx, o.ClientID)
		return err
	})
	if err != nil {
		return payout.Verdict{}, fmt.Errorf("payout screen: client %s: %w", o.ClientID, err)
	}
	s := antifraud.Subject{ClientID: c.ID, IIN: c.IIN, Phone: c.Phone, Amount: o.Amount, Stage: antifraud.StagePayout}
	if o.To.Kind == bank.DestinationAccount && !o.To.IBAN.IsZero() {
		s.IBAN = o.To.IBAN.String()
	}
	d, err := p.decider.Decide(ctx, s)
	if err != nil {
		return payout.Verdict{}, err
	}
	var outcome payout.Outcome
	switch d.Outcome {
	case antifraud.Allow:
		outcome = payout.Allow
	case antifraud.Review:
		outcome = payout.Review
	case antifraud.Deny:
		outcome = payout.Deny
	default:
		return payout.Verdict{}, fmt.Errorf("payout screen: the anti-fraud decision %q is none the payouts know", d.Outcome)
	}
	evidence, err := json.Marshal(d)
	if err != nil {
		return payout.Verdict{}, err
	}
	return payout.Verdict{Outcome: outcome, Reasons: d.Reasons, Evidence: evidence}, nil
}
