package loan

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/product"
	"nesie.kz/nesie/internal/schedule"
	"nesie.kz/nesie/internal/store"
)

// Application is what the client asks for (R7.1).
type Application struct {
	Product       string
	Amount        money.Amount
	Term          int
	Purpose       string
	MonthlyIncome money.Amount
	// Method is the schedule chosen among the drafts; empty takes the product's first and the
	// client may change it while the loan is a draft (R8.4).
	Method string
	// RulesVersion and RightsVersion are the versions of LendingRules (R8.2) and Rights (R8.5)
	// the client read and acknowledged; they must be the current ones.
	RulesVersion  string
	RightsVersion string
}

// newID returns a random 128-bit id in hex.
func newID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("loan: no randomness: %v", err))
	}
	return hex.EncodeToString(b)
}

// numberOf is the contract number of a loan: the day it was applied for and a part of its id.
func numberOf(id string, on date.Date) string {
	y, m, d := on.YMD()
	return fmt.Sprintf("MK-%04d%02d%02d-%s", y, m, d, strings.ToUpper(id[:8]))
}

// activeClient refuses a client who may not borrow now: not active, or with personal data
// marked leaked until the extra checks of R36 clear it.
func activeClient(c client.Client) error {
	if c.Status != client.Active {
		return fault.New(fault.ErrForbidden, "client_not_active", "Finish the registration before applying.")
	}
	if !c.CompromisedAt.IsZero() {
		return fault.New(fault.ErrForbidden, "client_compromised", "Your personal data may have leaked: confirm your identity again before applying.")
	}
	return nil
}

// Apply records the application as a draft loan with the method chosen, and returns it with
// the drafts of every method (R8.4).
func (s *Service) Apply(ctx context.Context, clientID string, a Application) (Loan, []Offer, error) {
	if a.RulesVersion != LendingRules().Version {
		return Loan{}, nil, fault.Field("rules_version", "must be %q: read the lending rules first (R8.2)", LendingRules().Version)
	}
	if a.RightsVersion != Rights().Version {
		return Loan{}, nil, fault.Field("rights_version", "must be %q: read your rights and obligations first (R8.5)", Rights().Version)
	}
	if a.Product == "" {
		return Loan{}, nil, fault.Field("product", "is required")
	}
	if a.Purpose = strings.TrimSpace(a.Purpose); a.Purpose == "" || utf8.RuneCountInString(a.Purpose) > 200 || strings.ContainsAny(a.Purpose, "\r\n") {
		return Loan{}, nil, fault.Field("purpose", "is required: one line of at most 200 characters")
	}
	if a.MonthlyIncome < 0 {
		return Loan{}, nil, fault.Field("monthly_income", "must not be negative")
	}
	var l Loan
	var offers []Offer
	// Only an insert of a new row: nothing read here can be made untrue by a concurrent write
	// that matters to it, so READ COMMITTED is enough.
	err := s.guarded(ctx, func(ctx context.Context, tx *store.Tx) error {
		// The client and the product, in one round trip.
		var c client.Client
		var v product.Version
		if err := tx.QueryBatch(ctx, s.Clients.Lookup(clientID, &c), s.Products.ActiveLookup(a.Product, &v)); err != nil {
			return err
		}
		if err := activeClient(c); err != nil {
			return err
		}
		if !slices.Contains(v.Spec.Borrowers, c.Kind) {
			return fault.Field("product", "is not offered to a client of kind %s", c.Kind)
		}
		method := v.Spec.Methods[0]
		var err error
		if a.Method != "" {
			if method, err = schedule.ParseMethod(a.Method); err != nil || !slices.Contains(v.Spec.Methods, method) {
				return fault.Field("method", "must be one of the product's methods")
			}
		}
		today := date.In(tx.Now())
		if offers, err = Offers(v, a.Amount, a.Term, today); err != nil {
			return err
		}
		l = Loan{ID: newID(), ClientID: c.ID, ProductVersionID: v.ID, Consumer: v.Spec.Kind == product.Consumer, Secured: v.Spec.Secured, IsCreditLine: v.Spec.CreditLine,
			ClientKind: c.Kind, Amount: a.Amount, Term: a.Term, Unit: v.Spec.Unit, Method: method, Purpose: a.Purpose,
			MonthlyIncome: a.MonthlyIncome, RulesVersion: a.RulesVersion, RightsVersion: a.RightsVersion, Status: Draft,
			CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		l.Number = numberOf(l.ID, today)
		return s.insert(ctx, tx, l, "loan.applied", "the client applied")
	})
	return l, offers, err
}

// insert writes a new loan (a draft, or a draw) with its audit event.
func (s *Service) insert(ctx context.Context, tx *store.Tx, l Loan, action, reason string) error {
	kind, parent := l.Kind, any(nil)
	if kind == "" {
		kind = KindLoan
	}
	if l.ParentID != "" {
		parent = l.ParentID
	}
	now := tx.Now().UnixMicro()
	err := tx.ExecDeferred(ctx, nil, `INSERT INTO loan (id, number, client_id, kind, parent_id, product_version_id, consumer, secured,
		credit_line, client_kind, amount, term, unit, method, purpose, monthly_income, rules_version, rights_version, acknowledged_at,
		status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21)`,
		l.ID, l.Number, l.ClientID, string(kind), parent, l.ProductVersionID, boolInt(l.Consumer), boolInt(l.Secured), boolInt(l.IsCreditLine),
		string(l.ClientKind), int64(l.Amount), l.Term, l.Unit.String(), l.Method.String(), l.Purpose, int64(l.MonthlyIncome),
		l.RulesVersion, l.RightsVersion, now, string(l.Status), now)
	if err != nil {
		return fmt.Errorf("insert loan: %w", err)
	}
	return s.Trail.Record(ctx, tx, audit.Event{Action: action, ObjectType: "loan", ObjectID: l.ID, Reason: reason,
		Change: map[string]any{"client_id": l.ClientID, "product_version_id": l.ProductVersionID, "amount": int64(l.Amount),
			"term": l.Term, "method": l.Method.String(), "status": string(l.Status), "rules_version": l.RulesVersion,
			"rights_version": l.RightsVersion, "parent_id": l.ParentID}})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Drafts returns the drafts of every method for a loan of the client, as of today (R8.4).
func (s *Service) Drafts(ctx context.Context, clientID, id string) (Loan, []Offer, error) {
	var l Loan
	var offers []Offer
	err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if l, err = s.owned(ctx, tx, clientID, id); err != nil {
			return err
		}
		v, err := s.Products.Terms(ctx, tx, l.ProductVersionID)
		if err != nil {
			return err
		}
		offers, err = Offers(v, l.Amount, l.Term, date.In(tx.Now()))
		return err
	})
	return l, offers, err
}

// Quote computes the drafts of an active product for any amount and term without recording
// anything: what the cabinet shows before the client applies.
func (s *Service) Quote(ctx context.Context, productCode string, amount money.Amount, term int) (product.Version, []Offer, error) {
	var v product.Version
	var offers []Offer
	err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if v, err = s.Products.Active(ctx, tx, productCode); err != nil {
			return err
		}
		offers, err = Offers(v, amount, term, date.In(tx.Now()))
		return err
	})
	return v, offers, err
}

// ChooseMethod records the client's choice among the drafts (R8.4) while the loan is a draft.
func (s *Service) ChooseMethod(ctx context.Context, clientID, id, method string) (Loan, error) {
	m, err := schedule.ParseMethod(method)
	if err != nil {
		return Loan{}, fault.Field("method", "must be one of annuity, differentiated, bullet, single")
	}
	var l Loan
	err = s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		if l, err = s.owned(ctx, tx, clientID, id); err != nil {
			return err
		}
		if l.Status != Draft {
			return errWrongStatus(l.Status, "change the method")
		}
		v, err := s.Products.Terms(ctx, tx, l.ProductVersionID)
		if err != nil {
			return err
		}
		if !slices.Contains(v.Spec.Methods, m) {
			return fault.Field("method", "is not one of the product's methods")
		}
		if err := tx.ExecExpect(ctx, 1, errMoved, `UPDATE loan SET method = $1, updated_at = $2 WHERE id = $3 AND status = 'draft'`,
			m.String(), tx.Now().UnixMicro(), l.ID); err != nil {
			return fmt.Errorf("choose method: %w", err)
		}
		l.Method = m
		return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.method_chosen", ObjectType: "loan", ObjectID: l.ID,
			Reason: "the client chose among the draft schedules", Change: map[string]any{"method": m.String()}})
	})
	return l, err
}
