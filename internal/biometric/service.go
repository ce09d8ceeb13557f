package biometric

import (
	"context"
	"errors"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/vault"
)

// FraudSignalKind is the antifraud_signal kind raised when a session fails MaxAttempts times.
const FraudSignalKind = "biometric.attempts_exhausted"

// Service runs biometric identifications.
type Service struct {
	db     *store.DB
	trail  *audit.Trail
	client *Client
	clock  clock.Clock
	// vault keeps the IIN and the provider's results sealed at rest (R37).
	vault *vault.Vault
	cfg   Config
}

// NewService returns a Service; cfg is validated so that no check can be switched off by a
// zero value. v seals the IINs and the provider's results the service keeps (R37).
func NewService(db *store.DB, trail *audit.Trail, client *Client, clk clock.Clock, v *vault.Vault, cfg Config) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if db == nil || trail == nil || client == nil || clk == nil || v == nil {
		return nil, errors.New("biometric service: database, trail, client, clock and vault are all required")
	}
	return &Service{db: db, trail: trail, client: client, clock: clk, vault: v, cfg: cfg}, nil
}

// Refusals of a session's start.
var (
	errSequenceReused = fault.New(fault.ErrUnavailable, "biometric_sequence_reused",
		"The biometric service repeated a movement sequence issued before; identification is refused, try again later.")
	errNonceReused = fault.New(fault.ErrUnavailable, "biometric_nonce_reused",
		"The biometric service repeated a nonce issued before; identification is refused, try again later.")
)

// Start asks the provider for a session for iin and records it. A session whose movement
// sequence was issued to this client before, or whose nonce was issued before, is refused
// (R35, R11) and never shown to the client.
func (s *Service) Start(ctx context.Context, iin kz.IIN) (Session, error) {
	if iin.IsZero() {
		return Session{}, fault.Field("iin", "is required")
	}
	sess := Session{ID: newID(), IIN: iin, Status: StatusOpen, MaxAttempts: s.cfg.MaxAttempts}
	refused := func(err error) (Session, error) {
		ev := audit.Event{Action: "biometric.session_refused", ObjectType: "biometric_session", ObjectID: sess.ID,
			Change: map[string]any{"iin": iin.Masked(), "provider_session_id": sess.ProviderSessionID}}
		if aerr := s.trail.Refused(ctx, ev, err); aerr != nil {
			return Session{}, errors.Join(err, aerr)
		}
		return Session{}, err
	}
	ps, err := s.client.CreateSession(ctx, iin, sess.ID)
	if err != nil {
		return refused(err)
	}
	sess.ProviderSessionID, sess.Nonce, sess.Movements, sess.ExpiresAt = ps.ID, ps.Nonce, ps.Movements, ps.ExpiresAt
	// Only an insert, its uniqueness kept by the constraints: READ COMMITTED is enough.
	err = s.db.TransactWith(ctx, store.TxOptions{ReadCommitted: true}, func(ctx context.Context, tx *store.Tx) error {
		sess.CreatedAt = tx.Now()
		if !sess.ExpiresAt.After(sess.CreatedAt) {
			return unavailable(fmt.Errorf("session %s expires at %s, before it starts", ps.ID, ps.ExpiresAt))
		}
		// The unique constraints are the guarantee (R35, R11); a clash is explained below,
		// after this transaction, which PostgreSQL has aborted.
		if err := s.insertSession(ctx, tx, sess); err != nil {
			return err
		}
		return s.trail.Record(ctx, tx, audit.Event{Action: "biometric.session_started", ObjectType: "biometric_session",
			ObjectID: sess.ID, Change: map[string]any{"iin": iin.Masked(), "provider_session_id": sess.ProviderSessionID,
				"movements": sess.Movements.String(), "expires_at": sess.ExpiresAt}})
	})
	if errors.Is(err, errIssuedBefore) {
		err = s.whyIssuedBefore(ctx, sess)
	}
	if err != nil {
		return refused(err)
	}
	return sess, nil
}

// errIssuedBefore is a clash with a session recorded before, to be explained.
var errIssuedBefore = errors.New("biometric session clashes with an earlier one")

// whyIssuedBefore says which of the provider's values was issued before: the movement
// sequence to this client (R35) or the nonce (R11).
func (s *Service) whyIssuedBefore(ctx context.Context, sess Session) error {
	why := errSequenceReused
	err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		used, err := nonceIssued(ctx, tx, sess.Nonce)
		if err != nil {
			return fmt.Errorf("look up issued nonces: %w", err)
		}
		if used {
			why = errNonceReused
		}
		return nil
	})
	if err != nil {
		return err
	}
	return why
}

// FindSession returns the session with id.
func (s *Service) FindSession(ctx context.Context, id string) (Session, error) {
	var sess Session
	err := s.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		sess, err = s.loadSession(ctx, tx, id)
		return err
	})
	return sess, err
}

// Checks returns the session's checks, oldest first, as they were kept.
func (s *Service) Checks(ctx context.Context, sessionID string) ([]Check, error) {
	var out []Check
	err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		out, err = s.loadChecks(ctx, tx, sessionID)
		return err
	})
	return out, err
}
