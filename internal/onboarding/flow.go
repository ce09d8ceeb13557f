package onboarding

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// purpose is what a flow is for; a flow of one purpose cannot complete another.
type purpose string

const (
	purposeRegistration        purpose = "registration"
	purposePhoneChange         purpose = "phone_change"
	purposeBankAccountChange   purpose = "bank_account_change"
	purposeCompromiseClearance purpose = "compromise_clearance"
)

// flow is a row of onboarding_flow.
type flow struct {
	ID                 string
	Purpose            purpose
	ClientID           string
	BiometricSessionID string
	StatementSHA256    []byte
	Open               bool
	CreatedAt          time.Time
	ExpiresAt          time.Time
}

// insertFlow records a flow that began.
func insertFlow(ctx context.Context, tx *store.Tx, f flow) error {
	var client, digest any
	if f.ClientID != "" {
		client = f.ClientID
	}
	if f.StatementSHA256 != nil {
		digest = f.StatementSHA256
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO onboarding_flow (id, purpose, client_id, biometric_session_id,
		statement_sha256, status, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7)`,
		f.ID, string(f.Purpose), client, f.BiometricSessionID, digest, f.CreatedAt.UnixMicro(), f.ExpiresAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("store onboarding flow: %w", err)
	}
	return nil
}

var errFlowNotFound = fault.New(fault.ErrNotFound, "flow_not_found", "No such registration or change in progress.")

// loadFlow reads the flow with id.
func loadFlow(ctx context.Context, tx *store.Tx, id string) (flow, error) {
	var f flow
	var client sql.NullString
	var status string
	var created, expires int64
	err := tx.QueryRowContext(ctx, `SELECT id, purpose, client_id, biometric_session_id, statement_sha256, status,
		created_at, expires_at FROM onboarding_flow WHERE id = $1`, id).
		Scan(&f.ID, &f.Purpose, &client, &f.BiometricSessionID, &f.StatementSHA256, &status, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return flow{}, errFlowNotFound
	}
	if err != nil {
		return flow{}, fmt.Errorf("load onboarding flow: %w", err)
	}
	f.ClientID, f.Open = client.String, status == "open"
	f.CreatedAt, f.ExpiresAt = time.UnixMicro(created).UTC(), time.UnixMicro(expires).UTC()
	return f, nil
}

// openFlow loads the flow and refuses it unless it is of purpose p, still open and not
// expired at now, and was issued the biometric session sessionID. The session is checked
// here, before anything is asked of the provider: a session of another flow — another
// person's — proves nothing for this one (R6.3).
func (s *Service) openFlow(ctx context.Context, id string, p purpose, sessionID string) (flow, error) {
	if id == "" {
		return flow{}, fault.Field("id", "is required")
	}
	if sessionID == "" {
		return flow{}, fault.Field("biometric_session_id", "is required")
	}
	var f flow
	err := s.cfg.DB.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		f, err = loadFlow(ctx, tx, id)
		return err
	})
	switch {
	case err != nil:
		return flow{}, err
	case f.Purpose != p:
		return flow{}, errFlowNotFound
	case !f.Open:
		return flow{}, fault.New(fault.ErrConflict, "flow_completed", "This registration or change is already complete.")
	case !s.cfg.DB.Now().Before(f.ExpiresAt):
		return flow{}, fault.New(fault.ErrConflict, "flow_expired", "This registration or change has expired; start again.")
	case f.BiometricSessionID != sessionID:
		return flow{}, fault.New(fault.ErrForbidden, "biometric_session_foreign",
			"The biometric identification was not made for this registration or change.")
	}
	return f, nil
}

// matchStatement refuses a statement rendered on completion that is not the one shown at the
// beginning: the data were changed between the two calls.
func matchStatement(f flow, statement []byte) error {
	sum := sha256.Sum256(statement)
	if subtle.ConstantTimeCompare(sum[:], f.StatementSHA256) != 1 {
		return fault.New(fault.ErrForbidden, "statement_mismatch",
			"The data differ from those the statement was issued for; start again.")
	}
	return nil
}

// closeFlow completes the flow inside the completing transaction; a racing completion of the
// same flow loses here, and its transaction rolls back whatever it wrote.
func closeFlow(ctx context.Context, tx *store.Tx, id, clientID string) error {
	res, err := tx.ExecContext(ctx, `UPDATE onboarding_flow SET status = 'completed', completed_at = $1, client_id = $2
		WHERE id = $3 AND status = 'open'`, tx.Now().UnixMicro(), clientID, id)
	if err != nil {
		return fmt.Errorf("complete onboarding flow: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fault.New(fault.ErrConflict, "flow_completed", "This registration or change is already complete.")
	}
	return nil
}
