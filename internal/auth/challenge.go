package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/otp"
	"nesie.kz/nesie/internal/store"
)

// Factor is a second factor.
type Factor string

// The second factors.
const (
	FactorSMS  Factor = "sms"
	FactorTOTP Factor = "totp"
)

// Challenge is the second step of a login or recovery, handed to the client.
type Challenge struct {
	ID        string
	Factor    Factor
	ExpiresAt time.Time
	// SentTo is the masked phone number an SMS code went to; empty for TOTP.
	SentTo string
}

type purpose string

const (
	purposeLogin    purpose = "login"
	purposeRecovery purpose = "recovery"
)

type challengeRow struct {
	id, clientID  string
	purpose       purpose
	factor        Factor
	codeHash      []byte
	expiresAt     int64
	triesLeft     int
	usedAt        sql.NullInt64
	ip, userAgent string
}

// newChallenge is a challenge ready to insert, with its SMS code (empty for TOTP). It is made
// outside the transaction so that a retried transaction inserts the same code it sends.
func (s *Service) newChallenge(p purpose, f Factor, clientID, ip, ua string, now time.Time) (challengeRow, string, error) {
	id, err := newID()
	if err != nil {
		return challengeRow{}, "", err
	}
	ch := challengeRow{id: id, clientID: clientID, purpose: p, factor: f, expiresAt: now.Add(s.cfg.CodeLifetime).UnixMicro(),
		triesLeft: s.cfg.CodeTries, ip: ip, userAgent: ua}
	var code string
	if f == FactorSMS {
		if code, err = otp.New(); err != nil {
			return challengeRow{}, "", err
		}
		ch.codeHash = otp.Hash(smsCodePurpose, id, code)
	}
	return ch, code, nil
}

func insertChallenge(ctx context.Context, tx *store.Tx, ch challengeRow) error {
	// The expiry counts from the transaction's "now", not from when the row was prepared.
	created := tx.Now().UnixMicro()
	_, err := tx.ExecContext(ctx, `INSERT INTO auth_challenge
		(id, client_id, purpose, factor, code_hash, created_at, expires_at, tries_left, ip, user_agent)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		ch.id, ch.clientID, string(ch.purpose), string(ch.factor), ch.codeHash, created, max(ch.expiresAt, created+1), ch.triesLeft, ch.ip, ch.userAgent)
	if err != nil {
		return fmt.Errorf("insert challenge: %w", err)
	}
	return nil
}

// loadChallenge returns the challenge id of purpose p, or ErrChallengeUnknown as a refusal.
func loadChallenge(ctx context.Context, tx *store.Tx, id string, p purpose) (challengeRow, error) {
	ch := challengeRow{id: id}
	var pur, fac string
	err := tx.QueryRowContext(ctx, `SELECT client_id, purpose, factor, code_hash, expires_at, tries_left, used_at, ip, user_agent
		FROM auth_challenge WHERE id = $1`, id).
		Scan(&ch.clientID, &pur, &fac, &ch.codeHash, &ch.expiresAt, &ch.triesLeft, &ch.usedAt, &ch.ip, &ch.userAgent)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && purpose(pur) != p) {
		return challengeRow{}, ErrChallengeUnknown
	}
	if err != nil {
		return challengeRow{}, fmt.Errorf("load challenge: %w", err)
	}
	ch.purpose, ch.factor = purpose(pur), Factor(fac)
	return ch, nil
}

// validCode is the shape every code has: six ASCII digits.
func validCode(code string) error {
	if len(code) != 6 {
		return fault.Field("code", "must be 6 digits")
	}
	for i := range len(code) {
		if code[i] < '0' || code[i] > '9' {
			return fault.Field("code", "must be 6 digits")
		}
	}
	return nil
}

// spendCode checks code against the challenge and, when it matches, marks the challenge used
// (and, for TOTP, the time step accepted) so that neither can pass again (R11). A wrong code
// costs one of the challenge's tries and, when countFailure, counts towards the account's
// lockout. refusal says why the code was not accepted; err is a database failure.
func (s *Service) spendCode(ctx context.Context, tx *store.Tx, ch challengeRow, acct accountRow, code string, countFailure bool) (refusal error, lockedUntil time.Time, err error) {
	now := tx.Now()
	switch {
	case ch.usedAt.Valid:
		return ErrCodeUsed, time.Time{}, nil
	case now.UnixMicro() >= ch.expiresAt:
		return ErrCodeExpired, time.Time{}, nil
	case ch.triesLeft <= 0:
		return ErrCodeTriesExhausted, time.Time{}, nil
	}
	var ok bool
	var step uint64
	switch ch.factor {
	case FactorSMS:
		ok = otp.Matches(ch.codeHash, smsCodePurpose, ch.id, code)
	case FactorTOTP:
		if acct.totpSecret == nil {
			break
		}
		// A secret that does not open fails closed, and spends no try: it is not the
		// client's mistake, and counting it would only lock the client out.
		secret, err := s.openTOTP(ctx, columnTOTPSecret, ch.clientID, acct.totpSecret)
		if err != nil {
			return ErrSecondFactorUnreadable, time.Time{}, nil
		}
		step, ok = matchTOTP(secret, code, now, uint64(acct.totpLastStep))
	}
	if !ok {
		if _, err := tx.ExecContext(ctx, `UPDATE auth_challenge SET tries_left = tries_left - 1 WHERE id = $1 AND tries_left > 0`, ch.id); err != nil {
			return nil, time.Time{}, fmt.Errorf("spend a try: %w", err)
		}
		if countFailure {
			if lockedUntil, err = s.recordFailure(ctx, tx, ch.clientID); err != nil {
				return nil, time.Time{}, err
			}
		}
		if ch.triesLeft-1 == 0 {
			return ErrCodeTriesExhausted, lockedUntil, nil
		}
		return ErrCodeInvalid, lockedUntil, nil
	}
	// The guard WHERE used_at IS NULL lets only one of two racing requests with the same code win.
	res, err := tx.ExecContext(ctx, `UPDATE auth_challenge SET used_at = $2 WHERE id = $1 AND used_at IS NULL`, ch.id, now.UnixMicro())
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("spend code: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return ErrCodeUsed, time.Time{}, err
	}
	if ch.factor == FactorTOTP {
		res, err := tx.ExecContext(ctx, `UPDATE auth_account SET totp_last_step = $2 WHERE client_id = $1 AND totp_last_step < $2`, ch.clientID, int64(step))
		if err != nil {
			return nil, time.Time{}, fmt.Errorf("spend totp step: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return ErrCodeUsed, time.Time{}, err
		}
	}
	return nil, time.Time{}, nil
}
