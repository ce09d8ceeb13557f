package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// LoginRequest is the first step of a login.
type LoginRequest struct {
	// Login is the client id or the phone number.
	Login    string
	Password Password
	// Factor chooses the second factor; empty means TOTP when the client has enrolled an
	// authenticator and SMS otherwise.
	Factor Factor
	// IP and UserAgent describe the client's device; the session lists them.
	IP, UserAgent string
}

// LogValue shows the request in logs without the password or the login (a phone number).
func (r LoginRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("ip", r.IP), slog.String("user_agent", r.UserAgent),
		slog.String("factor", string(r.Factor)), slog.Any("password", r.Password))
}

// String shows the request without the password or the login, so that fmt cannot leak them
// either.
func (r LoginRequest) String() string {
	return fmt.Sprintf("login request from %s (%s), factor %q, password %s", r.IP, r.UserAgent, r.Factor, r.Password)
}

// GoString is String, for %#v.
func (r LoginRequest) GoString() string { return r.String() }

func (r LoginRequest) validate() error {
	switch {
	case strings.TrimSpace(r.Login) == "":
		return fault.Field("login", "is required")
	case len(r.Login) > 64:
		return fault.Field("login", "is too long")
	case r.Password.IsZero():
		return fault.Field("password", "is required")
	case len(r.Password.reveal()) > maxPasswordBytes:
		return fault.Field("password", "is longer than %d bytes", maxPasswordBytes)
	case r.Factor != "" && r.Factor != FactorSMS && r.Factor != FactorTOTP:
		return fault.Field("factor", "must be sms or totp")
	case r.IP == "":
		return fault.Field("ip", "is required")
	}
	return nil
}

// BeginLogin checks the password and, when it is right, issues the second-factor challenge:
// an SMS code is sent to the client's phone, or the client is asked for the authenticator's
// code. Every refusal is audited as login.refused.
func (s *Service) BeginLogin(ctx context.Context, req LoginRequest) (Challenge, error) {
	if err := req.validate(); err != nil {
		return Challenge{}, err
	}
	ev := audit.Event{Action: "login.refused", ObjectType: "client"}
	acct, row, found, refusal, err := s.admit(ctx, req.Login, req.IP)
	if err != nil {
		return Challenge{}, err
	}
	ev.ObjectID = acct.ClientID
	if refusal != nil {
		return Challenge{}, s.refuse(ctx, ev, refusal)
	}

	// The hash is checked outside any transaction: it takes a fraction of a second, during which
	// a serializable transaction would only collect conflicts. An unknown login is checked
	// against a dummy hash so that it takes just as long.
	stored := s.dummyHash
	if found {
		stored = row.hash
	}
	ok, stale, err := verifyPassword(req.Password, stored, s.cfg.Argon2)
	if err != nil {
		return Challenge{}, fmt.Errorf("login of %s: %w", acct.ClientID, err)
	}
	if !found || !ok {
		if found {
			var until time.Time
			if err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
				until, err = s.recordFailure(ctx, tx, acct.ClientID)
				return err
			}); err != nil {
				return Challenge{}, err
			}
			if !until.IsZero() {
				ev.Change = map[string]any{"locked_until": until.UTC().Format(time.RFC3339)}
			}
		}
		return Challenge{}, s.refuse(ctx, ev, ErrInvalidCredentials)
	}

	factor := req.Factor
	if factor == "" {
		factor = FactorSMS
		if row.totpSecret != nil {
			factor = FactorTOTP
		}
	}
	if factor == FactorTOTP && row.totpSecret == nil {
		return Challenge{}, s.refuse(ctx, ev, ErrNoSecondFactor)
	}
	if factor == FactorTOTP {
		// Refused now rather than after the client types a code that cannot be checked.
		if _, err := s.openTOTP(ctx, columnTOTPSecret, acct.ClientID, row.totpSecret); err != nil {
			return Challenge{}, s.refuse(ctx, ev, err)
		}
	}
	var rehash string
	if stale {
		if rehash, err = hashPassword(req.Password, s.cfg.Argon2); err != nil {
			return Challenge{}, err
		}
	}
	ch, code, err := s.newChallenge(purposeLogin, factor, acct.ClientID, req.IP, req.UserAgent, s.db.Now())
	if err != nil {
		return Challenge{}, err
	}
	err = s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		refusal = nil
		// Another node may have locked the account while the hash was computed.
		cur, _, err := loadAccount(ctx, tx, acct.ClientID)
		if err != nil {
			return err
		}
		if cur.lockedAt(tx.Now()) || cur.hash != row.hash {
			refusal = ErrAccountLocked
			if cur.hash != row.hash {
				refusal = ErrInvalidCredentials // the password changed meanwhile
			}
			return nil
		}
		if rehash != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE auth_account SET password_hash = $2 WHERE client_id = $1`, acct.ClientID, rehash); err != nil {
				return fmt.Errorf("rehash: %w", err)
			}
		}
		if err := insertChallenge(ctx, tx, ch); err != nil {
			return err
		}
		return s.trail.Record(ctx, tx, audit.Event{Action: "login.challenged", ObjectType: "client", ObjectID: acct.ClientID,
			Change: map[string]any{"challenge": ch.id, "factor": string(factor), "rehashed": rehash != ""}})
	})
	if err != nil {
		return Challenge{}, err
	}
	if refusal != nil {
		return Challenge{}, s.refuse(ctx, ev, refusal)
	}
	return s.deliver(ctx, ch, code, acct.Phone)
}

// admit finds the account behind login and counts the attempt against the rate limits; it
// refuses when a limit is exceeded or the account is locked. An unknown login is not a
// refusal here (found is false), so that it costs a hash like any wrong password.
func (s *Service) admit(ctx context.Context, login, ip string) (acct Account, row accountRow, found bool, refusal error, err error) {
	err = s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		acct, row, found, refusal = Account{}, accountRow{}, false, nil
		a, err := s.dir.FindAccount(ctx, tx, login)
		switch {
		case errors.Is(err, fault.ErrNotFound):
		case err != nil:
			return fmt.Errorf("find account: %w", err)
		default:
			acct = a
		}
		bucket := "login:" + strings.TrimSpace(login)
		if acct.ClientID != "" {
			bucket = "client:" + acct.ClientID
		}
		allowed, err := s.countAttempt(ctx, tx, ip, bucket)
		if err != nil {
			return err
		}
		if !allowed {
			refusal = ErrTooManyAttempts
			return nil
		}
		if acct.ClientID == "" {
			return nil
		}
		if row, found, err = loadAccount(ctx, tx, acct.ClientID); err != nil {
			return err
		}
		if found && row.lockedAt(tx.Now()) {
			refusal = ErrAccountLocked
		}
		return nil
	})
	return acct, row, found, refusal, err
}

// CompleteLogin checks the second factor's code and, when it is right, opens a session and
// returns it with its bearer token (shown to the client once; only its hash is kept).
func (s *Service) CompleteLogin(ctx context.Context, challengeID, code string) (Session, string, error) {
	if err := validCode(code); err != nil {
		return Session{}, "", err
	}
	token, err := newToken()
	if err != nil {
		return Session{}, "", err
	}
	sessionID, err := newID()
	if err != nil {
		return Session{}, "", err
	}
	ev := audit.Event{Action: "login.refused", ObjectType: "client"}
	var sess Session
	var refusal error
	err = s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		refusal, ev.ObjectID, ev.Change = nil, "", nil
		ch, err := loadChallenge(ctx, tx, challengeID, purposeLogin)
		if err != nil {
			refusal = err
			return ignoreRefusal(err)
		}
		ev.ObjectID = ch.clientID
		ev.Change = map[string]any{"challenge": ch.id, "factor": string(ch.factor)}
		acct, found, err := loadAccount(ctx, tx, ch.clientID)
		if err != nil {
			return err
		}
		if !found {
			refusal = ErrChallengeUnknown
			return nil
		}
		if acct.lockedAt(tx.Now()) {
			refusal = ErrAccountLocked
			return nil
		}
		var until time.Time
		if refusal, until, err = s.spendCode(ctx, tx, ch, acct, code, true); err != nil || refusal != nil {
			if !until.IsZero() {
				ev.Change = map[string]any{"challenge": ch.id, "factor": string(ch.factor), "locked_until": until.UTC().Format(time.RFC3339)}
			}
			return err
		}
		if err := resetFailures(ctx, tx, ch.clientID); err != nil {
			return err
		}
		sess = s.newSession(sessionID, ch, tx.Now())
		if err := insertSession(ctx, tx, sess, tokenHash(token)); err != nil {
			return err
		}
		if err := s.trail.Record(ctx, tx, audit.Event{Action: "login.succeeded", ObjectType: "client", ObjectID: ch.clientID,
			Change: map[string]any{"session": sess.ID, "factor": string(ch.factor), "ip": ch.ip}}); err != nil {
			return err
		}
		return s.notify.SecurityEvent(ctx, tx, ch.clientID, EventLogin)
	})
	if err != nil {
		return Session{}, "", err
	}
	if refusal != nil {
		return Session{}, "", s.refuse(ctx, ev, refusal)
	}
	return sess, token, nil
}
