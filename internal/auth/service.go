package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// SMSSender delivers a text message to a phone number. The SMS gateway adapter implements it.
type SMSSender interface {
	Send(ctx context.Context, phone, text string) error
}

// Notifier reports a security-relevant event to the client (R25.9) — a login, a password
// change or recovery — inside the transaction that makes the change, so the notice is sent
// if and only if the change commits. The notification outbox implements it.
type Notifier interface {
	SecurityEvent(ctx context.Context, tx *store.Tx, clientID, kind string) error
}

// The kinds of security event passed to Notifier.
const (
	EventLogin             = "login"
	EventPasswordChanged   = "password_changed"
	EventPasswordRecovered = "password_recovered"
	EventSecondFactorAdded = "second_factor_added"
)

// Account is what auth needs to know about a registered client: the id, and the IIN and phone
// number (to send codes and to keep them out of the password).
type Account struct {
	ClientID string
	IIN      string
	Phone    string
}

// Directory finds registered clients. The client package implements it over its table.
// FindAccount takes a login — a client id or a phone number in any usual notation — and
// returns an error wrapping fault.ErrNotFound when no client matches. It returns only clients
// allowed to sign in (active ones): auth knows nothing of the registration state machine.
type Directory interface {
	FindAccount(ctx context.Context, tx *store.Tx, login string) (Account, error)
}

// Service signs clients in and manages their credentials and sessions.
type Service struct {
	db      *store.DB
	trail   *audit.Trail
	dir     Directory
	sms     SMSSender
	notify  Notifier
	secrets Secrets
	log     *slog.Logger
	cfg     Config
	// dummyHash is verified against when the login is unknown, so an unknown login costs
	// the same time as a wrong password and does not reveal which logins exist.
	dummyHash string
}

// Deps are the collaborators of a Service.
type Deps struct {
	DB        *store.DB
	Trail     *audit.Trail
	Directory Directory
	SMS       SMSSender
	Notifier  Notifier
	// Secrets seals the TOTP secrets kept in auth_account (R37).
	Secrets Secrets
	// Log receives refusals (never a password or a code); slog.Default when nil.
	Log *slog.Logger
}

// NewService returns a Service; cfg is checked first.
func NewService(d Deps, cfg Config) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d.DB == nil || d.Trail == nil || d.Directory == nil || d.SMS == nil || d.Notifier == nil || d.Secrets == nil {
		return nil, errors.New("auth: DB, Trail, Directory, SMS, Notifier and Secrets are all required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	dummy, err := hashPassword(NewPassword("not a password of anyone"), cfg.Argon2)
	if err != nil {
		return nil, err
	}
	return &Service{db: d.DB, trail: d.Trail, dir: d.Directory, sms: d.SMS, notify: d.Notifier, secrets: d.Secrets, log: d.Log, cfg: cfg, dummyHash: dummy}, nil
}

// Errors the service returns; each wraps a fault kind for the HTTP layer and has a stable code.
var (
	// ErrInvalidCredentials is a wrong password or an unknown login: the two are not told
	// apart, so nobody learns which logins exist.
	ErrInvalidCredentials = fault.New(fault.ErrUnauthenticated, "invalid_credentials", "The login or password is wrong.")
	// ErrAccountLocked refuses any login while the lockout after repeated failures lasts.
	ErrAccountLocked = fault.New(fault.ErrForbidden, "account_locked", "Too many failed attempts; the account is locked for a while.")
	// ErrTooManyAttempts is a rate limit (per account or per address) exceeded.
	ErrTooManyAttempts = fault.New(fault.ErrForbidden, "too_many_attempts", "Too many attempts; try again later.")
	// ErrCodeInvalid is a wrong second-factor code.
	ErrCodeInvalid = fault.New(fault.ErrUnauthenticated, "code_invalid", "The code is wrong.")
	// ErrCodeExpired is a code presented after its challenge's lifetime.
	ErrCodeExpired = fault.New(fault.ErrUnauthenticated, "code_expired", "The code has expired; start again.")
	// ErrCodeUsed is a code presented again after it was accepted (R11).
	ErrCodeUsed = fault.New(fault.ErrUnauthenticated, "code_used", "The code has already been used; start again.")
	// ErrCodeTriesExhausted is a challenge that has had its wrong codes.
	ErrCodeTriesExhausted = fault.New(fault.ErrUnauthenticated, "code_tries_exhausted", "Too many wrong codes; start again.")
	// ErrChallengeUnknown is a challenge id that was never issued for this purpose.
	ErrChallengeUnknown = fault.New(fault.ErrUnauthenticated, "challenge_unknown", "The sign-in attempt is unknown; start again.")
	// ErrSessionInvalid is a token of no session, or of an ended one.
	ErrSessionInvalid = fault.New(fault.ErrUnauthenticated, "session_invalid", "Please sign in.")
	// ErrSessionExpired is a session that has just idled or aged out.
	ErrSessionExpired = fault.New(fault.ErrUnauthenticated, "session_expired", "The session has expired; please sign in again.")
	// ErrNoSecondFactor is a request for TOTP by a client without an authenticator.
	ErrNoSecondFactor = fault.New(fault.ErrConflict, "second_factor_unavailable", "This second factor is not set up for the account.")
	// ErrSecondFactorUnreadable is a stored TOTP secret that does not open (copied from
	// another client's row, altered, or under a lost key): the login fails closed; the
	// client can still choose an SMS code.
	ErrSecondFactorUnreadable = fault.New(fault.ErrUnauthenticated, "second_factor_unreadable", "The authenticator cannot be checked; sign in with an SMS code or contact support.")
	// ErrProofRefused is a biometric proof of another client, too old, or already spent.
	ErrProofRefused = fault.New(fault.ErrForbidden, "biometric_proof_refused", "The biometric check is not valid for this recovery.")
)

// newID returns 16 random bytes in hex: an id nobody can guess.
func newID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// newToken returns a 32-byte random bearer token, base64url without padding.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("session token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// smsCodePurpose is what a challenge's SMS code is hashed for (otp.Hash).
const smsCodePurpose = "nesie sms code"

// bucketKey names a rate-limit bucket without storing the account or address in the clear.
func bucketKey(kind, value string) string {
	h := sha256.Sum256([]byte(kind + "\x00" + value))
	return kind + ":" + hex.EncodeToString(h[:16])
}

// maskPhone keeps the last four digits: enough for the client to recognise the number.
func maskPhone(phone string) string {
	d := digitsOf(phone)
	if len(d) < 4 {
		return "****"
	}
	return "***" + d[len(d)-4:]
}
