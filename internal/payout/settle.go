package payout

import (
	"context"
	"fmt"
	"maps"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/store"
)

// settleTransfer settles o by the gateway's account of its transfer; a pending transfer
// leaves the order sending, to be asked about after the lease.
func (s *Service) settleTransfer(ctx context.Context, o Order, t bank.Transfer) error {
	var err error
	switch t.Status {
	case bank.Completed:
		_, err = s.settle(ctx, o, Paid, "", t, nil)
	case bank.Failed:
		_, err = s.settle(ctx, o, Failed, "bank_"+t.Reason, t, nil)
	}
	return err
}

// settle moves o from the status it was read in (sending, for a worker's claim; awaiting the
// cash desk, when the screen stops a hand-out) to paid or failed, if the reader still holds
// the newest claim (attempts fences stale workers), calls the hook and audits, all in one
// transaction. It reports false when the order had moved meanwhile and nothing was written.
//
// READ COMMITTED is enough: the UPDATE's guard (status and attempts) decides who settles, and
// the hook's own moves are guarded the same way.
func (s *Service) settle(ctx context.Context, o Order, to Status, reason string, t bank.Transfer, extra map[string]any) (moved bool, err error) {
	err = s.db.TransactWith(ctx, store.TxOptions{ReadCommitted: true}, func(ctx context.Context, tx *store.Tx) error {
		_, moved, err = s.settleIn(ctx, tx, o, to, reason, t, extra)
		return err
	})
	return moved, err
}

// settleIn moves o in tx from the status it was read in to paid or failed — its status and
// attempts guard the move —, calls the hook and audits, with extra added to the event. It
// returns the settled order, and false when the order had moved meanwhile (a newer claim holds
// it, or staff decided it): then nothing is written.
func (s *Service) settleIn(ctx context.Context, tx *store.Tx, o Order, to Status, reason string, t bank.Transfer, extra map[string]any) (Order, bool, error) {
	now := tx.Now()
	voucher, err := s.sealVoucher(o.ID, t.VoucherCode)
	if err != nil {
		return Order{}, false, fmt.Errorf("payout: seal voucher: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE payout_order
		SET status = $2, reason = $3, bank_id = $4, voucher_code_sealed = $5, settled_at = $6, lease_until = NULL
		WHERE id = $1 AND status = $8 AND attempts = $7`,
		o.ID, string(to), reason, t.BankID, voucher, now.UnixMicro(), o.Attempts, string(o.Status))
	if err != nil {
		return Order{}, false, fmt.Errorf("payout: settle: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return Order{}, false, err // moved meanwhile: whoever holds it now settles it
	}
	o.Status, o.Reason, o.BankID, o.VoucherCode, o.SettledAt = to, reason, t.BankID, t.VoucherCode, now
	hook, action := s.hooks.Paid, "payout.paid"
	if to == Failed {
		hook, action = s.hooks.Failed, "payout.failed"
	}
	if hook != nil {
		if err := hook(ctx, tx, o); err != nil {
			return Order{}, false, fmt.Errorf("payout: %s hook: %w", to, err)
		}
	}
	change := o.auditView()
	maps.Copy(change, extra)
	if err := s.trail.Record(ctx, tx, audit.Event{Action: action, ObjectType: "payout_order", ObjectID: o.ID, Reason: reason, Change: change}); err != nil {
		return Order{}, false, err
	}
	return o, true, nil
}

// postpone returns o to pending when nothing can have been sent under its key, due again after
// Retry.
func (s *Service) postpone(ctx context.Context, o Order, reason string) error {
	return s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE payout_order
			SET status = 'pending', reason = $2, due_at = $3, lease_until = NULL
			WHERE id = $1 AND status = 'sending' AND attempts = $4`,
			o.ID, reason, tx.Now().Add(s.cfg.Retry).UnixMicro(), o.Attempts)
		if err != nil {
			return fmt.Errorf("payout: defer: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return nil
		}
		o.Status, o.Reason = Pending, reason
		return s.trail.Record(ctx, tx, audit.Event{Action: "payout.deferred", ObjectType: "payout_order", ObjectID: o.ID, Reason: reason, Change: o.auditView()})
	})
}
