package underwriting

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/obs"
	"nesie.kz/nesie/internal/store"
)

// Backlog reads the staff's review queue for the operator's metrics: application_review, the
// applications waiting for a staff decision (R8.1), the oldest since its assessment. A client
// waits on each of them.
func (s *Service) Backlog(ctx context.Context) (out []obs.Backlog, err error) {
	err = s.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		out, err = obs.ScanQueues(tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(assessed_at) FROM underwriting_decision
			WHERE outcome = 'review'`), tx.Now(), "application_review")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("underwriting: backlog: %w", err)
	}
	return out, nil
}
