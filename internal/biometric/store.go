package biometric

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

func micro(t time.Time) int64 { return t.UnixMicro() }

func fromMicro(us int64) time.Time { return time.UnixMicro(us).UTC() }

// insertSession stores sess with its IIN as a blind index and sealed (R37). The insert goes
// out with the transaction's next statement (store.Tx.ExecDeferred); a clash with a value
// issued before fails the transaction with errIssuedBefore.
func (s *Service) insertSession(ctx context.Context, tx *store.Tx, sess Session) error {
	sealed, err := s.vault.Seal([]byte(sess.IIN.String()), sessionIINAAD(sess.ID))
	if err != nil {
		return fmt.Errorf("seal biometric session IIN: %w", err)
	}
	const q = `INSERT INTO biometric_session
		(id, provider_session_id, iin_index, iin_sealed, nonce, movements, status, attempts, max_attempts,
		 created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10)`
	return tx.ExecDeferred(ctx, func(err error) error {
		switch {
		case store.IsUniqueViolation(err):
			return errIssuedBefore
		case err != nil:
			return fmt.Errorf("store biometric session: %w", err)
		}
		return nil
	}, q, sess.ID, sess.ProviderSessionID, s.iinIndex(sess.IIN), sealed, sess.Nonce,
		sess.Movements.String(), string(sess.Status), sess.MaxAttempts, micro(sess.CreatedAt), micro(sess.ExpiresAt))
}

func nonceIssued(ctx context.Context, tx *store.Tx, nonce string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM biometric_session WHERE nonce = $1`, nonce).Scan(&n)
	return n > 0, err
}

var errSessionNotFound = fault.New(fault.ErrNotFound, "biometric_session_not_found", "No such biometric session.")

func (s *Service) loadSession(ctx context.Context, q *store.Tx, id string) (Session, error) {
	const sel = `SELECT id, provider_session_id, iin_sealed, nonce, movements, status, attempts, max_attempts,
		created_at, expires_at, ended_at FROM biometric_session WHERE id = $1`
	var sess Session
	var sealed []byte
	var movements, status string
	var created, expires int64
	var ended sql.NullInt64
	err := q.QueryRowContext(ctx, sel, id).Scan(&sess.ID, &sess.ProviderSessionID, &sealed, &sess.Nonce, &movements, &status,
		&sess.Attempts, &sess.MaxAttempts, &created, &expires, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, errSessionNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("load biometric session: %w", err)
	}
	if sess.IIN, err = s.openIIN(sealed, sessionIINAAD(sess.ID)); err != nil {
		return Session{}, fmt.Errorf("load biometric session %s: %w", id, err)
	}
	if sess.Movements, err = splitSequence(movements); err != nil {
		return Session{}, fmt.Errorf("load biometric session %s: %w", id, err)
	}
	sess.Status = Status(status)
	sess.CreatedAt, sess.ExpiresAt = fromMicro(created), fromMicro(expires)
	if ended.Valid {
		sess.EndedAt = fromMicro(ended.Int64)
	}
	return sess, nil
}

// moveSession records the session's new status and attempts, guarded by the status and the
// attempts it was read with, so that two racing completions cannot both count.
func moveSession(ctx context.Context, tx *store.Tx, s Session, to Status, attempts int) error {
	// An open session stays open after a failed attempt that is not the last.
	if s.Status != StatusOpen || (to != StatusOpen && !s.Status.CanBecome(to)) {
		return fault.New(fault.ErrConflict, "biometric_session_closed", "The biometric session has already ended.")
	}
	var ended any
	if to != StatusOpen {
		ended = micro(tx.Now())
	}
	return tx.ExecExpect(ctx, 1, errSessionBusy, `UPDATE biometric_session SET status = $1, attempts = $2, ended_at = $3
		WHERE id = $4 AND status = $5 AND attempts = $6`, string(to), attempts, ended, s.ID, string(s.Status), s.Attempts)
}

// errSessionBusy is a guarded move of a session that found it changed meanwhile.
var errSessionBusy = fault.New(fault.ErrConflict, "biometric_session_busy", "The biometric session changed meanwhile; try again.")

// insertCheck keeps c, its raw result sealed (it carries the IIN, R37) and its digest over the
// bytes as received (R34).
func (s *Service) insertCheck(ctx context.Context, tx *store.Tx, c Check) error {
	const q = `INSERT INTO biometric_check
		(id, session_id, attempt, outcome, reason, similarity_permille, provider_checked_at, received_at,
		 raw_result, raw_digest, signature)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
	outcome := "refused"
	if c.Passed {
		outcome = "passed"
	}
	digest := sha256.Sum256(c.Raw)
	sealed, err := s.vault.Seal(c.Raw, rawResultAAD(c.ID))
	if err != nil {
		return fmt.Errorf("seal biometric result: %w", err)
	}
	return tx.ExecDeferred(ctx, func(err error) error {
		if err != nil {
			return fmt.Errorf("store biometric check: %w", err)
		}
		return nil
	}, q, c.ID, c.SessionID, c.Attempt, outcome, c.Reason, c.SimilarityPermille,
		micro(c.ProviderCheckedAt), micro(c.ReceivedAt), sealed, digest[:], c.Signature)
}

// loadChecks returns the session's checks with their raw results opened, each checked
// against the digest kept beside it.
func (s *Service) loadChecks(ctx context.Context, tx *store.Tx, sessionID string) ([]Check, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, session_id, attempt, outcome, reason, similarity_permille,
		provider_checked_at, received_at, raw_result, raw_digest, signature
		FROM biometric_check WHERE session_id = $1 ORDER BY attempt`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("load biometric checks: %w", err)
	}
	defer rows.Close()
	var out []Check
	for rows.Next() {
		var c Check
		var outcome string
		var checked, received int64
		var sealed, digest []byte
		if err := rows.Scan(&c.ID, &c.SessionID, &c.Attempt, &outcome, &c.Reason, &c.SimilarityPermille,
			&checked, &received, &sealed, &digest, &c.Signature); err != nil {
			return nil, fmt.Errorf("load biometric checks: %w", err)
		}
		if c.Raw, err = s.vault.Open(sealed, rawResultAAD(c.ID)); err != nil {
			return nil, fmt.Errorf("open biometric check %s: %w", c.ID, err)
		}
		if sum := sha256.Sum256(c.Raw); !bytes.Equal(sum[:], digest) {
			return nil, fmt.Errorf("biometric check %s: raw result does not match its digest", c.ID)
		}
		c.Passed = outcome == "passed"
		c.ProviderCheckedAt, c.ReceivedAt = fromMicro(checked), fromMicro(received)
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Service) insertFraudSignal(ctx context.Context, tx *store.Tx, sess Session, details string) error {
	id := newID()
	sealed, err := s.vault.Seal([]byte(sess.IIN.String()), signalIINAAD(id))
	if err != nil {
		return fmt.Errorf("seal anti-fraud signal IIN: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO antifraud_signal
		(id, kind, iin_index, iin_sealed, object_type, object_id, details, raised_at)
		VALUES ($1, $2, $3, $4, 'biometric_session', $5, $6, $7)`,
		id, FraudSignalKind, s.iinIndex(sess.IIN), sealed, sess.ID, details, micro(tx.Now()))
	if err != nil {
		return fmt.Errorf("raise anti-fraud signal: %w", err)
	}
	return nil
}
