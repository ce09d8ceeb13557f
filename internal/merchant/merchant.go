// Package merchant keeps the registry of partner merchants (R8.6, R9.2, R9.4): legal entities
// under contract with the MFO to whom a loan may be paid for goods or services instead of to
// the client. Staff add and suspend them; a suspended merchant is never deleted, so loans
// already paid to it still name it. Merchant data is public business data, not personal data,
// and is kept in clear.
package merchant

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
)

// The statuses of a merchant.
const (
	// StatusActive: loans may be paid to the merchant.
	StatusActive = "active"
	// StatusSuspended: no new payment goes to the merchant (contract ended, a complaint, a
	// check failed).
	StatusSuspended = "suspended"
)

// maxText bounds the name and the contract reference.
const maxText = 200

// objectType names merchants in the audit trail.
const objectType = "merchant"

// Merchant is a partner merchant.
type Merchant struct {
	ID   string
	BIN  kz.BIN
	Name string
	// IBAN is the merchant's account that loans for its goods or services are paid to.
	IBAN    kz.IBAN
	Status  string // StatusActive or StatusSuspended
	AddedBy string
	AddedAt time.Time
	// ContractRef identifies the MFO's contract with the merchant (number and date).
	ContractRef string
	// SuspendedBy, SuspendedAt and SuspendReason are set once the merchant is suspended.
	SuspendedBy   string
	SuspendedAt   time.Time
	SuspendReason string
}

// Service keeps the registry.
type Service struct {
	db    *store.DB
	trail *audit.Trail
}

// New returns the registry over db.
func New(db *store.DB, trail *audit.Trail) *Service { return &Service{db: db, trail: trail} }

// Add registers m, added by staffID, as an active merchant and returns it as stored. The BIN
// and IBAN are checked again (kz.ParseBIN, kz.ParseIBAN), the BIN must be a legal entity's,
// and a BIN already registered is a conflict ("merchant_exists"). ID, Status, AddedBy and
// AddedAt of m are ignored.
func (s *Service) Add(ctx context.Context, staffID string, m Merchant) (Merchant, error) {
	if err := required("staff_id", staffID); err != nil {
		return Merchant{}, err
	}
	m, err := validate(m)
	if err != nil {
		return Merchant{}, err
	}
	m.Status, m.AddedBy = StatusActive, staffID
	m.SuspendedBy, m.SuspendedAt, m.SuspendReason = "", time.Time{}, ""
	ev := audit.Event{Action: "merchant.add_refused", ObjectType: objectType, ObjectID: m.BIN.String()}
	err = s.trail.Do(ctx, ev, refused, func(ctx context.Context, tx *store.Tx) error {
		id, err := newID()
		if err != nil {
			return err
		}
		m.ID, m.AddedAt = id, tx.Now()
		_, err = tx.ExecContext(ctx, `INSERT INTO merchant (id, bin, name, iban, contract_ref, status, added_by, added_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			m.ID, m.BIN.String(), m.Name, m.IBAN.String(), m.ContractRef, m.Status, m.AddedBy, m.AddedAt.UnixMicro())
		if store.IsUniqueViolation(err) {
			return fault.Wrap(fault.ErrConflict, "merchant_exists", "A merchant with this BIN is already registered.", err)
		}
		if err != nil {
			return fmt.Errorf("insert merchant: %w", err)
		}
		return s.trail.Record(ctx, tx, audit.Event{Action: "merchant.added", ObjectType: objectType, ObjectID: m.ID,
			Change: map[string]any{"bin": m.BIN.String(), "name": m.Name, "iban": m.IBAN.String(),
				"contract_ref": m.ContractRef, "added_by": staffID}})
	})
	if err != nil {
		return Merchant{}, fmt.Errorf("add merchant: %w", err)
	}
	return m, nil
}

// Suspend stops payments to merchant id from now on, on behalf of staffID, for reason.
// A merchant not active is a conflict ("merchant_not_active").
func (s *Service) Suspend(ctx context.Context, id, staffID, reason string) error {
	if err := required("staff_id", staffID); err != nil {
		return err
	}
	if err := required("reason", reason); err != nil {
		return err
	}
	ev := audit.Event{Action: "merchant.suspend_refused", ObjectType: objectType, ObjectID: id}
	err := s.trail.Do(ctx, ev, refused, func(ctx context.Context, tx *store.Tx) error {
		m, err := s.Find(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE merchant SET status = $1, suspended_by = $2, suspended_at = $3,
			suspend_reason = $4 WHERE id = $5 AND status = $6`,
			StatusSuspended, staffID, tx.Now().UnixMicro(), reason, id, StatusActive)
		if err != nil {
			return fmt.Errorf("suspend merchant: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("suspend merchant: %w", err)
		} else if n != 1 {
			return fault.New(fault.ErrConflict, "merchant_not_active", "The merchant is already suspended.")
		}
		return s.trail.Record(ctx, tx, audit.Event{Action: "merchant.suspended", ObjectType: objectType, ObjectID: id,
			Reason: reason, Change: map[string]any{"bin": m.BIN.String(), "from": m.Status, "to": StatusSuspended, "suspended_by": staffID}})
	})
	if err != nil {
		return fmt.Errorf("suspend merchant %s: %w", id, err)
	}
	return nil
}

// Find returns merchant id whatever its status, or fault.ErrNotFound "merchant_not_found".
func (s *Service) Find(ctx context.Context, tx *store.Tx, id string) (Merchant, error) {
	ms, err := query(ctx, tx, `WHERE id = $1`, id)
	if err != nil {
		return Merchant{}, err
	}
	if len(ms) == 0 {
		return Merchant{}, fault.New(fault.ErrNotFound, "merchant_not_found", "No such merchant.")
	}
	return ms[0], nil
}

// Active returns the merchants loans may be paid to, by name.
func (s *Service) Active(ctx context.Context, tx *store.Tx) ([]Merchant, error) {
	return query(ctx, tx, `WHERE status = $1 ORDER BY name, id`, StatusActive)
}

func query(ctx context.Context, tx *store.Tx, tail string, args ...any) ([]Merchant, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, bin, name, iban, contract_ref, status, added_by, added_at,
		suspended_by, suspended_at, suspend_reason FROM merchant `+tail, args...)
	if err != nil {
		return nil, fmt.Errorf("read merchants: %w", err)
	}
	defer rows.Close()
	var out []Merchant
	for rows.Next() {
		var (
			m           Merchant
			bin, iban   string
			addedAt     int64
			suspendedBy sql.NullString
			suspendedAt sql.NullInt64
		)
		if err := rows.Scan(&m.ID, &bin, &m.Name, &iban, &m.ContractRef, &m.Status, &m.AddedBy, &addedAt,
			&suspendedBy, &suspendedAt, &m.SuspendReason); err != nil {
			return nil, fmt.Errorf("scan merchant: %w", err)
		}
		// A stored BIN or IBAN that no longer parses is refused, not passed on to a payment.
		if m.BIN, err = kz.ParseBIN(bin); err != nil {
			return nil, fmt.Errorf("merchant %s: stored BIN: %w", m.ID, err)
		}
		if m.IBAN, err = kz.ParseIBAN(iban); err != nil {
			return nil, fmt.Errorf("merchant %s: stored IBAN: %w", m.ID, err)
		}
		m.AddedAt, m.SuspendedBy = time.UnixMicro(addedAt).UTC(), suspendedBy.String
		if suspendedAt.Valid {
			m.SuspendedAt = time.UnixMicro(suspendedAt.Int64).UTC()
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read merchants: %w", err)
	}
	return out, nil
}

// validate checks what staff typed and returns m with its text trimmed.
func validate(m Merchant) (Merchant, error) {
	if m.BIN.IsZero() {
		return m, fault.Field("bin", "is required")
	}
	if _, err := kz.ParseBIN(m.BIN.String()); err != nil {
		return m, fault.Field("bin", "%v", err)
	}
	if t := m.BIN.Type(); t != kz.ResidentLegalEntity && t != kz.NonResidentLegalEntity {
		return m, fault.Field("bin", "a partner merchant is a legal entity; this BIN is of type %s", t)
	}
	if m.IBAN.IsZero() {
		return m, fault.Field("iban", "is required")
	}
	if _, err := kz.ParseIBAN(m.IBAN.String()); err != nil {
		return m, fault.Field("iban", "%v", err)
	}
	m.Name, m.ContractRef = strings.TrimSpace(m.Name), strings.TrimSpace(m.ContractRef)
	if err := text("name", m.Name); err != nil {
		return m, err
	}
	if err := text("contract_ref", m.ContractRef); err != nil {
		return m, err
	}
	return m, nil
}

func text(field, s string) error {
	switch {
	case !utf8.ValidString(s):
		return fault.Field(field, "is not valid UTF-8")
	case s == "":
		return fault.Field(field, "is required")
	case utf8.RuneCountInString(s) > maxText:
		return fault.Field(field, "at most %d characters", maxText)
	case strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return fault.Field(field, "must not contain control characters")
	}
	return nil
}

func required(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return fault.Field(field, "is required")
	}
	return nil
}

// refused says which errors are refusals worth a refused-event in the audit trail.
func refused(err error) bool {
	return errors.Is(err, fault.ErrInvalid) || errors.Is(err, fault.ErrConflict) || errors.Is(err, fault.ErrNotFound)
}

func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("merchant: no randomness for an id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
