package biometric

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// The refusal codes a check may end with, and the message each shows.
var refusalMessages = map[string]string{
	"biometric_signature_invalid":  "The biometric result is not signed by the identification service.",
	"biometric_result_replayed":    "The biometric result does not belong to this session.",
	"biometric_result_foreign":     "The biometric result names another session or person.",
	"biometric_result_stale":       "The biometric result is too old; perform the movements again.",
	"biometric_liveness_failed":    "Liveness was not confirmed; perform the movements again.",
	"biometric_movements_mismatch": "The movements performed are not the ones asked for, in that order.",
	"biometric_similarity_low":     "The face does not match the reference photo.",
}

// futureSkew is how far ahead of Nesie's clock a provider's checked_at may be: the two
// clocks are never exactly together, but a result from further ahead is not fresh, it is wrong.
const futureSkew = 30 * time.Second

// evaluate runs every check on a decoded result for sess at now and returns the first
// refusal's code, or "" when the result may be trusted. The signature comes first: nothing
// else in an unsigned result means anything.
func (s *Service) evaluate(r Result, sess Session, now time.Time) string {
	switch {
	case r.verify(s.cfg.ProviderKey) != nil:
		return "biometric_signature_invalid"
	case r.Nonce != sess.Nonce:
		return "biometric_result_replayed"
	case r.SessionID != sess.ProviderSessionID || r.IIN != sess.IIN:
		return "biometric_result_foreign"
	case now.Sub(r.CheckedAt) > s.cfg.Freshness || r.CheckedAt.Sub(now) > futureSkew || r.CheckedAt.Before(sess.CreatedAt.Add(-futureSkew)):
		return "biometric_result_stale"
	case !r.LivenessPassed:
		return "biometric_liveness_failed"
	case !r.MovementsSeen.Equal(sess.Movements):
		return "biometric_movements_mismatch"
	case r.SimilarityPermille < s.cfg.MinSimilarity:
		return "biometric_similarity_low"
	}
	return ""
}

// Complete fetches the session's result from the provider, checks it, and keeps the check
// as an electronic document (R34) whatever its outcome. A passed check ends the session; a
// refused one counts an attempt, and the MaxAttempts-th ends the session and raises an
// anti-fraud signal. A refusal returns the kept Check together with an ErrForbidden error
// whose code says which check failed. A provider that fails or answers something that is not
// a result is ErrUnavailable: no attempt is counted and nothing is trusted.
func (s *Service) Complete(ctx context.Context, sessionID string) (Check, error) {
	sess, err := s.FindSession(ctx, sessionID)
	if err != nil {
		return Check{}, err
	}
	if sess.Status != StatusOpen {
		return Check{}, fault.New(fault.ErrConflict, "biometric_session_closed", "The biometric session has already ended.")
	}
	if !s.clock.Now().Before(sess.ExpiresAt) {
		return Check{}, s.expire(ctx, sess)
	}
	raw, err := s.client.FetchResult(ctx, sess.ProviderSessionID)
	if err == nil {
		var r Result
		if r, err = decodeResult(raw); err == nil {
			return s.keep(ctx, sess, raw, r)
		}
		err = unavailable(err)
	}
	ev := audit.Event{Action: "biometric.check_unavailable", ObjectType: "biometric_session", ObjectID: sess.ID}
	if aerr := s.trail.Refused(ctx, ev, err); aerr != nil {
		return Check{}, errors.Join(err, aerr)
	}
	return Check{}, err
}

// keep checks r inside one transaction — one "now" for freshness and the record — and
// stores the check, the session's new state and their audit events together.
func (s *Service) keep(ctx context.Context, sess Session, raw []byte, r Result) (Check, error) {
	var check Check
	var ended bool
	// The session as read before asking the provider: the move below is guarded by its status
	// and attempts, so a completion that raced this one makes it fail instead of counting
	// twice, without a second read or SERIALIZABLE's predicate locks.
	cur := sess
	err := s.db.TransactWith(ctx, store.TxOptions{ReadCommitted: true}, func(ctx context.Context, tx *store.Tx) error {
		now := tx.Now()
		reason := s.evaluate(r, cur, now)
		check = Check{
			ID: newID(), SessionID: cur.ID, Attempt: cur.Attempts + 1, Passed: reason == "", Reason: reason,
			SimilarityPermille: r.SimilarityPermille, ProviderCheckedAt: r.CheckedAt, ReceivedAt: now,
			Raw: raw, Signature: r.Signature,
		}
		// A passed check is numbered after the failed ones, which are all the attempts so far.
		to, attempts := StatusPassed, cur.Attempts
		if !check.Passed {
			to, attempts = StatusOpen, cur.Attempts+1
			if attempts >= cur.MaxAttempts {
				to = StatusFailed
			}
		}
		ended = to == StatusFailed
		if err := moveSession(ctx, tx, cur, to, attempts); err != nil {
			return err
		}
		if err := s.insertCheck(ctx, tx, check); err != nil {
			return err
		}
		action := "biometric.check_passed"
		if !check.Passed {
			action = "biometric.check_refused"
		}
		change := map[string]any{"check_id": check.ID, "attempt": check.Attempt, "similarity_permille": check.SimilarityPermille,
			"iin": cur.IIN.Masked(), "session_status": string(to)}
		if err := s.trail.Record(ctx, tx, audit.Event{Action: action, ObjectType: "biometric_session", ObjectID: cur.ID,
			Reason: reason, Change: change}); err != nil {
			return err
		}
		if ended {
			return s.raiseFraud(ctx, tx, cur, attempts)
		}
		return nil
	})
	if err != nil {
		return Check{}, err
	}
	if check.Passed {
		return check, nil
	}
	msg := refusalMessages[check.Reason]
	if ended {
		msg += fmt.Sprintf(" The session has ended after %d failed attempts.", sess.MaxAttempts)
	}
	return check, fault.New(fault.ErrForbidden, check.Reason, msg)
}

// raiseFraud records that a session failed every attempt: a row for the anti-fraud analysis
// and an audit event, in the transaction that ended the session.
func (s *Service) raiseFraud(ctx context.Context, tx *store.Tx, sess Session, attempts int) error {
	details, err := json.Marshal(map[string]any{"session_id": sess.ID, "provider_session_id": sess.ProviderSessionID,
		"failed_attempts": attempts})
	if err != nil {
		return err
	}
	if err := s.insertFraudSignal(ctx, tx, sess, string(details)); err != nil {
		return err
	}
	return s.trail.Record(ctx, tx, audit.Event{Action: "biometric.fraud_suspected", ObjectType: "biometric_session",
		ObjectID: sess.ID, Reason: fmt.Sprintf("%d failed biometric checks", attempts),
		Change: map[string]any{"iin": sess.IIN.Masked(), "failed_attempts": attempts}})
}

// expire ends a session whose time ran out and returns the refusal to show.
func (s *Service) expire(ctx context.Context, sess Session) error {
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		cur, err := s.loadSession(ctx, tx, sess.ID)
		if err != nil {
			return err
		}
		if err := moveSession(ctx, tx, cur, StatusExpired, cur.Attempts); err != nil {
			return err
		}
		return s.trail.Record(ctx, tx, audit.Event{Action: "biometric.session_expired", ObjectType: "biometric_session",
			ObjectID: cur.ID, Change: map[string]any{"attempts": cur.Attempts}})
	})
	if err != nil {
		return err
	}
	return fault.New(fault.ErrConflict, "biometric_session_expired", "The biometric session has expired; start a new one.")
}
