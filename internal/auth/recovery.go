package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// BiometricProof says that a biometric identification with liveness (R35) passed for a
// client. The caller fills it from the biometric package only after that package has verified
// the provider's signed result; auth trusts it as given, checks that it is this client's and
// fresh, and spends it: one check opens one recovery (R11).
type BiometricProof struct {
	ClientID string
	// CheckID identifies the biometric check (its session at the provider), unique per check.
	CheckID  string
	PassedAt time.Time
}

// RecoveryRequest starts a password recovery.
type RecoveryRequest struct {
	Login         string
	Proof         BiometricProof
	IP, UserAgent string
}

// BeginRecovery checks the biometric proof and sends a one-time code by SMS. Refusals are
// audited as recovery.refused.
func (s *Service) BeginRecovery(ctx context.Context, req RecoveryRequest) (Challenge, error) {
	switch {
	case strings.TrimSpace(req.Login) == "" || len(req.Login) > 64:
		return Challenge{}, fault.Field("login", "is required")
	case req.Proof.CheckID == "" || req.Proof.ClientID == "":
		return Challenge{}, fault.Field("proof", "is required")
	case req.IP == "":
		return Challenge{}, fault.Field("ip", "is required")
	}
	ev := audit.Event{Action: "recovery.refused", ObjectType: "client"}
	var acct Account
	var refusal error
	var ch challengeRow
	var code string
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		acct, refusal = Account{}, nil
		a, err := s.dir.FindAccount(ctx, tx, req.Login)
		switch {
		case errors.Is(err, fault.ErrNotFound):
		case err != nil:
			return fmt.Errorf("find account: %w", err)
		default:
			acct = a
		}
		bucket := "login:" + strings.TrimSpace(req.Login)
		if acct.ClientID != "" {
			bucket = "client:" + acct.ClientID
		}
		allowed, err := s.countAttempt(ctx, tx, req.IP, bucket)
		switch {
		case err != nil:
			return err
		case !allowed:
			refusal = ErrTooManyAttempts
			return nil
		case acct.ClientID == "":
			refusal = ErrInvalidCredentials
			return nil
		}
		if _, found, err := loadAccount(ctx, tx, acct.ClientID); err != nil || !found {
			refusal = ErrInvalidCredentials
			return err
		}
		now := tx.Now()
		age := now.Sub(req.Proof.PassedAt)
		if req.Proof.ClientID != acct.ClientID || age < 0 || age > s.cfg.ProofMaxAge {
			refusal = ErrProofRefused
			return nil
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO auth_biometric_proof (check_id, client_id, used_at) VALUES ($1, $2, $3)
			ON CONFLICT (check_id) DO NOTHING`, req.Proof.CheckID, acct.ClientID, now.UnixMicro())
		if err != nil {
			return fmt.Errorf("spend biometric proof: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			refusal = ErrProofRefused
			return err
		}
		if ch, code, err = s.newChallenge(purposeRecovery, FactorSMS, acct.ClientID, req.IP, req.UserAgent, now); err != nil {
			return err
		}
		if err := insertChallenge(ctx, tx, ch); err != nil {
			return err
		}
		return s.trail.Record(ctx, tx, audit.Event{Action: "recovery.started", ObjectType: "client", ObjectID: acct.ClientID,
			Change: map[string]any{"challenge": ch.id, "biometric_check": req.Proof.CheckID}})
	})
	if err != nil {
		return Challenge{}, err
	}
	if refusal != nil {
		ev.ObjectID = acct.ClientID
		return Challenge{}, s.refuse(ctx, ev, refusal)
	}
	return s.deliver(ctx, ch, code, acct.Phone)
}

// CompleteRecovery checks the SMS code, sets the new password, clears the lockout and ends
// every session of the client, all in one transaction. A password the policy refuses is
// reported before the code is spent.
func (s *Service) CompleteRecovery(ctx context.Context, challengeID, code string, pw Password) error {
	if err := validCode(code); err != nil {
		return err
	}
	ev := audit.Event{Action: "recovery.refused", ObjectType: "client"}
	var acct Account
	var refusal error
	if err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		refusal = nil
		ch, err := loadChallenge(ctx, tx, challengeID, purposeRecovery)
		if err != nil {
			refusal = err
			return ignoreRefusal(err)
		}
		acct, err = s.dir.FindAccount(ctx, tx, ch.clientID)
		return err
	}); err != nil {
		return err
	}
	if refusal != nil {
		return s.refuse(ctx, ev, refusal)
	}
	if err := checkPolicy(pw, s.cfg.MinPasswordLength, acct); err != nil {
		return err
	}
	hash, err := hashPassword(pw, s.cfg.Argon2)
	if err != nil {
		return err
	}
	ev.ObjectID = acct.ClientID
	err = s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		refusal = nil
		ch, err := loadChallenge(ctx, tx, challengeID, purposeRecovery)
		if err != nil {
			refusal = err
			return ignoreRefusal(err)
		}
		row, found, err := loadAccount(ctx, tx, ch.clientID)
		if err != nil || !found {
			refusal = ErrChallengeUnknown
			return err
		}
		// The lockout does not apply: whoever locked the account with wrong passwords must
		// not keep its owner from recovering it; the biometrics and the code's own tries guard it.
		if refusal, _, err = s.spendCode(ctx, tx, ch, row, code, false); err != nil || refusal != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE auth_account SET password_hash = $2, password_set_at = $3,
			failures = 0, lock_level = 0, locked_until = 0 WHERE client_id = $1`, ch.clientID, hash, tx.Now().UnixMicro()); err != nil {
			return fmt.Errorf("recover password: %w", err)
		}
		ended, err := endAllSessions(ctx, tx, ch.clientID, "password_recovered")
		if err != nil {
			return err
		}
		if err := s.trail.Record(ctx, tx, audit.Event{Action: "password.recovered", ObjectType: "client", ObjectID: ch.clientID,
			Change: map[string]any{"challenge": ch.id, "sessions_ended": ended}}); err != nil {
			return err
		}
		return s.notify.SecurityEvent(ctx, tx, ch.clientID, EventPasswordRecovered)
	})
	if err != nil {
		return err
	}
	if refusal != nil {
		return s.refuse(ctx, ev, refusal)
	}
	return nil
}
