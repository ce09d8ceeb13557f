package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/store"
)

// accountRow is a client's auth_account row.
type accountRow struct {
	clientID string
	hash     string
	// The TOTP secrets as the vault sealed them (R37); openTOTP opens one when a code is
	// checked, so loading an account never needs the key.
	totpSecret   []byte
	totpPending  []byte
	totpLastStep int64
	failures     int
	lockLevel    int
	lockedUntil  int64 // micros; 0 when never locked
}

func (r accountRow) lockedAt(now time.Time) bool { return r.lockedUntil > now.UnixMicro() }

func loadAccount(ctx context.Context, tx *store.Tx, clientID string) (accountRow, bool, error) {
	r := accountRow{clientID: clientID}
	err := tx.QueryRowContext(ctx, `SELECT password_hash, totp_secret_sealed, totp_pending_sealed, totp_last_step, failures, lock_level, locked_until
		FROM auth_account WHERE client_id = $1`, clientID).
		Scan(&r.hash, &r.totpSecret, &r.totpPending, &r.totpLastStep, &r.failures, &r.lockLevel, &r.lockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		return accountRow{}, false, nil
	}
	if err != nil {
		return accountRow{}, false, fmt.Errorf("load account %s: %w", clientID, err)
	}
	return r, true, nil
}

// lockDelay is how long the lock number level (0 for the first) lasts: LockBase doubled per
// earlier lock, capped at LockMax.
func (c Config) lockDelay(level int) time.Duration {
	d := c.LockBase
	for i := 0; i < level && d < c.LockMax; i++ {
		d *= 2
	}
	return min(d, c.LockMax)
}

// recordFailure counts one failed attempt on the account and, on the LockAfter-th in a row,
// locks it. It returns the lock's end, or the zero time when this failure did not lock.
func (s *Service) recordFailure(ctx context.Context, tx *store.Tx, clientID string) (time.Time, error) {
	var failures, level int
	err := tx.QueryRowContext(ctx, `UPDATE auth_account SET failures = failures + 1 WHERE client_id = $1
		RETURNING failures, lock_level`, clientID).Scan(&failures, &level)
	if err != nil {
		return time.Time{}, fmt.Errorf("count failure of %s: %w", clientID, err)
	}
	if failures < s.cfg.LockAfter {
		return time.Time{}, nil
	}
	until := tx.Now().Add(s.cfg.lockDelay(level))
	if _, err := tx.ExecContext(ctx, `UPDATE auth_account SET failures = 0, lock_level = lock_level + 1, locked_until = $2
		WHERE client_id = $1`, clientID, until.UnixMicro()); err != nil {
		return time.Time{}, fmt.Errorf("lock %s: %w", clientID, err)
	}
	return until, nil
}

// resetFailures clears the failure count and the growing lock after a success.
func resetFailures(ctx context.Context, tx *store.Tx, clientID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE auth_account SET failures = 0, lock_level = 0, locked_until = 0 WHERE client_id = $1`, clientID)
	if err != nil {
		return fmt.Errorf("reset failures of %s: %w", clientID, err)
	}
	return nil
}

// hit counts one attempt in bucket's current fixed window and reports whether it is within
// lim. Windows that have ended are deleted as the bucket is next used, so the table holds
// at most one row per active bucket. The count lives in the database so every node shares it.
func hit(ctx context.Context, tx *store.Tx, bucket string, lim Limit) (bool, error) {
	w := lim.Window.Microseconds()
	start := tx.Now().UnixMicro() / w * w
	if _, err := tx.ExecContext(ctx, `DELETE FROM auth_rate WHERE bucket = $1 AND window_start < $2`, bucket, start); err != nil {
		return false, fmt.Errorf("rate limit: %w", err)
	}
	var hits int
	err := tx.QueryRowContext(ctx, `INSERT INTO auth_rate (bucket, window_start, hits) VALUES ($1, $2, 1)
		ON CONFLICT (bucket, window_start) DO UPDATE SET hits = auth_rate.hits + 1
		RETURNING hits`, bucket, start).Scan(&hits)
	if err != nil {
		return false, fmt.Errorf("rate limit: %w", err)
	}
	return hits <= lim.Max, nil
}

// countAttempt hits the address's and the account's buckets (both, so each is counted even
// when the other is already over) and reports whether the attempt may proceed.
func (s *Service) countAttempt(ctx context.Context, tx *store.Tx, ip, account string) (bool, error) {
	okIP, err := hit(ctx, tx, bucketKey("ip", ip), s.cfg.IPLimit)
	if err != nil {
		return false, err
	}
	okAcct, err := hit(ctx, tx, bucketKey("account", account), s.cfg.AccountLimit)
	if err != nil {
		return false, err
	}
	return okIP && okAcct, nil
}

// PurgeRateLimits deletes the counting windows that ended before now minus the longer of
// the two limit windows — those of addresses and accounts never seen again — and returns how
// many it deleted. A periodic job calls it.
func (s *Service) PurgeRateLimits(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		keep := max(s.cfg.IPLimit.Window, s.cfg.AccountLimit.Window)
		res, err := tx.ExecContext(ctx, `DELETE FROM auth_rate WHERE window_start < $1`, tx.Now().Add(-keep).UnixMicro())
		if err != nil {
			return fmt.Errorf("purge rate limits: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
