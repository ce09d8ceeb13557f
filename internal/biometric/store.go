package biometric

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
)

// querier is a *store.Tx; the read helpers take it so they run inside the caller's unit of work.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func micro(t time.Time) int64 { return t.UnixMicro() }

func fromMicro(us int64) time.Time { return time.UnixMicro(us).UTC() }

func insertSession(ctx context.Context, tx *store.Tx, s Session) error {
	const q = `INSERT INTO biometric_session
		(id, provider_session_id, iin, nonce, movements, status, attempts, max_attempts, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9)`
	_, err := tx.ExecContext(ctx, q, s.ID, s.ProviderSessionID, s.IIN.String(), s.Nonce, s.Movements.String(),
		string(s.Status), s.MaxAttempts, micro(s.CreatedAt), micro(s.ExpiresAt))
	return err
}

// sequenceIssued reports whether seq was issued to iin before, or nonce to anyone.
func sequenceIssued(ctx context.Context, tx *store.Tx, iin kz.IIN, seq Sequence) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM biometric_session WHERE iin = $1 AND movements = $2`,
		iin.String(), seq.String()).Scan(&n)
	return n > 0, err
}

func nonceIssued(ctx context.Context, tx *store.Tx, nonce string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM biometric_session WHERE nonce = $1`, nonce).Scan(&n)
	return n > 0, err
}

var errSessionNotFound = fault.New(fault.ErrNotFound, "biometric_session_not_found", "No such biometric session.")

func loadSession(ctx context.Context, q querier, id string) (Session, error) {
	const sel = `SELECT id, provider_session_id, iin, nonce, movements, status, attempts, max_attempts,
		created_at, expires_at, ended_at FROM biometric_session WHERE id = $1`
	var s Session
	var iin, movements, status string
	var created, expires int64
	var ended sql.NullInt64
	err := q.QueryRowContext(ctx, sel, id).Scan(&s.ID, &s.ProviderSessionID, &iin, &s.Nonce, &movements, &status,
		&s.Attempts, &s.MaxAttempts, &created, &expires, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, errSessionNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("load biometric session: %w", err)
	}
	if s.IIN, err = kz.ParseIIN(iin); err != nil {
		return Session{}, fmt.Errorf("load biometric session %s: %w", id, err)
	}
	if s.Movements, err = splitSequence(movements); err != nil {
		return Session{}, fmt.Errorf("load biometric session %s: %w", id, err)
	}
	s.Status = Status(status)
	s.CreatedAt, s.ExpiresAt = fromMicro(created), fromMicro(expires)
	if ended.Valid {
		s.EndedAt = fromMicro(ended.Int64)
	}
	return s, nil
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
	res, err := tx.ExecContext(ctx, `UPDATE biometric_session SET status = $1, attempts = $2, ended_at = $3
		WHERE id = $4 AND status = $5 AND attempts = $6`, string(to), attempts, ended, s.ID, string(s.Status), s.Attempts)
	if err != nil {
		return fmt.Errorf("update biometric session: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fault.New(fault.ErrConflict, "biometric_session_busy", "The biometric session changed meanwhile; try again.")
	}
	return nil
}

func insertCheck(ctx context.Context, tx *store.Tx, c Check) error {
	const q = `INSERT INTO biometric_check
		(id, session_id, attempt, outcome, reason, similarity_permille, provider_checked_at, received_at,
		 raw_result, raw_digest, signature)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`
	outcome := "refused"
	if c.Passed {
		outcome = "passed"
	}
	digest := sha256.Sum256(c.Raw)
	_, err := tx.ExecContext(ctx, q, c.ID, c.SessionID, c.Attempt, outcome, c.Reason, c.SimilarityPermille,
		micro(c.ProviderCheckedAt), micro(c.ReceivedAt), c.Raw, digest[:], c.Signature)
	if err != nil {
		return fmt.Errorf("store biometric check: %w", err)
	}
	return nil
}

func loadChecks(ctx context.Context, tx *store.Tx, sessionID string) ([]Check, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, session_id, attempt, outcome, reason, similarity_permille,
		provider_checked_at, received_at, raw_result, signature
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
		if err := rows.Scan(&c.ID, &c.SessionID, &c.Attempt, &outcome, &c.Reason, &c.SimilarityPermille,
			&checked, &received, &c.Raw, &c.Signature); err != nil {
			return nil, fmt.Errorf("load biometric checks: %w", err)
		}
		c.Passed = outcome == "passed"
		c.ProviderCheckedAt, c.ReceivedAt = fromMicro(checked), fromMicro(received)
		out = append(out, c)
	}
	return out, rows.Err()
}

func insertFraudSignal(ctx context.Context, tx *store.Tx, s Session, details string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO antifraud_signal (id, kind, iin, object_type, object_id, details, raised_at)
		VALUES ($1, $2, $3, 'biometric_session', $4, $5, $6)`,
		newID(), FraudSignalKind, s.IIN.String(), s.ID, details, micro(tx.Now()))
	if err != nil {
		return fmt.Errorf("raise anti-fraud signal: %w", err)
	}
	return nil
}
