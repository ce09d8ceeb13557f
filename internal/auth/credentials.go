package auth

import (
	"context"
	"errors"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// SetPassword sets the client's password after checking it against the policy: at
// registration, or when a signed-in client changes it (the caller has checked the client's
// identity). A change, unlike the first password, is reported to the client.
func (s *Service) SetPassword(ctx context.Context, clientID string, pw Password) error {
	var acct Account
	if err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		acct, err = s.dir.FindAccount(ctx, tx, clientID)
		return err
	}); err != nil {
		return fmt.Errorf("set password of %s: %w", clientID, err)
	}
	if acct.ClientID != clientID {
		return fault.New(fault.ErrNotFound, "client_not_found", "No such client.")
	}
	if err := checkPolicy(pw, s.cfg.MinPasswordLength, acct); err != nil {
		return err
	}
	hash, err := hashPassword(pw, s.cfg.Argon2)
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		_, existed, err := loadAccount(ctx, tx, clientID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO auth_account (client_id, password_hash, password_set_at) VALUES ($1, $2, $3)
			ON CONFLICT (client_id) DO UPDATE SET password_hash = excluded.password_hash, password_set_at = excluded.password_set_at`,
			clientID, hash, tx.Now().UnixMicro()); err != nil {
			return fmt.Errorf("store password of %s: %w", clientID, err)
		}
		action := "password.set"
		if existed {
			action = "password.changed"
		}
		if err := s.trail.Record(ctx, tx, audit.Event{Action: action, ObjectType: "client", ObjectID: clientID}); err != nil {
			return err
		}
		if !existed {
			return nil
		}
		return s.notify.SecurityEvent(ctx, tx, clientID, EventPasswordChanged)
	})
}

// EnrollTOTP starts setting up an authenticator app: a new secret is kept pending until
// ConfirmTOTP proves the app has it. The client must already have a password.
func (s *Service) EnrollTOTP(ctx context.Context, clientID string) (TOTPEnrollment, error) {
	secret, err := newTOTPSecret()
	if err != nil {
		return TOTPEnrollment{}, err
	}
	sealed, err := s.sealTOTP(columnTOTPPending, clientID, secret)
	if err != nil {
		return TOTPEnrollment{}, err
	}
	err = s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE auth_account SET totp_pending_sealed = $2 WHERE client_id = $1`, clientID, sealed)
		if err != nil {
			return fmt.Errorf("enrol totp: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fault.New(fault.ErrNotFound, "client_not_found", "No such client with a password.")
		}
		return s.trail.Record(ctx, tx, audit.Event{Action: "totp.enrolment_started", ObjectType: "client", ObjectID: clientID})
	})
	if err != nil {
		return TOTPEnrollment{}, err
	}
	return newEnrollment(secret, s.cfg.TOTPIssuer, clientID), nil
}

// ConfirmTOTP activates the pending authenticator when code is its current code; from then
// on logins ask for the authenticator's code by default.
func (s *Service) ConfirmTOTP(ctx context.Context, clientID, code string) error {
	if err := validCode(code); err != nil {
		return err
	}
	var refusal error
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		refusal = nil
		acct, found, err := loadAccount(ctx, tx, clientID)
		if err != nil {
			return err
		}
		if !found || acct.totpPending == nil {
			return fault.New(fault.ErrConflict, "totp_not_pending", "No authenticator is being set up.")
		}
		pending, err := s.openTOTP(ctx, columnTOTPPending, clientID, acct.totpPending)
		if err != nil {
			refusal = err
			return nil
		}
		step, ok := matchTOTP(pending, code, tx.Now(), 0)
		if !ok {
			refusal = ErrCodeInvalid
			return nil
		}
		// Resealed for the confirmed column: the AAD names the column, so the pending
		// ciphertext itself would not open there.
		sealed, err := s.sealTOTP(columnTOTPSecret, clientID, pending)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE auth_account SET totp_secret_sealed = $3, totp_pending_sealed = NULL, totp_last_step = $2
			WHERE client_id = $1`, clientID, int64(step), sealed); err != nil {
			return fmt.Errorf("confirm totp: %w", err)
		}
		if err := s.trail.Record(ctx, tx, audit.Event{Action: "totp.enrolled", ObjectType: "client", ObjectID: clientID}); err != nil {
			return err
		}
		return s.notify.SecurityEvent(ctx, tx, clientID, EventSecondFactorAdded)
	})
	if err != nil {
		return err
	}
	if refusal != nil {
		return s.refuse(ctx, audit.Event{Action: "totp.refused", ObjectType: "client", ObjectID: clientID}, refusal)
	}
	return nil
}

// ChangePasswordRequest is a signed-in client changing the password.
type ChangePasswordRequest struct {
	ClientID string
	// SessionID is the session the change is made from; it stays open while every other
	// session of the client is ended, since whoever knew the old password may hold them.
	SessionID     string
	Current, Next Password
	IP            string
}

// ChangePassword replaces the password after checking the current one. A wrong current
// password counts towards the lockout like a failed login and is audited as
// password.change_refused.
func (s *Service) ChangePassword(ctx context.Context, req ChangePasswordRequest) error {
	if req.Current.IsZero() || len(req.Current.reveal()) > maxPasswordBytes {
		return fault.Field("current_password", "is required")
	}
	ev := audit.Event{Action: "password.change_refused", ObjectType: "client", ObjectID: req.ClientID}
	acct, row, found, refusal, err := s.admit(ctx, req.ClientID, req.IP)
	switch {
	case err != nil:
		return err
	case refusal != nil:
		return s.refuse(ctx, ev, refusal)
	case !found || acct.ClientID != req.ClientID:
		return fault.New(fault.ErrNotFound, "client_not_found", "No such client with a password.")
	}
	if err := checkPolicy(req.Next, s.cfg.MinPasswordLength, acct); err != nil {
		return err
	}
	ok, _, err := verifyPassword(req.Current, row.hash, s.cfg.Argon2)
	if err != nil {
		return fmt.Errorf("change password of %s: %w", req.ClientID, err)
	}
	if !ok {
		if err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
			_, err := s.recordFailure(ctx, tx, req.ClientID)
			return err
		}); err != nil {
			return err
		}
		return s.refuse(ctx, ev, ErrInvalidCredentials)
	}
	hash, err := hashPassword(req.Next, s.cfg.Argon2)
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		// The guard on the old hash makes a concurrent change or recovery win or lose whole.
		res, err := tx.ExecContext(ctx, `UPDATE auth_account SET password_hash = $3, password_set_at = $4, failures = 0
			WHERE client_id = $1 AND password_hash = $2`, req.ClientID, row.hash, hash, tx.Now().UnixMicro())
		if err != nil {
			return fmt.Errorf("change password of %s: %w", req.ClientID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(err, fault.New(fault.ErrConflict, "password_changed_meanwhile", "The password was changed meanwhile; sign in again."))
		}
		res, err = tx.ExecContext(ctx, `UPDATE auth_session SET ended_at = $3, end_reason = 'password_changed'
			WHERE client_id = $1 AND id <> $2 AND ended_at IS NULL`, req.ClientID, req.SessionID, tx.Now().UnixMicro())
		if err != nil {
			return fmt.Errorf("end other sessions: %w", err)
		}
		ended, _ := res.RowsAffected()
		if err := s.trail.Record(ctx, tx, audit.Event{Action: "password.changed", ObjectType: "client", ObjectID: req.ClientID,
			Change: map[string]any{"sessions_ended": ended, "kept_session": req.SessionID}}); err != nil {
			return err
		}
		return s.notify.SecurityEvent(ctx, tx, req.ClientID, EventPasswordChanged)
	})
}

// CheckPassword applies the password policy for the account without storing anything, so
// that a registration can refuse a weak password before it creates the client.
func (s *Service) CheckPassword(pw Password, acct Account) error {
	return checkPolicy(pw, s.cfg.MinPasswordLength, acct)
}
