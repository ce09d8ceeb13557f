package biometric

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
)

// Refusals of Spend. They are forbidden, not invalid: the check exists but does not prove
// this act.
var (
	ErrCheckNotPassed = fault.New(fault.ErrForbidden, "biometric_check_not_passed", "No passed biometric identification with this id.")
	ErrCheckOfAnother = fault.New(fault.ErrForbidden, "biometric_identity_mismatch", "The biometric identification is of another person.")
	ErrCheckTooOld    = fault.New(fault.ErrForbidden, "biometric_check_too_old", "The biometric identification is too old; identify again.")
	ErrCheckUsed      = fault.New(fault.ErrForbidden, "biometric_check_used", "This biometric identification was already used; identify again.")
)

// Fresh checks in tx that checkID is a passed check of iin received no longer than maxAge
// before tx's now: the proof an act of this sitting rests on.
func (s *Service) Fresh(ctx context.Context, tx *store.Tx, checkID string, iin kz.IIN, maxAge time.Duration) error {
	if checkID == "" {
		return fault.Field("biometric_check_id", "is required: identify yourself with biometrics first")
	}
	var sessIndex []byte
	var received int64
	err := tx.QueryRowContext(ctx, `SELECT s.iin_index, c.received_at FROM biometric_check c
		JOIN biometric_session s ON s.id = c.session_id
		WHERE c.id = $1 AND c.outcome = 'passed'`, checkID).Scan(&sessIndex, &received)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrCheckNotPassed
	case err != nil:
		return fmt.Errorf("read biometric check: %w", err)
	case !bytes.Equal(sessIndex, s.iinIndex(iin)):
		return ErrCheckOfAnother
	case tx.Now().Sub(fromMicro(received)) > maxAge:
		return ErrCheckTooOld
	}
	return nil
}

// Spend proves one act (signing a contract, a consent, a merchant payment) with the fresh
// check checkID (Fresh) and records the use in tx, so a captured check id cannot be replayed
// for a second act (R11) and the act's evidence names its identification (R34).
func (s *Service) Spend(ctx context.Context, tx *store.Tx, checkID string, iin kz.IIN, maxAge time.Duration, purpose, objectID string) error {
	if checkID == "" {
		return fault.Field("biometric_check_id", "is required: identify yourself with biometrics first")
	}
	// One statement records the use only of a passed, fresh check of iin; the insert is also
	// the replay check, a second use conflicting on the key. No read first, which on
	// PostgreSQL would take a predicate lock that concurrent spends of other checks collide on.
	now := tx.Now()
	res, err := tx.ExecContext(ctx, `INSERT INTO biometric_use (check_id, purpose, object_id, used_at)
		SELECT c.id, $2, $3, $4 FROM biometric_check c JOIN biometric_session s ON s.id = c.session_id
		WHERE c.id = $1 AND c.outcome = 'passed' AND s.iin_index = $5 AND c.received_at >= $6
		ON CONFLICT (check_id) DO NOTHING`, checkID, purpose, objectID, now.UnixMicro(), s.iinIndex(iin), now.Add(-maxAge).UnixMicro())
	if err != nil {
		return fmt.Errorf("record biometric use: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 1 {
		return nil
	}
	// Nothing recorded: say why.
	if err := s.Fresh(ctx, tx, checkID, iin, maxAge); err != nil {
		return err
	}
	return ErrCheckUsed
}
