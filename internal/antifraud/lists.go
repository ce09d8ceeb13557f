package antifraud

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/vault"
)

// Subject is what the loan flow knows of the client and the operation when it asks.
type Subject struct {
	ClientID string
	IIN      kz.IIN
	// Phone and IBAN as the client gave them; empty when not known at this stage.
	Phone string
	IBAN  string
	// DeviceID and Amount are for the rules engine to come; the list check does not use them.
	DeviceID string
	Amount   money.Amount
	// Stage is StageApplication or StagePayout.
	Stage string
}

// The stages the loan flow asks at.
const (
	StageApplication = "application"
	StagePayout      = "payout"
)

// Outcome is the anti-fraud answer.
type Outcome string

// The outcomes.
const (
	Allow  Outcome = "allow"
	Review Outcome = "review"
	Deny   Outcome = "deny"
)

// Decision is an answer with its grounds.
type Decision struct {
	Outcome Outcome
	// Reasons are stable codes: "list_iin", "list_phone", "list_iban" (a live list entry),
	// "signal_<kind>" (an unconsumed anti-fraud signal).
	Reasons []string
	// ListEntryIDs are the list entries that matched.
	ListEntryIDs []string
}

// Decider answers the anti-fraud question. An error means no answer: the caller fails closed.
type Decider interface {
	Decide(ctx context.Context, s Subject) (Decision, error)
}

// ListKind is what a list entry holds.
type ListKind string

// The kinds of list entry.
const (
	KindIIN   ListKind = "iin"
	KindPhone ListKind = "phone"
	KindIBAN  ListKind = "iban"
)

// The sources of a list entry.
const (
	SourceInternal = "internal"
	SourceAFC      = "afc"
)

// Entry is one value on a stop list.
type Entry struct {
	ID   string
	Kind ListKind
	// Value in canonical form: 12 IIN digits, E.164 phone, 20-character IBAN.
	Value string
	// Source is SourceInternal (staff) or SourceAFC (the anti-fraud centre).
	Source  string
	Reason  string
	AddedBy string
	// AddedAt, and RemovedAt (zero while the entry is live).
	AddedAt, RemovedAt time.Time
	// Deny refuses a matching client; false sends the client to staff review.
	Deny bool
}

// Lists is the built-in anti-fraud check over the stop lists and signals.
type Lists struct {
	db    *store.DB
	trail *audit.Trail
	vault *vault.Vault
}

var _ Decider = (*Lists)(nil)

// New returns the stop lists.
func New(db *store.DB, trail *audit.Trail, v *vault.Vault) *Lists {
	return &Lists{db: db, trail: trail, vault: v}
}

// canonical checks value as kind and returns its canonical form and the masked form the
// audit trail shows.
func canonical(kind ListKind, value string) (string, string, error) {
	switch kind {
	case KindIIN:
		n, err := kz.ParseIIN(value)
		if err != nil {
			return "", "", fault.Field("value", "is not a valid IIN: %v", err)
		}
		return n.String(), n.Masked(), nil
	case KindPhone:
		p, err := kz.ParsePhone(value)
		if err != nil {
			return "", "", fault.Field("value", "is not a valid Kazakh mobile number: %v", err)
		}
		return p.String(), p.Masked(), nil
	case KindIBAN:
		i, err := kz.ParseIBAN(value)
		if err != nil {
			return "", "", fault.Field("value", "is not a valid Kazakh IBAN: %v", err)
		}
		return i.String(), i.Masked(), nil
	default:
		return "", "", fault.Field("kind", "must be iin, phone or iban, not %q", string(kind))
	}
}

func valueAAD(id string) []byte { return vault.AAD("antifraud_list_entry", "value_sealed", id) }

// Add puts a value on the list, audited, and returns the entry as stored.
func (l *Lists) Add(ctx context.Context, actor string, e Entry) (Entry, error) {
	value, masked, err := canonical(e.Kind, e.Value)
	if err != nil {
		return Entry{}, err
	}
	if e.Source == "" {
		e.Source = SourceInternal
	}
	switch {
	case strings.TrimSpace(actor) == "":
		return Entry{}, fault.Field("actor", "is required")
	case e.Source != SourceInternal && e.Source != SourceAFC:
		return Entry{}, fault.Field("source", "must be internal or afc, not %q", e.Source)
	case strings.TrimSpace(e.Reason) == "":
		return Entry{}, fault.Field("reason", "is required")
	}
	e.ID, e.Value, e.AddedBy, e.RemovedAt = newID(), value, actor, time.Time{}
	sealed, err := l.vault.Seal([]byte(value), valueAAD(e.ID))
	if err != nil {
		return Entry{}, fmt.Errorf("seal list value: %w", err)
	}
	index := l.vault.Index(string(e.Kind), value)
	err = l.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		e.AddedAt = tx.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO antifraud_list_entry
			(id, kind, value_index, value_sealed, source, reason, deny, added_by, added_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			e.ID, string(e.Kind), index, sealed, e.Source, e.Reason, boolInt(e.Deny), actor, e.AddedAt.UnixMicro()); err != nil {
			return fmt.Errorf("insert list entry: %w", err)
		}
		return l.trail.Record(ctx, tx, audit.Event{Action: "antifraud.list_entry_added", ObjectType: "antifraud_list_entry",
			ObjectID: e.ID, Reason: e.Reason,
			Change: map[string]any{"kind": string(e.Kind), "value": masked, "source": e.Source, "deny": e.Deny, "added_by": actor}})
	})
	if err != nil {
		return Entry{}, err
	}
	return e, nil
}

// Remove takes an entry off the list: it stays stored, stamped with who removed it and why.
func (l *Lists) Remove(ctx context.Context, id, actor, reason string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return fault.Field("id", "is required")
	case strings.TrimSpace(actor) == "":
		return fault.Field("actor", "is required")
	case strings.TrimSpace(reason) == "":
		return fault.Field("reason", "is required")
	}
	return l.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		var removed *int64
		err := tx.QueryRowContext(ctx, `SELECT removed_at FROM antifraud_list_entry WHERE id = $1`, id).Scan(&removed)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.New(fault.ErrNotFound, "antifraud_entry_not_found", "No such anti-fraud list entry.")
		}
		if err != nil {
			return fmt.Errorf("read list entry: %w", err)
		}
		if removed != nil {
			return fault.New(fault.ErrConflict, "antifraud_entry_removed", "The anti-fraud list entry is already removed.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE antifraud_list_entry SET removed_at = $2, removed_by = $3, removal_reason = $4
			WHERE id = $1 AND removed_at IS NULL`, id, tx.Now().UnixMicro(), actor, reason); err != nil {
			return fmt.Errorf("remove list entry: %w", err)
		}
		return l.trail.Record(ctx, tx, audit.Event{Action: "antifraud.list_entry_removed", ObjectType: "antifraud_list_entry",
			ObjectID: id, Reason: reason, Change: map[string]any{"removed_by": actor}})
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func newID() string {
	b := make([]byte, 16)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
