package payout

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/store"
)

// R8-2.6: the anti-fraud system can suspend or reject a disbursement. Between the decision on
// an application and its money there may be a day or more (the cooling-off of R9-1, a refused
// payout sent again, a client who comes to the cash desk later) and the lists change meanwhile,
// so the order is screened again at the last moment before money leaves: by the worker before
// the ownership check and the transfer, by the cash desk before the hand-out. Deny fails the
// order ("fraud_suspected"); review holds it for staff ("held"); no answer leaves it where it
// was (fail closed). An order that may already have been sent is never screened: it is
// reconciled with the gateway first, and screened only once the gateway says it never saw it.

// Outcome is the anti-fraud answer about an order.
type Outcome string

// The outcomes.
const (
	// Allow lets the money go.
	Allow Outcome = "allow"
	// Review holds the order until a member of staff releases or rejects it.
	Review Outcome = "review"
	// Deny refuses the order: it fails, and nothing is sent.
	Deny Outcome = "deny"
)

// Verdict is the anti-fraud answer about an order, with its grounds.
type Verdict struct {
	Outcome Outcome
	// Reasons are stable codes ("list_iin", "signal_biometric_failed"): letters, digits and
	// "_.:-", at most 64 bytes each. The order keeps them while held, for staff to see.
	Reasons []string
	// Evidence is what the answer rests on, as the screen gives it. The audit trail keeps its
	// SHA-256 only: the evidence may name list entries and personal data.
	Evidence []byte
}

// The reasons the anti-fraud screen gives an order.
const (
	// ReasonAntifraudUnavailable: the screen gave no answer; the order waits (pending, due
	// again after Config.Retry) and nothing is sent.
	ReasonAntifraudUnavailable = "antifraud_unavailable"
	// ReasonFraudSuspected: the screen denied the order; it failed and nothing was sent.
	ReasonFraudSuspected = "fraud_suspected"
	// ReasonFraudReview: the screen asked for a review; the order is held for staff.
	ReasonFraudReview = "fraud_review"
	// ReasonFraudRejected: a member of staff rejected a held order; it failed.
	ReasonFraudRejected = "fraud_rejected"
)

// maxReasons bounds the reasons a verdict may give: they are stored with a held order.
const maxReasons = 32

// check reports a verdict no code can act on: an unknown outcome (the zero Verdict among them)
// or a reason that is not a stable code. The caller treats it as no answer.
func (v Verdict) check() error {
	if v.Outcome != Allow && v.Outcome != Review && v.Outcome != Deny {
		return fmt.Errorf("payout: the anti-fraud screen answered %q, not allow, review or deny", v.Outcome)
	}
	if len(v.Reasons) > maxReasons {
		return fmt.Errorf("payout: the anti-fraud screen gave %d reasons, more than %d", len(v.Reasons), maxReasons)
	}
	for _, r := range v.Reasons {
		if !reasonCode(r) {
			return fmt.Errorf("payout: the anti-fraud screen gave the reason %q, not a stable code", r)
		}
	}
	return nil
}

// reasonCode reports whether r is a stable code: 1 to 64 of a–z, A–Z, 0–9 and "_.:-". A held
// order keeps its reasons joined by commas, so a reason holds none.
func reasonCode(r string) bool {
	if r == "" || len(r) > 64 {
		return false
	}
	for i := 0; i < len(r); i++ {
		c := r[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.:-", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// auditView is what the audit trail keeps of a verdict: the outcome, the reasons and the
// evidence's SHA-256.
func (v Verdict) auditView() map[string]any {
	sum := sha256.Sum256(v.Evidence)
	return map[string]any{"screen_outcome": string(v.Outcome), "screen_reasons": v.Reasons,
		"evidence_sha256": hex.EncodeToString(sum[:])}
}

// releasedFor reports whether a member of staff released o from a hold for every reason v
// gives: a release overrides a review for the reasons staff saw, never a deny, and a review
// for a new reason holds the order again.
func releasedFor(o Order, v Verdict) bool {
	if v.Outcome != Review || o.ReleasedBy == "" {
		return false
	}
	for _, r := range v.Reasons {
		if !slices.Contains(o.HeldReasons, r) {
			return false
		}
	}
	return true
}

// ask puts o to the screen, bounded so that the screen, the ownership check and the transfer
// fit in one lease; a screen that errs, or answers nothing an order can act on, is an error.
func (s *Service) ask(ctx context.Context, o Order) (Verdict, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Lease/4)
	defer cancel()
	v, err := s.cfg.Screen(ctx, o)
	if err != nil {
		return Verdict{}, fmt.Errorf("payout: anti-fraud screen: %w", err)
	}
	return v, v.check()
}

// screenUnsent screens a claimed order that nothing has been sent for and acts on the
// answer. It returns true when the order must not go on to the gateway: put back (no answer),
// failed (deny) or held (review).
func (s *Service) screenUnsent(ctx context.Context, o Order) (bool, error) {
	if s.cfg.Screen == nil {
		return false, nil
	}
	v, err := s.ask(ctx, o)
	if err != nil {
		s.cfg.Log.Warn("payout: no anti-fraud answer; the order waits", "order", o.ID, "err", err)
		return true, s.postpone(ctx, o, ReasonAntifraudUnavailable)
	}
	switch {
	case v.Outcome == Deny:
		_, err := s.settle(ctx, o, Failed, ReasonFraudSuspected, bank.Transfer{}, v.auditView())
		return true, err
	case v.Outcome == Review && !releasedFor(o, v):
		_, err := s.hold(ctx, o, v)
		return true, err
	case v.Outcome == Review:
		s.cfg.Log.Info("payout: anti-fraud review overridden by the staff's release", "order", o.ID, "released_by", o.ReleasedBy)
	}
	return false, nil
}

// hold moves o from the status it was read in (its status and attempts guard the move) to
// held for the reasons of v, and audits it, in a transaction of its own. It reports false
// when the order had moved meanwhile (nothing is written). A hold clears an earlier release:
// the new hold waits for a new decision.
func (s *Service) hold(ctx context.Context, o Order, v Verdict) (held bool, err error) {
	err = s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		held = false
		now := tx.Now()
		res, err := tx.ExecContext(ctx, `UPDATE payout_order
			SET status = 'held', reason = $2, lease_until = NULL, held_at = $3, held_reasons = $4, released_by = NULL, released_at = NULL
			WHERE id = $1 AND status = $5 AND attempts = $6`,
			o.ID, ReasonFraudReview, now.UnixMicro(), strings.Join(v.Reasons, ","), string(o.Status), o.Attempts)
		if err != nil {
			return fmt.Errorf("payout: hold: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err // moved meanwhile: a newer claim, or the cashier, has it
		}
		h := o
		h.Status, h.Reason, h.HeldAt, h.HeldReasons, h.ReleasedBy, h.ReleasedAt = Held, ReasonFraudReview, now, v.Reasons, "", time.Time{}
		change := h.auditView()
		maps.Copy(change, v.auditView())
		if err := s.trail.Record(ctx, tx, audit.Event{Action: "payout.held", ObjectType: "payout_order", ObjectID: o.ID,
			Reason: ReasonFraudReview, Change: change}); err != nil {
			return err
		}
		held = true
		return nil
	})
	return held, err
}
