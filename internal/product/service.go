package product

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/legalcap"
	"nesie.kz/nesie/internal/store"
)

// objectType names product versions in the audit trail.
const objectType = "product_version"

// Service keeps the products. Changes run in transactions of their own and record their
// audit events in them; a refused change is recorded in a transaction of its own.
type Service struct {
	db    *store.DB
	trail *audit.Trail
	caps  *legalcap.Book
	mrp   legalcap.MRP
	// specs caches the terms of versions by id: a version's spec never changes once proposed
	// (a trigger refuses it), so every loan made under it reads it from memory after the
	// first time.
	specs sync.Map // id → Version
}

// New returns the service over db, checking products against caps with the МРП table mrp.
func New(db *store.DB, trail *audit.Trail, caps *legalcap.Book, mrp legalcap.MRP) *Service {
	return &Service{db: db, trail: trail, caps: caps, mrp: mrp}
}

// refused says which errors are refusals worth a refused-event in the audit trail.
func refused(err error) bool {
	return errors.Is(err, fault.ErrInvalid) || errors.Is(err, fault.ErrForbidden) ||
		errors.Is(err, fault.ErrConflict) || errors.Is(err, fault.ErrNotFound)
}

// Propose records a new pending version of the product spec.Code (its first, or the next
// number) proposed by staffID. The spec is validated and checked against the caps in force
// on the transaction's date; a breach refuses it with the code "product_above_legal_caps"
// (the cause, a *CapsError, names each breach).
func (s *Service) Propose(ctx context.Context, staffID string, spec Spec) (Version, error) {
	if err := staffField(staffID); err != nil {
		return Version{}, err
	}
	if err := spec.Validate(); err != nil {
		return Version{}, err
	}
	spec = spec.normalised()
	var v Version
	ev := audit.Event{Action: "product.propose_refused", ObjectType: objectType, ObjectID: spec.Code}
	err := s.trail.Do(ctx, ev, refused, func(ctx context.Context, tx *store.Tx) error {
		if err := s.checkCaps(spec, date.In(tx.Now())); err != nil {
			return err
		}
		n, err := nextNumber(ctx, tx, spec.Code)
		if err != nil {
			return err
		}
		id, err := newID()
		if err != nil {
			return err
		}
		v = Version{ID: id, Code: spec.Code, Number: n, Spec: spec, Status: Pending, ProposedBy: staffID, ProposedAt: tx.Now()}
		if err := insertVersion(ctx, tx, v); store.IsUniqueViolation(err) {
			return fault.Wrap(fault.ErrConflict, "product_version_race", "Another version of this product was proposed at the same moment; try again.", err)
		} else if err != nil {
			return err
		}
		return s.trail.Record(ctx, tx, audit.Event{Action: "product.proposed", ObjectType: objectType, ObjectID: v.ID,
			Change: map[string]any{"code": v.Code, "number": v.Number, "proposed_by": staffID, "spec": specChange(spec)}})
	})
	if err != nil {
		return Version{}, fmt.Errorf("propose product %s: %w", spec.Code, err)
	}
	return v, nil
}

// Approve activates the pending version versionID on behalf of staffID, who must not be its
// proposer (four eyes: fault.ErrForbidden "four_eyes_required"). The caps are checked again
// on the approval date, since they may have changed since the proposal. The code's previous
// active version is retired in the same transaction; a version older than the active one is
// refused ("product_version_superseded") rather than put back in front of a newer one.
func (s *Service) Approve(ctx context.Context, versionID, staffID string) (Version, error) {
	if err := staffField(staffID); err != nil {
		return Version{}, err
	}
	var out Version
	ev := audit.Event{Action: "product.approve_refused", ObjectType: objectType, ObjectID: versionID}
	err := s.trail.Do(ctx, ev, refused, func(ctx context.Context, tx *store.Tx) error {
		v, err := s.pendingForDecision(ctx, tx, versionID, staffID)
		if err != nil {
			return err
		}
		if err := s.checkCaps(v.Spec, date.In(tx.Now())); err != nil {
			return err
		}
		prev, err := oneVersion(ctx, tx, `WHERE code = $1 AND status = 'active'`, v.Code)
		switch {
		case errors.Is(err, fault.ErrNotFound):
		case err != nil:
			return err
		case prev.Number > v.Number:
			return fault.New(fault.ErrConflict, "product_version_superseded",
				fmt.Sprintf("Version %d is active and newer than version %d; propose the change again.", prev.Number, v.Number))
		default:
			reason := fmt.Sprintf("replaced by version %d", v.Number)
			if err := move(ctx, tx, prev.ID, Active, Retired, `retired_by = $4, retired_at = $5, reason = $6`,
				staffID, tx.Now().UnixMicro(), reason); err != nil {
				return err
			}
			if err := s.trail.Record(ctx, tx, audit.Event{Action: "product.retired", ObjectType: objectType, ObjectID: prev.ID,
				Reason: reason, Change: map[string]any{"code": prev.Code, "number": prev.Number, "from": Active, "to": Retired}}); err != nil {
				return err
			}
		}
		if err := move(ctx, tx, v.ID, Pending, Active, `decided_by = $4, decided_at = $5`, staffID, tx.Now().UnixMicro()); err != nil {
			return err
		}
		v.Status, v.DecidedBy, v.DecidedAt = Active, staffID, tx.Now()
		out = v
		return s.trail.Record(ctx, tx, audit.Event{Action: "product.approved", ObjectType: objectType, ObjectID: v.ID,
			Change: map[string]any{"code": v.Code, "number": v.Number, "from": Pending, "to": Active,
				"proposed_by": v.ProposedBy, "approved_by": staffID}})
	})
	if err != nil {
		return Version{}, fmt.Errorf("approve product version %s: %w", versionID, err)
	}
	return out, nil
}

// Reject refuses the pending version versionID on behalf of staffID for reason. Like an
// approval it is a decision of a second staff member: the proposer may not reject their own
// proposal (they propose a corrected version instead, which someone else decides on).
func (s *Service) Reject(ctx context.Context, versionID, staffID, reason string) (Version, error) {
	if err := staffField(staffID); err != nil {
		return Version{}, err
	}
	if err := reasonField(reason); err != nil {
		return Version{}, err
	}
	var out Version
	ev := audit.Event{Action: "product.reject_refused", ObjectType: objectType, ObjectID: versionID}
	err := s.trail.Do(ctx, ev, refused, func(ctx context.Context, tx *store.Tx) error {
		v, err := s.pendingForDecision(ctx, tx, versionID, staffID)
		if err != nil {
			return err
		}
		if err := move(ctx, tx, v.ID, Pending, Rejected, `decided_by = $4, decided_at = $5, reason = $6`,
			staffID, tx.Now().UnixMicro(), reason); err != nil {
			return err
		}
		v.Status, v.DecidedBy, v.DecidedAt, v.Reason = Rejected, staffID, tx.Now(), reason
		out = v
		return s.trail.Record(ctx, tx, audit.Event{Action: "product.rejected", ObjectType: objectType, ObjectID: v.ID,
			Reason: reason, Change: map[string]any{"code": v.Code, "number": v.Number, "from": Pending, "to": Rejected,
				"proposed_by": v.ProposedBy, "rejected_by": staffID}})
	})
	if err != nil {
		return Version{}, fmt.Errorf("reject product version %s: %w", versionID, err)
	}
	return out, nil
}

// Retire withdraws the active version of code: clients are no longer offered the product.
// Loans made under it keep it. Withdrawing an offer can only make lending more cautious, so
// one staff member suffices; the reason is required and audited.
func (s *Service) Retire(ctx context.Context, code, staffID, reason string) error {
	if err := staffField(staffID); err != nil {
		return err
	}
	if err := reasonField(reason); err != nil {
		return err
	}
	ev := audit.Event{Action: "product.retire_refused", ObjectType: objectType, ObjectID: code}
	err := s.trail.Do(ctx, ev, refused, func(ctx context.Context, tx *store.Tx) error {
		v, err := s.Active(ctx, tx, code)
		if err != nil {
			return err
		}
		if err := move(ctx, tx, v.ID, Active, Retired, `retired_by = $4, retired_at = $5, reason = $6`,
			staffID, tx.Now().UnixMicro(), reason); err != nil {
			return err
		}
		return s.trail.Record(ctx, tx, audit.Event{Action: "product.retired", ObjectType: objectType, ObjectID: v.ID,
			Reason: reason, Change: map[string]any{"code": v.Code, "number": v.Number, "from": Active, "to": Retired, "retired_by": staffID}})
	})
	if err != nil {
		return fmt.Errorf("retire product %s: %w", code, err)
	}
	return nil
}

// pendingForDecision loads a version a second staff member is about to decide on.
func (s *Service) pendingForDecision(ctx context.Context, tx *store.Tx, versionID, staffID string) (Version, error) {
	v, err := s.Version(ctx, tx, versionID)
	if err != nil {
		return Version{}, err
	}
	if v.Status != Pending {
		return Version{}, fault.New(fault.ErrConflict, "product_not_pending",
			fmt.Sprintf("The version is %s, not awaiting a decision.", v.Status))
	}
	if v.ProposedBy == staffID {
		return Version{}, fault.New(fault.ErrForbidden, "four_eyes_required",
			"A product version is decided by a staff member other than the one who proposed it.")
	}
	return v, nil
}

// checkCaps refuses a spec that breaks the caps on day on at any corner.
func (s *Service) checkCaps(spec Spec, on date.Date) error {
	bs, err := spec.breaches(on, s.caps, s.mrp)
	if err != nil {
		return err
	}
	if len(bs) > 0 {
		ce := &CapsError{Breaches: bs}
		return fault.Wrap(fault.ErrInvalid, "product_above_legal_caps",
			"The product would allow loans above the legal caps: "+ce.describe()+".", ce)
	}
	return nil
}

func staffField(id string) error {
	if strings.TrimSpace(id) == "" {
		return fault.Field("staff_id", "is required")
	}
	return nil
}

func reasonField(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return fault.Field("reason", "is required")
	}
	return nil
}

// specChange is the spec as the audit trail records it: every term, in stored units.
func specChange(s Spec) map[string]any {
	methods := make([]string, len(s.Methods))
	for i, m := range s.Methods {
		methods[i] = m.String()
	}
	return map[string]any{
		"name_ru": s.NameRu, "name_kk": s.NameKk, "kind": s.Kind, "secured": s.Secured, "credit_line": s.CreditLine,
		"borrowers": s.Borrowers, "min_amount": s.MinAmount.Tiyn(), "max_amount": s.MaxAmount.Tiyn(),
		"unit": s.Unit.String(), "min_term": s.MinTerm, "max_term": s.MaxTerm,
		"annual_rate_micro": s.AnnualRate.Micro(), "upfront_fee": s.UpfrontFee.Tiyn(), "period_fee": s.PeriodFee.Tiyn(),
		"methods": methods, "day_count": s.DayCount.String(), "penalty_daily_micro": s.PenaltyDaily.Micro(),
	}
}
