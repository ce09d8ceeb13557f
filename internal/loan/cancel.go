package loan

import (
	"context"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/store"
)

// Cancel ends the client's loan before any money left, at no cost: a draft, a loan in review,
// an unsigned offer, a loan waiting out the cooling-off (R9-1) or waiting for the goods, or one
// whose payout the bank refused.
func (s *Service) Cancel(ctx context.Context, clientID, id, reason string) (Loan, error) {
	var l Loan
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if l, err = s.owned(ctx, tx, clientID, id); err != nil {
			return err
		}
		if !l.Status.CanBecome(Cancelled) {
			return errWrongStatus(l.Status, "be cancelled")
		}
		if err := move(ctx, tx, id, l.Status, Cancelled, "status_reason = $3", "cancelled_by_client"); err != nil {
			return err
		}
		if err := s.Trail.Record(ctx, tx, audit.Event{Action: "loan.cancelled", ObjectType: "loan", ObjectID: id,
			Reason: "cancelled by the client at no cost", Change: map[string]any{"from": string(l.Status), "client_reason": reason}}); err != nil {
			return err
		}
		l.Status = Cancelled
		return nil
	})
	return l, err
}

// AnnulExpired annuls every cooling loan whose consent window has passed without the
// client's consent: nothing is paid (R9-1.1). It is run by the background worker and returns
// how many it annulled.
func (s *Service) AnnulExpired(ctx context.Context) (int, error) {
	n := 0
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		n = 0
		rows, err := tx.QueryContext(ctx, `SELECT id FROM loan WHERE status = 'cooling' AND consent_deadline < $1 ORDER BY consent_deadline LIMIT 500`,
			tx.Now().UnixMicro())
		if err != nil {
			return fmt.Errorf("find expired consents: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			if err := move(ctx, tx, id, Cooling, Annulled, "status_reason = $3", "no_consent"); err != nil {
				return err
			}
			if err := s.Trail.Record(ctx, tx, audit.Event{Action: "loan.annulled", ObjectType: "loan", ObjectID: id,
				Reason: "no consent within the window after the cooling-off; nothing paid (R9-1.1)"}); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// RunAnnulments annuls expired consents every interval until ctx ends.
func (s *Service) RunAnnulments(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.AnnulExpired(ctx); err != nil && ctx.Err() == nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
