package payout

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/vault"
)

// Hooks let the loan core follow its payout. Each is called inside the transaction that
// settles the order; an error rolls the settlement back, and the order is settled (and the
// hook called) again on a later run. A transaction may run more than once (retries on
// serialization failures), so a hook must do nothing outside tx.
type Hooks struct {
	Paid   func(ctx context.Context, tx *store.Tx, o Order) error
	Failed func(ctx context.Context, tx *store.Tx, o Order) error
}

// Config holds the vault and tunes the worker; zero durations and sizes take the defaults.
type Config struct {
	// Vault seals the personal data of an order at rest (R37): the beneficiary's IIN or BIN,
	// the IBAN, the card token and the cash desk's document number. Required.
	Vault *vault.Vault
	// Lease is how long a claimed order is left to its worker before another run treats its
	// outcome as uncertain and reconciles it. It must outlast the gateway calls of one order
	// (an ownership check and a transfer, each bounded by the bank client's timeout).
	// Default 2 minutes.
	Lease time.Duration
	// Retry is how soon a pending order is due again after the gateway could not be reached
	// for its ownership check. Default 1 minute.
	Retry time.Duration
	// Batch is how many orders one RunOnce claims at most. Default 16.
	Batch int
	// Log receives what the worker cannot return to anyone (slog.Default when nil).
	Log *slog.Logger
	// Screen asks the anti-fraud system about an order just before its money would leave
	// (R8-2.6): the worker asks before the ownership check and the transfer, the cash desk
	// before the hand-out. An error is no answer and nothing leaves (fail closed). Nil means
	// no screening. It is called outside any transaction, and is given a quarter of Lease to
	// answer, so that the screen, the ownership check and the transfer fit in one lease.
	Screen func(ctx context.Context, o Order) (Verdict, error)
}

func (c Config) withDefaults() Config {
	if c.Lease <= 0 {
		c.Lease = 2 * time.Minute
	}
	if c.Retry <= 0 {
		c.Retry = time.Minute
	}
	if c.Batch <= 0 {
		c.Batch = 16
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return c
}

// Service keeps the payout outbox and runs its worker.
type Service struct {
	db    *store.DB
	trail *audit.Trail
	bank  *bank.Client
	hooks Hooks
	cfg   Config
	wake  chan struct{}
}

// New returns the payout service. The database, trail, bank client and cfg.Vault are
// required: without the vault the orders' personal data could not be kept sealed (R37).
func New(db *store.DB, trail *audit.Trail, bank *bank.Client, hooks Hooks, cfg Config) (*Service, error) {
	if db == nil || trail == nil || bank == nil || cfg.Vault == nil {
		return nil, errors.New("payout: database, trail, bank client and vault are required")
	}
	return &Service{db: db, trail: trail, bank: bank, hooks: hooks, cfg: cfg.withDefaults(), wake: make(chan struct{}, 1)}, nil
}

// Enqueue records o in the caller's transaction, to be paid after it commits. The id is the
// caller's when given (it becomes the gateway's idempotency key), else the service assigns
// one; a cash-desk order waits for the cashier, every other is pending. Enqueueing
// the same reference again returns the order already there (a double click or a retry); a
// different payout under the same reference is fault.ErrConflict. Bad input, including a
// merchant payout without biometric identification (R9.4), is a field error and writes
// nothing; auditing the refusal is the caller's, whose transaction this is.
func (s *Service) Enqueue(ctx context.Context, tx *store.Tx, o Order) (Order, error) {
	if err := o.validate(); err != nil {
		return Order{}, err
	}
	var err error
	if o.ID == "" {
		if o.ID, err = newID(); err != nil {
			return Order{}, err
		}
	}
	now := tx.Now()
	o.Status, o.Reason, o.BankID, o.VoucherCode, o.Attempts = Pending, "", "", "", 0
	o.CreatedAt, o.SettledAt = now, time.Time{}
	if o.Kind == KindCashDesk {
		o.Status = AwaitingCashDesk
	}
	sealed, err := s.sealOrder(o)
	if err != nil {
		return Order{}, err
	}
	// The insert comes first and the reference's key decides: nothing is read unless an order
	// is already there (a double click or a retry), and then it is compared.
	res, err := tx.ExecContext(ctx, `INSERT INTO payout_order
		(id, reference, client_id, beneficiary_sealed, amount, kind, dest_kind, dest_iban_sealed, dest_card_token_sealed,
		 biometric_check_id, status, due_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) ON CONFLICT (reference) DO NOTHING`,
		o.ID, o.Reference, o.ClientID, sealed.beneficiary, int64(o.Amount), string(o.Kind), string(o.To.Kind),
		sealed.iban, sealed.token, o.BiometricCheckID, string(o.Status), now.UnixMicro())
	if store.IsUniqueViolation(err) {
		return Order{}, fault.Wrap(fault.ErrConflict, "payout_reference_conflict", "A payout is already being recorded for this contract.", err)
	}
	if err != nil {
		return Order{}, fmt.Errorf("payout: insert order: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return Order{}, err
	} else if n == 0 {
		existing, err := s.ByReference(ctx, tx, o.Reference)
		if err != nil {
			return Order{}, err
		}
		if !existing.sameAs(o) {
			return Order{}, fault.New(fault.ErrConflict, "payout_reference_conflict", "A different payout is already recorded for this contract.")
		}
		return existing, nil
	}
	if err := s.trail.Record(ctx, tx, audit.Event{Action: "payout.enqueued", ObjectType: "payout_order", ObjectID: o.ID, Change: o.auditView()}); err != nil {
		return Order{}, err
	}
	if o.Status == Pending {
		tx.AfterCommit(s.Wake)
	}
	return o, nil
}

// Find returns the order with id; with a nil tx it reads in a transaction of its own.
func (s *Service) Find(ctx context.Context, tx *store.Tx, id string) (Order, error) {
	return s.findBy(ctx, tx, "id", id)
}

// ByReference returns the order for the loan or contract ref; with a nil tx it reads in a
// transaction of its own.
func (s *Service) ByReference(ctx context.Context, tx *store.Tx, ref string) (Order, error) {
	return s.findBy(ctx, tx, "reference", ref)
}

const orderColumns = `id, reference, client_id, beneficiary_sealed, amount, kind, dest_kind, dest_iban_sealed,
	dest_card_token_sealed, biometric_check_id, status, reason, bank_id, voucher_code, voucher_code_sealed, attempts, created_at, settled_at,
	held_at, held_reasons, released_by, released_at`

func (s *Service) findBy(ctx context.Context, tx *store.Tx, column, value string) (Order, error) {
	if tx == nil {
		var o Order
		err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
			var err error
			o, err = s.findBy(ctx, tx, column, value)
			return err
		})
		return o, err
	}
	// column is one of two constants above, never input.
	o, err := s.scanOrder(tx.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM payout_order WHERE `+column+` = $1`, value))
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, fault.New(fault.ErrNotFound, "payout_not_found", "No such payout.")
	}
	return o, err
}

// prefixed qualifies each of the comma-separated columns with prefix ("o.").
func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// scanOrder reads one row of orderColumns, and into extra what the row has after them.
func (s *Service) scanOrder(row interface{ Scan(...any) error }, extra ...any) (Order, error) {
	var (
		o                              Order
		sealed                         sealedOrder
		amount, created                int64
		settled, held, released        sql.NullInt64
		kind, destKind, state, reasons string
		releasedBy                     sql.NullString
	)
	err := row.Scan(append([]any{&o.ID, &o.Reference, &o.ClientID, &sealed.beneficiary, &amount, &kind, &destKind, &sealed.iban,
		&sealed.token, &o.BiometricCheckID, &state, &o.Reason, &o.BankID, &o.VoucherCode, &sealed.voucher, &o.Attempts, &created, &settled,
		&held, &reasons, &releasedBy, &released}, extra...)...)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Order{}, err
		}
		return Order{}, fmt.Errorf("payout: read order: %w", err)
	}
	o.Amount, o.Kind, o.To.Kind, o.Status = money.Amount(amount), Kind(kind), bank.DestinationKind(destKind), Status(state)
	if err := s.openOrder(&o, sealed); err != nil {
		return Order{}, err
	}
	o.CreatedAt = time.UnixMicro(created).UTC()
	if settled.Valid {
		o.SettledAt = time.UnixMicro(settled.Int64).UTC()
	}
	if held.Valid {
		o.HeldAt = time.UnixMicro(held.Int64).UTC()
	}
	if reasons != "" {
		o.HeldReasons = strings.Split(reasons, ",")
	}
	if released.Valid {
		o.ReleasedBy, o.ReleasedAt = releasedBy.String, time.UnixMicro(released.Int64).UTC()
	}
	return o, nil
}

// newID returns 16 random bytes in hex, the id (and idempotency key) of an order.
func newID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("payout: id: %w", err)
	}
	return hex.EncodeToString(b), nil
}
