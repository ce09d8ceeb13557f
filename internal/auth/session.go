package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// Session is a signed-in device of a client.
type Session struct {
	ID       string
	ClientID string
	// Factor is the second factor the login passed.
	Factor        Factor
	IP, UserAgent string
	CreatedAt     time.Time
	LastSeenAt    time.Time
	// IdleExpiresAt is when the session ends unless used again; ExpiresAt when it ends anyway.
	IdleExpiresAt time.Time
	ExpiresAt     time.Time
}

func (s *Service) newSession(id string, ch challengeRow, now time.Time) Session {
	return Session{ID: id, ClientID: ch.clientID, Factor: ch.factor, IP: ch.ip, UserAgent: ch.userAgent,
		CreatedAt: now, LastSeenAt: now, IdleExpiresAt: now.Add(s.cfg.SessionIdle), ExpiresAt: now.Add(s.cfg.SessionAbsolute)}
}

func insertSession(ctx context.Context, tx *store.Tx, s Session, hash []byte) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO auth_session
		(id, token_hash, client_id, factor, ip, user_agent, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		s.ID, hash, s.ClientID, string(s.Factor), s.IP, s.UserAgent, s.CreatedAt.UnixMicro(), s.LastSeenAt.UnixMicro(), s.ExpiresAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

const sessionColumns = `id, client_id, factor, ip, user_agent, created_at, last_seen_at, expires_at, ended_at`

func (s *Service) scanSession(sc interface{ Scan(...any) error }) (Session, sql.NullInt64, error) {
	var out Session
	var factor string
	var created, seen, expires int64
	var ended sql.NullInt64
	if err := sc.Scan(&out.ID, &out.ClientID, &factor, &out.IP, &out.UserAgent, &created, &seen, &expires, &ended); err != nil {
		return Session{}, ended, err
	}
	out.Factor = Factor(factor)
	out.CreatedAt, out.LastSeenAt, out.ExpiresAt = time.UnixMicro(created).UTC(), time.UnixMicro(seen).UTC(), time.UnixMicro(expires).UTC()
	out.IdleExpiresAt = earlier(out.LastSeenAt.Add(s.cfg.SessionIdle), out.ExpiresAt)
	return out, ended, nil
}

// Authenticate returns the live session whose token this is and marks it used now. A session
// idle for SessionIdle or older than SessionAbsolute is ended (and audited) and refused.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	if token == "" || len(token) > 128 {
		return Session{}, ErrSessionInvalid
	}
	var sess Session
	var refusal error
	var ev audit.Event
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		refusal, ev = nil, audit.Event{}
		row := tx.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM auth_session WHERE token_hash = $1`, tokenHash(token))
		cur, ended, err := s.scanSession(row)
		if errors.Is(err, sql.ErrNoRows) {
			refusal = ErrSessionInvalid
			return nil
		}
		if err != nil {
			return fmt.Errorf("load session: %w", err)
		}
		ev = audit.Event{Action: "session.refused", ObjectType: "session", ObjectID: cur.ID}
		now := tx.Now()
		if ended.Valid {
			refusal = ErrSessionInvalid
			return nil
		}
		reason := ""
		switch {
		case !now.Before(cur.ExpiresAt):
			reason = "absolute"
		case !now.Before(cur.IdleExpiresAt):
			reason = "idle"
		}
		if reason != "" {
			refusal = ErrSessionExpired
			ev = audit.Event{}
			return s.endSession(ctx, tx, cur, "expired_"+reason, "session.expired")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE auth_session SET last_seen_at = $2 WHERE id = $1`, cur.ID, now.UnixMicro()); err != nil {
			return fmt.Errorf("touch session: %w", err)
		}
		cur.LastSeenAt = now
		cur.IdleExpiresAt = earlier(now.Add(s.cfg.SessionIdle), cur.ExpiresAt)
		sess = cur
		return nil
	})
	if err != nil {
		return Session{}, err
	}
	if refusal != nil {
		// A token of an ended session is worth a trace (it may be stolen); a token nobody
		// issued names nothing to record.
		if ev.Action != "" {
			return Session{}, s.refuse(ctx, ev, refusal)
		}
		return Session{}, refusal
	}
	return sess, nil
}

// endSession marks a live session ended for reason and records action.
func (s *Service) endSession(ctx context.Context, tx *store.Tx, sess Session, reason, action string) error {
	res, err := tx.ExecContext(ctx, `UPDATE auth_session SET ended_at = $2, end_reason = $3 WHERE id = $1 AND ended_at IS NULL`,
		sess.ID, tx.Now().UnixMicro(), reason)
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, fault.New(fault.ErrNotFound, "session_not_found", "No such session."))
	}
	return s.trail.Record(ctx, tx, audit.Event{Action: action, ObjectType: "session", ObjectID: sess.ID,
		Change: map[string]any{"client": sess.ClientID, "reason": reason}})
}

// Sessions lists the client's live sessions, newest first.
func (s *Service) Sessions(ctx context.Context, clientID string) ([]Session, error) {
	var out []Session
	err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		out = nil
		now := tx.Now()
		rows, err := tx.QueryContext(ctx, `SELECT `+sessionColumns+` FROM auth_session
			WHERE client_id = $1 AND ended_at IS NULL AND expires_at > $2 AND last_seen_at > $3
			ORDER BY created_at DESC, id`, clientID, now.UnixMicro(), now.Add(-s.cfg.SessionIdle).UnixMicro())
		if err != nil {
			return fmt.Errorf("list sessions: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			sess, _, err := s.scanSession(rows)
			if err != nil {
				return err
			}
			out = append(out, sess)
		}
		return rows.Err()
	})
	return out, err
}

// Revoke ends one of the client's sessions; another client's session is not found.
func (s *Service) Revoke(ctx context.Context, clientID, sessionID string) error {
	return s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		row := tx.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM auth_session WHERE id = $1 AND client_id = $2 AND ended_at IS NULL`, sessionID, clientID)
		sess, _, err := s.scanSession(row)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.New(fault.ErrNotFound, "session_not_found", "No such session.")
		}
		if err != nil {
			return fmt.Errorf("load session: %w", err)
		}
		return s.endSession(ctx, tx, sess, "revoked", "session.revoked")
	})
}

// Logout ends the session the token belongs to.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		row := tx.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM auth_session WHERE token_hash = $1 AND ended_at IS NULL`, tokenHash(token))
		sess, _, err := s.scanSession(row)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrSessionInvalid
		}
		if err != nil {
			return fmt.Errorf("load session: %w", err)
		}
		return s.endSession(ctx, tx, sess, "logout", "session.logged_out")
	})
}

// LogoutEverywhere ends every live session of the client and returns how many it ended.
func (s *Service) LogoutEverywhere(ctx context.Context, clientID string) (int, error) {
	var n int
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		n, err = endAllSessions(ctx, tx, clientID, "logout_everywhere")
		if err != nil {
			return err
		}
		return s.trail.Record(ctx, tx, audit.Event{Action: "session.logout_everywhere", ObjectType: "client", ObjectID: clientID,
			Change: map[string]any{"sessions_ended": n}})
	})
	return n, err
}

func endAllSessions(ctx context.Context, tx *store.Tx, clientID, reason string) (int, error) {
	res, err := tx.ExecContext(ctx, `UPDATE auth_session SET ended_at = $2, end_reason = $3 WHERE client_id = $1 AND ended_at IS NULL`,
		clientID, tx.Now().UnixMicro(), reason)
	if err != nil {
		return 0, fmt.Errorf("end sessions of %s: %w", clientID, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
