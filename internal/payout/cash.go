package payout

import (
	"context"
	"errors"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
)

// RecordCashPayout records that the cashier staffID handed out the cash of the order orderID
// after identifying the recipient visually with an ID document or the digital-documents
// service (R9.5), and marks the order paid. A recipient taking cash for a legal entity — and
// any recipient of an order whose beneficiary is a BIN — must show a power of attorney.
//
// Before the hand-out the order is screened (R8-2.6, when Config.Screen is set), once the
// identification has passed: a deny fails the order ("fraud_suspected", through the Failed
// hook) and refuses the hand-out (fault.ErrForbidden, "payout_fraud_suspected"); a review holds
// the order for staff and refuses the hand-out (fault.ErrConflict, "payout_held", as for any
// held order); no answer refuses the hand-out (fault.ErrUnavailable) and leaves the order as
// it was. Any other refusal changes nothing. Every refusal is audited.
func (s *Service) RecordCashPayout(ctx context.Context, orderID, staffID string, id CashIdentification) (Order, error) {
	paid, err := s.recordCashPayout(ctx, orderID, staffID, id)
	if err != nil {
		if errors.Is(err, fault.ErrInvalid) || errors.Is(err, fault.ErrConflict) || errors.Is(err, fault.ErrForbidden) || errors.Is(err, fault.ErrUnavailable) {
			ev := audit.Event{Action: "payout.cash_refused", ObjectType: "payout_order", ObjectID: orderID, Change: map[string]any{"staff_id": staffID}}
			return Order{}, s.refuse(ctx, ev, err)
		}
		return Order{}, err
	}
	return paid, nil
}

// awaitingCash refuses a hand-out of o unless o waits at the cash desk.
func awaitingCash(o Order) error {
	if o.Status == Held {
		return errHeldAtDesk()
	}
	if o.Kind != KindCashDesk || o.Status != AwaitingCashDesk {
		return errNotAwaitingCash()
	}
	return nil
}

func errHeldAtDesk() error {
	return fault.New(fault.ErrConflict, "payout_held", "This payout is held for an anti-fraud review by staff: hand out no cash.")
}

func errNotAwaitingCash() error {
	return fault.New(fault.ErrConflict, "payout_not_awaiting_cash", "This payout is not waiting at the cash desk.")
}

// recordCashPayout is RecordCashPayout without the audit of a refusal.
func (s *Service) recordCashPayout(ctx context.Context, orderID, staffID string, id CashIdentification) (Order, error) {
	if s.cfg.Screen != nil {
		if err := s.screenCash(ctx, orderID, staffID, id); err != nil {
			return Order{}, err
		}
	}
	var paid Order
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		o, err := s.Find(ctx, tx, orderID)
		if err != nil {
			return err
		}
		if err := awaitingCash(o); err != nil {
			return err
		}
		if err := checkIdentification(o, staffID, id, date.In(tx.Now())); err != nil {
			return err
		}
		now := tx.Now()
		res, err := tx.ExecContext(ctx, `UPDATE payout_order SET status = 'paid', settled_at = $2
			WHERE id = $1 AND status = 'awaiting_cash_desk'`, o.ID, now.UnixMicro())
		if err != nil {
			return fmt.Errorf("payout: cash paid: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errNotAwaitingCash()
		}
		number, err := s.seal(id.DocumentNumber, cashAAD(o.ID))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO payout_cash_identification
			(order_id, staff_id, document_kind, document_number_sealed, document_valid_until, digital_document,
			 represents_legal_entity, power_of_attorney_ref, identified_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			o.ID, staffID, id.DocumentKind, number, id.DocumentValidUntil.Sub(date.Date{}),
			boolInt(id.DigitalDocument), boolInt(id.RepresentsLegalEntity), id.PowerOfAttorneyRef, now.UnixMicro()); err != nil {
			return fmt.Errorf("payout: record identification: %w", err)
		}
		o.Status, o.SettledAt = Paid, now
		if s.hooks.Paid != nil {
			if err := s.hooks.Paid(ctx, tx, o); err != nil {
				return fmt.Errorf("payout: paid hook: %w", err)
			}
		}
		change := o.auditView()
		change["staff_id"] = staffID
		change["document_kind"] = id.DocumentKind
		change["digital_document"] = id.DigitalDocument
		change["represents_legal_entity"] = id.RepresentsLegalEntity
		change["power_of_attorney_ref"] = id.PowerOfAttorneyRef
		if err := s.trail.Record(ctx, tx, audit.Event{Action: "payout.paid", ObjectType: "payout_order", ObjectID: o.ID, Reason: "cash handed out at the cash desk", Change: change}); err != nil {
			return err
		}
		paid = o
		return nil
	})
	if err != nil {
		return Order{}, err
	}
	return paid, nil
}

// screenCash checks the hand-out of orderID as the hand-out itself will, then asks the
// anti-fraud screen, outside any transaction, and acts on its answer: nil lets the hand-out
// go on. The hand-out's own transaction checks the order again, so a decision taken meanwhile
// is not overlooked.
func (s *Service) screenCash(ctx context.Context, orderID, staffID string, id CashIdentification) error {
	var o Order
	err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if o, err = s.Find(ctx, tx, orderID); err != nil {
			return err
		}
		if err := awaitingCash(o); err != nil {
			return err
		}
		return checkIdentification(o, staffID, id, date.In(tx.Now()))
	})
	if err != nil {
		return err
	}
	v, err := s.ask(ctx, o)
	if err != nil {
		s.cfg.Log.Warn("payout: no anti-fraud answer; the cash is not handed out", "order", o.ID, "err", err)
		return fault.Wrap(fault.ErrUnavailable, ReasonAntifraudUnavailable,
			"The anti-fraud check could not be made: hand out no cash, and try again later.", err)
	}
	switch {
	case v.Outcome == Deny:
		extra := v.auditView()
		extra["staff_id"] = staffID
		moved, err := s.settle(ctx, o, Failed, ReasonFraudSuspected, bank.Transfer{}, extra)
		if err != nil {
			return err
		}
		if !moved {
			return errNotAwaitingCash() // handed out or decided meanwhile
		}
		return fault.New(fault.ErrForbidden, "payout_fraud_suspected", "The anti-fraud system refuses this payout: hand out no cash.")
	case v.Outcome == Review && !releasedFor(o, v):
		held, err := s.hold(ctx, o, v)
		if err != nil {
			return err
		}
		if !held {
			return errNotAwaitingCash()
		}
		return errHeldAtDesk()
	}
	return nil
}

// checkIdentification applies R9.5 to what the cashier entered; errors name the field.
func checkIdentification(o Order, staffID string, id CashIdentification, today date.Date) error {
	switch {
	case staffID == "":
		return fault.Field("staff_id", "the cashier handing out the cash must be named")
	case id.DocumentKind == "":
		return fault.Field("document_kind", "the ID document shown is required (R9.5)")
	case id.DocumentNumber == "":
		return fault.Field("document_number", "the ID document's number is required (R9.5)")
	case id.DocumentValidUntil.Before(today):
		return fault.Field("document_valid_until", "the ID document has expired")
	}
	// A BIN beneficiary is a legal entity: whoever stands at the desk represents it.
	if _, err := kz.ParseBIN(o.BeneficiaryID); err == nil && !id.RepresentsLegalEntity {
		return fault.Field("represents_legal_entity", "cash for a legal entity is handed to its representative")
	}
	if id.RepresentsLegalEntity && id.PowerOfAttorneyRef == "" {
		return fault.Field("power_of_attorney_ref", "a legal entity's representative must show a power of attorney (R9.5)")
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
