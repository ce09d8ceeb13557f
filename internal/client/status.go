package client

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// Kind is what sort of client it is.
type Kind string

// The client kinds (R6.1, R6.2). An entrepreneur is registered with an individual's data and
// without EDS (R6.4).
const (
	Individual   Kind = "individual"
	Entrepreneur Kind = "entrepreneur"
	LegalEntity  Kind = "legal_entity"
)

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool { return k == Individual || k == Entrepreneur || k == LegalEntity }

// NeedsEDS reports whether registration must carry the client's EDS: everyone but an
// individual entrepreneur (R6.4).
func (k Kind) NeedsEDS() bool { return k != Entrepreneur }

// Status is where a client is in registration.
type Status string

// The statuses.
const (
	// PendingVerification is a client written by Register whose biometrics and EDS are not
	// yet confirmed; it may not do anything else.
	PendingVerification Status = "pending_verification"
	// Active is a registered client.
	Active Status = "active"
	// Rejected is a registration refused after verification (R6.3); its IIN, BIN and phone
	// are free again.
	Rejected Status = "rejected"
)

// transitions is the registration state machine: from → the statuses it may move to.
var transitions = map[Status][]Status{
	PendingVerification: {Active, Rejected},
}

// transition moves client id from one status to another, or refuses: the move must be in the
// table, and the row must still be in from (the database guard — of two racing requests only
// one updates the row). set names the extra columns written with it ("activated_at = $4").
func transition(ctx context.Context, tx *store.Tx, id string, from, to Status, set string, args ...any) error {
	allowed := false
	for _, s := range transitions[from] {
		allowed = allowed || s == to
	}
	if !allowed {
		return fault.New(fault.ErrConflict, "client_status", fmt.Sprintf("A client cannot move from %s to %s.", from, to))
	}
	q := `UPDATE client SET status = $1`
	if set != "" {
		q += ", " + set
	}
	q += ` WHERE id = $2 AND status = $3`
	res, err := tx.ExecContext(ctx, q, append([]any{string(to), id, string(from)}, args...)...)
	if err != nil {
		return fmt.Errorf("client %s → %s: %w", id, to, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("client %s → %s: %w", id, to, err)
	} else if n != 1 {
		return fault.New(fault.ErrConflict, "client_status", "The client's status changed meanwhile; try again.")
	}
	return nil
}
