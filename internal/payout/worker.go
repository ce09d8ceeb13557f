package payout

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
)

// claim is an order a worker holds: the order as claimed, and whether an earlier claim may
// already have sent it (its outcome is then uncertain and must be asked for first).
type claim struct {
	order     Order
	uncertain bool
}

// Wake makes a running worker look for due orders now instead of at its next tick.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run works the outbox every interval and whenever woken, until ctx ends (then it returns
// nil). Errors of a run are logged: the orders they concern stay where they were and are
// taken up again.
func (s *Service) Run(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			s.cfg.Log.Error("payout run", "err", err)
		}
		if n == s.cfg.Batch && err == nil {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-s.wake:
		}
	}
}

// RunOnce claims the orders due now — pending ones, and sending ones whose lease ran out —
// and takes each as far as the gateway allows, and returns how many it claimed. The gateway
// is called outside any transaction; what it answers is settled in a transaction of its own.
func (s *Service) RunOnce(ctx context.Context) (int, error) {
	ctx = reqctx.WithActor(ctx, reqctx.SystemActor("payout"))
	claims, err := s.claim(ctx)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, c := range claims {
		if err := s.process(ctx, c); err != nil {
			errs = append(errs, fmt.Errorf("payout %s: %w", c.order.ID, err))
		}
	}
	return len(claims), errors.Join(errs...)
}

// claim leases up to Batch due orders to this worker. Each order comes back as claimed, with
// whether it was already sending (its outcome is then uncertain).
func (s *Service) claim(ctx context.Context) ([]claim, error) {
	var claims []claim
	err := s.db.TransactWith(ctx, store.TxOptions{ReadCommitted: true}, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if tx.Engine() == store.Postgres {
			claims, err = s.claimPostgres(ctx, tx)
		} else {
			claims, err = s.claimSQLite(ctx, tx)
		}
		if err != nil {
			return fmt.Errorf("payout: claim due orders: %w", err)
		}
		for _, c := range claims {
			action := "payout.sending"
			if c.uncertain {
				action = "payout.reconciling" // not a status change: a new claim of an uncertain order
			}
			if err := s.trail.Record(ctx, tx, audit.Event{Action: action, ObjectType: "payout_order", ObjectID: c.order.ID, Change: c.order.auditView()}); err != nil {
				return err
			}
		}
		return nil
	})
	return claims, err
}

// dueOrders selects the orders due at $1, at most $3: pending ones, and sending ones whose
// lease ran out (SQLite's claim; PostgreSQL's is claimPostgres).
const dueOrders = `SELECT id, status FROM payout_order
	WHERE (status = 'pending' AND due_at <= $1) OR (status = 'sending' AND lease_until <= $1)
	ORDER BY due_at LIMIT $3`

// claimPostgres claims in one statement. The due rows are locked with SKIP LOCKED under READ
// COMMITTED, so concurrent workers take disjoint orders instead of queueing behind each other.
// Pending and expired orders are found apart, each by walking its partial index in order
// (migration 0014): an OR of the two would be read with a bitmap scan, which visits every
// dead entry each time instead of marking it once.
func (s *Service) claimPostgres(ctx context.Context, tx *store.Tx) ([]claim, error) {
	now := tx.Now().UnixMicro()
	rows, err := tx.QueryContext(ctx, `WITH
		pending AS (SELECT id, due_at AS at FROM payout_order WHERE status = 'pending' AND due_at <= $1
			ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED),
		expired AS (SELECT id, lease_until AS at FROM payout_order WHERE status = 'sending' AND lease_until <= $1
			ORDER BY lease_until LIMIT $3 FOR UPDATE SKIP LOCKED),
		due AS (SELECT id, 'pending' AS was, at FROM pending UNION ALL SELECT id, 'sending', at FROM expired
			ORDER BY at LIMIT $3)
		UPDATE payout_order AS o SET status = 'sending', lease_until = $2, attempts = o.attempts + 1
		FROM due AS d WHERE o.id = d.id
		RETURNING `+prefixed("o.", orderColumns)+`, d.was`, now, now+s.cfg.Lease.Microseconds(), s.cfg.Batch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var claims []claim
	for rows.Next() {
		var was string
		o, err := s.scanOrder(rows, &was)
		if err != nil {
			return nil, err
		}
		claims = append(claims, claim{order: o, uncertain: Status(was) == Sending})
	}
	return claims, rows.Err()
}

// claimSQLite finds the due orders, then leases them: the one writer makes the claim
// exclusive, and the UPDATE repeats the due condition all the same.
func (s *Service) claimSQLite(ctx context.Context, tx *store.Tx) ([]claim, error) {
	now := tx.Now().UnixMicro()
	rows, err := tx.QueryContext(ctx, dueOrders, now, nil, s.cfg.Batch)
	if err != nil {
		return nil, err
	}
	was := map[string]string{}
	var ids []string
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			rows.Close()
			return nil, err
		}
		was[id] = status
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var claims []claim
	for _, id := range ids {
		o, err := s.scanOrder(tx.QueryRowContext(ctx, `UPDATE payout_order SET status = 'sending', lease_until = $2, attempts = attempts + 1
			WHERE id = $3 AND ((status = 'pending' AND due_at <= $1) OR (status = 'sending' AND lease_until <= $1))
			RETURNING `+orderColumns, now, now+s.cfg.Lease.Microseconds(), id))
		if err != nil {
			return nil, err
		}
		claims = append(claims, claim{order: o, uncertain: Status(was[id]) == Sending})
	}
	return claims, nil
}

// process takes one claimed order as far as the gateway allows. Only answers the gateway
// gave settle it; a gateway that does not answer leaves it for a later run.
func (s *Service) process(ctx context.Context, c claim) error {
	o := c.order
	if c.uncertain {
		t, found, err := s.bank.Status(ctx, o.ID)
		if err != nil {
			return nil // still uncertain: the next claim after the lease asks again
		}
		if found {
			if t.Amount != o.Amount {
				// The gateway holds another sum under this order's key: no machine should
				// decide what happened. The order stays sending, and the log says why.
				s.cfg.Log.Error("payout: gateway transfer under the order's key is for another amount", "order", o.ID, "bank_id", t.BankID)
				return nil
			}
			return s.settleTransfer(ctx, o, t)
		}
		// The gateway never saw the key: nothing was sent, so sending now is the first send.
	}
	// Nothing has been sent under the key (a fresh order, or the gateway said it never saw
	// it): the anti-fraud screen may still stop the money (R8-2.6).
	if stop, err := s.screenUnsent(ctx, o); stop || err != nil {
		return err
	}
	if o.To.Kind == bank.DestinationAccount || o.To.Kind == bank.DestinationCard {
		own, err := s.bank.VerifyOwner(ctx, o.To, o.BeneficiaryID)
		if err != nil {
			// Nothing has been sent under the key (a fresh order, or the gateway said it
			// never saw it): back to pending, due again after Retry.
			return s.postpone(ctx, o, "ownership_check_unavailable")
		}
		if !own.Owned {
			sum := sha256.Sum256(own.Evidence)
			_, err := s.settle(ctx, o, Failed, "destination_not_owned", bank.Transfer{}, map[string]any{"evidence_sha256": hex.EncodeToString(sum[:])})
			return err
		}
	}
	t, err := s.bank.Transfer(ctx, o.transferRequest())
	if err != nil {
		// The transfer may or may not have been made: the order stays sending with its
		// lease, and the claim after the lease asks the gateway under the key.
		s.cfg.Log.Warn("payout transfer outcome unknown", "order", o.ID, "err", err)
		return nil
	}
	return s.settleTransfer(ctx, o, t)
}
