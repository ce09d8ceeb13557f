package loan

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// Status is where a loan stands.
type Status string

// The statuses, in the order a loan usually passes them.
const (
	// Draft: the client is choosing the method and the way to get the money.
	Draft Status = "draft"
	// Assessing: submitted; the checks before the decision are running.
	Assessing Status = "assessing"
	// Review: waiting for staff (the scorecard or a check asked for a person).
	Review Status = "review"
	// Refused: the decision is no (R10); final.
	Refused Status = "refused"
	// Offered: approved; the contract is issued and awaits the client's signature.
	Offered Status = "offered"
	// Cooling: signed, the 24-hour cooling-off applies (R9-1): no money before
	// MoneyNotBefore, and only after the client's consent given after it.
	Cooling Status = "cooling"
	// AwaitingGoods: signed, paid to a partner merchant once the client confirms the goods or
	// services were received (the exception of R9-1.4).
	AwaitingGoods Status = "awaiting_goods"
	// Disbursing: the payout order is in the outbox.
	Disbursing Status = "disbursing"
	// Disbursed: the money has left; final for this issue (servicing takes it on).
	Disbursed Status = "disbursed"
	// LineOpen: a credit line is signed; money goes out by its draws, each a loan of its own.
	LineOpen Status = "line_open"
	// Cancelled by the client before the money left, at no cost.
	Cancelled Status = "cancelled"
	// Annulled: no consent within the window after the cooling-off; nothing was paid.
	Annulled Status = "annulled"
	// PayoutFailed: the bank refused the transfer (the account is not the client's, say); no
	// money left. The client has it sent another way (back to Disbursing) or cancels.
	PayoutFailed Status = "payout_failed"
)

// transitions is the whole state machine.
var transitions = map[Status][]Status{
	Draft:         {Assessing, Cancelled},
	Assessing:     {Draft, Review, Refused, Offered},
	Review:        {Refused, Offered, Cancelled},
	Offered:       {Cooling, AwaitingGoods, Disbursing, Disbursed, LineOpen, Cancelled},
	Cooling:       {Disbursing, Cancelled, Annulled},
	AwaitingGoods: {Disbursing, Cancelled},
	Disbursing:    {Disbursed, PayoutFailed},
	PayoutFailed:  {Disbursing, Cancelled},
}

// CanBecome reports whether a loan in s may move to to.
func (s Status) CanBecome(to Status) bool {
	for _, t := range transitions[s] {
		if t == to {
			return true
		}
	}
	return false
}

// errWrongStatus is the refusal of an act the loan's status does not allow.
func errWrongStatus(s Status, act string) error {
	return fault.New(fault.ErrConflict, "loan_status", fmt.Sprintf("The loan is %s: it cannot %s now.", s, act))
}

// move changes the loan's status from → to in tx with the columns set, guarded by the
// status it was read in. It refuses a move the table does not have; a loan that moved meanwhile
// is a conflict (errMoved). The UPDATE goes out with the transaction's next statement or its
// COMMIT (store.Tx.ExecExpect), so the conflict may come back from there.
func move(ctx context.Context, tx *store.Tx, id string, from, to Status, set string, args ...any) error {
	return moveIf(ctx, tx, id, from, to, set, "", args...)
}

// moveIf is move with more conditions the row must meet (where, over args like set): what
// the caller read before and relies on, re-checked by the UPDATE instead of a second read.
func moveIf(ctx context.Context, tx *store.Tx, id string, from, to Status, set, where string, args ...any) error {
	if !from.CanBecome(to) {
		return fmt.Errorf("loan %s: no transition %s → %s", id, from, to)
	}
	q := `UPDATE loan SET status = $1, updated_at = $2`
	if set != "" {
		q += ", " + set
	}
	n := len(args)
	q += fmt.Sprintf(" WHERE id = $%d AND status = $%d", n+3, n+4)
	if where != "" {
		q += " AND " + where
	}
	all := append([]any{string(to), tx.Now().UnixMicro()}, args...)
	all = append(all, id, string(from))
	return tx.ExecExpect(ctx, 1, errMoved, q, all...)
}

// errMoved is a guarded write to a loan that found it changed meanwhile.
var errMoved = fault.New(fault.ErrConflict, "loan_moved", "The loan changed meanwhile; reload it.")

// guarded runs fn at READ COMMITTED on PostgreSQL: for work whose writes are all guarded —
// a loan's moves by its status (move, moveIf), inserts by their keys — so that nothing it
// relies on can have changed unseen, without SERIALIZABLE's predicate locks and their cost
// on every statement.
func (s *Service) guarded(ctx context.Context, fn func(ctx context.Context, tx *store.Tx) error) error {
	return s.db.TransactWith(ctx, store.TxOptions{ReadCommitted: true}, fn)
}

// exclusive runs fn in a transaction that holds the client's row lock: every act that
// decides the cooling-off or moves money for a client takes it first, so the same-day total
// of R9-1.2 read inside cannot change until it commits. The loan's own moves stay guarded
// by their status. On PostgreSQL this runs at READ COMMITTED with the explicit lock rather
// than SERIALIZABLE, whose page-level predicate locks made concurrent signings of different
// clients abort each other; SQLite runs one writer at a time anyway.
func (s *Service) exclusive(ctx context.Context, clientID string, fn func(ctx context.Context, tx *store.Tx) error) error {
	return s.guarded(ctx, func(ctx context.Context, tx *store.Tx) error {
		if tx.Engine() == store.Postgres {
			// Taken by the transaction's first round trip, before anything fn reads.
			if err := tx.ExecDeferred(ctx, func(err error) error { return fmt.Errorf("lock client: %w", err) },
				`SELECT id FROM client WHERE id = $1 FOR UPDATE`, clientID); err != nil {
				return err
			}
		}
		return fn(ctx, tx)
	})
}
