package payout

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/obs"
	"nesie.kz/nesie/internal/store"
)

// Backlog reads the outbox's queues for the operator's metrics:
//
//   - payout_due: pending orders whose time has come and that no worker has claimed — they
//     grow when the workers stop or the bank refuses connections;
//   - payout_uncertain: orders sent or being sent whose worker's lease ran out — the bank's
//     answer was lost and no worker has reconciled them yet;
//   - payout_held: orders the anti-fraud screen holds for staff (R8-2.6) — the client waits
//     for their money, and nothing tells them why.
//
// Each queue is read once, along its own partial index.
func (s *Service) Backlog(ctx context.Context) (out []obs.Backlog, err error) {
	err = s.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		out, err = obs.ScanQueues(tx.QueryRowContext(ctx, `SELECT due.n, due.since, uncertain.n, uncertain.since, held.n, held.since FROM
			(SELECT COUNT(*) AS n, MIN(due_at) AS since FROM payout_order WHERE status = 'pending' AND due_at <= $1) AS due,
			(SELECT COUNT(*) AS n, MIN(lease_until) AS since FROM payout_order WHERE status = 'sending' AND lease_until <= $1) AS uncertain,
			(SELECT COUNT(*) AS n, MIN(held_at) AS since FROM payout_order WHERE status = 'held') AS held`, tx.Now().UnixMicro()),
			tx.Now(), "payout_due", "payout_uncertain", "payout_held")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("payout: backlog: %w", err)
	}
	return out, nil
}
