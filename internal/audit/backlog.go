package audit

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/obs"
	"nesie.kz/nesie/internal/store"
)

// Backlog reads the trail's inbox for the operator's metrics: audit_unsealed, the events
// committed but not yet linked into the hash chain. The sealer keeps it near empty; an inbox
// that grows means no sealer runs, and the events in it are not yet under a signed
// checkpoint.
func (s *Sealer) Backlog(ctx context.Context) (out []obs.Backlog, err error) {
	err = s.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		out, err = obs.ScanQueues(tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(occurred_at) FROM audit_pending`), tx.Now(), "audit_unsealed")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("audit: backlog: %w", err)
	}
	return out, nil
}
