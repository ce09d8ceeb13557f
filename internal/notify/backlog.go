package notify

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/obs"
	"nesie.kz/nesie/internal/store"
)

// Backlog reads the outbox for the operator's metrics: notify_due, the messages whose
// (next) attempt is due and that no worker has delivered — security notices (R25.9) among
// them — the oldest since it fell due.
func (w *Worker) Backlog(ctx context.Context) (out []obs.Backlog, err error) {
	err = w.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		out, err = obs.ScanQueues(tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(next_attempt_at) FROM notify_outbox
			WHERE status = 'pending' AND next_attempt_at <= $1`, tx.Now().UnixMicro()), tx.Now(), "notify_due")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("notify: backlog: %w", err)
	}
	return out, nil
}
