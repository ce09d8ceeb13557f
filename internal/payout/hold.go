package payout

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
)

// Staff decide the orders the anti-fraud screen held for review (R8-2.6): a release lets the
// money go on its way, a rejection fails the order. Each decision is taken on a held order
// only (a guarded UPDATE … WHERE status = 'held'), names its author and is audited under the
// staff actor; a refused one changes nothing and is audited as refused.
//
// A release is not a blank cheque: the order is screened again before the money leaves, and
// the release overrides a review only for the reasons the order was held for. A deny still
// refuses it, and a review for a new reason holds it again.

// maxStaffText bounds a staff member's note or reason.
const maxStaffText = 2000

// errNotHeld is a decision on an order that is not held.
func errNotHeld() error {
	return fault.New(fault.ErrConflict, "payout_not_held", "This payout is not held for an anti-fraud review.")
}

// checkDecision checks the input of a staff decision; errors name the field.
func checkDecision(orderID, staffID, textField, text string) error {
	switch {
	case strings.TrimSpace(orderID) == "":
		return fault.Field("order_id", "the held payout must be named")
	case strings.TrimSpace(staffID) == "":
		return fault.Field("staff_id", "the member of staff deciding must be named")
	case strings.TrimSpace(text) == "":
		return fault.Field(textField, "the grounds of the decision are required (the audit trail keeps them)")
	case len(text) > maxStaffText:
		return fault.Field(textField, "must be at most %d bytes", maxStaffText)
	}
	return nil
}

// staffRefused reports the refusals a staff decision audits: bad input and a conflict.
func staffRefused(err error) bool {
	return errors.Is(err, fault.ErrInvalid) || errors.Is(err, fault.ErrConflict)
}

// refuse audits the refusal ev of a decision for err, and returns err.
func (s *Service) refuse(ctx context.Context, ev audit.Event, err error) error {
	if aerr := s.trail.Refused(ctx, ev, err); aerr != nil {
		return errors.Join(err, aerr)
	}
	return err
}

// Release lets the held order orderID go on, by staffID for the grounds in note: a bank or
// merchant order is pending again and due now, a cash-desk order waits for the cashier again.
// The order is screened again before its money leaves; the release overrides a review for
// the reasons it was held for, never a deny. An order that is not held is fault.ErrConflict
// and changes nothing; an empty note or staff id is a field error.
func (s *Service) Release(ctx context.Context, orderID, staffID, note string) (Order, error) {
	return s.decideHeld(ctx, "payout.release_refused", orderID, staffID, "note", note, func(ctx context.Context, tx *store.Tx, o Order) (Order, error) {
		to := Pending
		if o.Kind == KindCashDesk {
			to = AwaitingCashDesk
		}
		now := tx.Now()
		if err := tx.ExecExpect(ctx, 1, errNotHeld(), `UPDATE payout_order SET status = $2, reason = '', due_at = $3, released_by = $4, released_at = $3
			WHERE id = $1 AND status = 'held'`, o.ID, string(to), now.UnixMicro(), staffID); err != nil {
			return Order{}, err // errNotHeld when it moved meanwhile; on PostgreSQL at the commit
		}
		o.Status, o.Reason, o.ReleasedBy, o.ReleasedAt = to, "", staffID, now
		change := o.auditView()
		change["staff_id"], change["note"], change["held_reasons"] = staffID, note, o.HeldReasons
		if err := s.trail.Record(ctx, tx, audit.Event{Action: "payout.released", ObjectType: "payout_order", ObjectID: o.ID,
			Reason: note, Change: change}); err != nil {
			return Order{}, err
		}
		if to == Pending {
			tx.AfterCommit(s.Wake)
		}
		return o, nil
	})
}

// Reject fails the held order orderID, by staffID for reason: it fails with "fraud_rejected"
// through the Failed hook, and nothing is sent. An order that is not held is
// fault.ErrConflict and changes nothing; an empty reason or staff id is a field error.
func (s *Service) Reject(ctx context.Context, orderID, staffID, reason string) (Order, error) {
	return s.decideHeld(ctx, "payout.reject_refused", orderID, staffID, "reason", reason, func(ctx context.Context, tx *store.Tx, o Order) (Order, error) {
		f, moved, err := s.settleIn(ctx, tx, o, Failed, ReasonFraudRejected, bank.Transfer{},
			map[string]any{"staff_id": staffID, "note": reason, "held_reasons": o.HeldReasons})
		if err != nil {
			return Order{}, err
		}
		if !moved {
			return Order{}, errNotHeld()
		}
		return f, nil
	})
}

// decideHeld runs a staff member's decision on the held order orderID: the input checked
// (grounds in textField), then, in one transaction under the staff actor, the order read and
// decide applied to it if it is held. A refusal — bad input, an order not held — changes
// nothing and is audited as refusedAction.
func (s *Service) decideHeld(ctx context.Context, refusedAction, orderID, staffID, textField, text string,
	decide func(ctx context.Context, tx *store.Tx, o Order) (Order, error)) (Order, error) {
	ctx = reqctx.WithActor(ctx, reqctx.Actor{Kind: reqctx.Staff, ID: staffID})
	refused := audit.Event{Action: refusedAction, ObjectType: "payout_order", ObjectID: orderID, Change: map[string]any{"staff_id": staffID}}
	if err := checkDecision(orderID, staffID, textField, text); err != nil {
		return Order{}, s.refuse(ctx, refused, err)
	}
	var decided Order
	err := s.trail.Do(ctx, refused, staffRefused, func(ctx context.Context, tx *store.Tx) error {
		o, err := s.Find(ctx, tx, orderID)
		if err != nil {
			return err
		}
		if o.Status != Held {
			return errNotHeld()
		}
		decided, err = decide(ctx, tx, o)
		return err
	})
	if err != nil {
		return Order{}, err
	}
	return decided, nil
}

// Held returns the orders held for an anti-fraud review, the longest held first: the staff's
// queue.
func (s *Service) Held(ctx context.Context) ([]Order, error) {
	var out []Order
	err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `SELECT `+orderColumns+` FROM payout_order WHERE status = 'held' ORDER BY held_at, id`)
		if err != nil {
			return fmt.Errorf("payout: held orders: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			o, err := s.scanOrder(rows)
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		return rows.Err()
	})
	return out, err
}
