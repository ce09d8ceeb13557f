package auth

import (
	"context"
	"fmt"
	"log/slog"

	"nesie.kz/nesie/internal/vault"
)

// Secrets seals values that must not be readable from a copy of the database (R37, DESIGN
// invariant 8) with keys the MFO holds. *vault.Vault implements it; aad binds a ciphertext to
// the row and column it was written for, and Open refuses it anywhere else.
type Secrets interface {
	Seal(plaintext, aad []byte) ([]byte, error)
	Open(ciphertext, aad []byte) ([]byte, error)
}

// The auth_account columns that hold sealed TOTP secrets; each is part of its values' AAD.
const (
	columnTOTPSecret  = "totp_secret_sealed"
	columnTOTPPending = "totp_pending_sealed"
)

// totpAAD binds a sealed TOTP secret to its column and client, so that a secret copied into
// another client's row, or from pending to confirmed without ConfirmTOTP, does not open.
func totpAAD(column, clientID string) []byte {
	return vault.AAD("auth_account", column, clientID)
}

func (s *Service) sealTOTP(column, clientID string, secret []byte) ([]byte, error) {
	sealed, err := s.secrets.Seal(secret, totpAAD(column, clientID))
	if err != nil {
		return nil, fmt.Errorf("seal totp secret of %s: %w", clientID, err)
	}
	return sealed, nil
}

// openTOTP opens a sealed TOTP secret. A secret that does not open — copied from another row,
// altered, or sealed under a key the vault no longer holds — is ErrSecondFactorUnreadable, so
// the caller fails closed; it is logged as an error because it means tampering or a lost key.
func (s *Service) openTOTP(ctx context.Context, column, clientID string, sealed []byte) ([]byte, error) {
	secret, err := s.secrets.Open(sealed, totpAAD(column, clientID))
	if err != nil {
		s.log.ErrorContext(ctx, "auth: sealed totp secret does not open", slog.String("client", clientID),
			slog.String("column", column), slog.String("error", err.Error()))
		return nil, ErrSecondFactorUnreadable
	}
	return secret, nil
}
