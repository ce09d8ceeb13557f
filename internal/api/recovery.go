package api

import (
	"context"
	"errors"
	"net/http"

	"nesie.kz/nesie/internal/auth"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
)

// Password recovery (R6.5) is three calls: start a biometric identification for the login's
// owner, complete it and receive an SMS code, then present the code with the new password.

// recoveryBiometricRequest is the body of POST /api/v1/recovery/biometric.
type recoveryBiometricRequest struct {
	Login string `json:"login"`
}

// account returns the active client a login names, or auth's invalid_credentials.
func (h *handlers) account(ctx context.Context, login string) (auth.Account, kz.IIN, error) {
	var acct auth.Account
	err := h.DB.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		acct, err = NewDirectory(h.Clients).FindAccount(ctx, tx, login)
		return err
	})
	if errors.Is(err, errNoAccount) {
		return auth.Account{}, kz.IIN{}, auth.ErrInvalidCredentials
	}
	if err != nil {
		return auth.Account{}, kz.IIN{}, err
	}
	iin, err := kz.ParseIIN(acct.IIN)
	if err != nil {
		return auth.Account{}, kz.IIN{}, err // a stored IIN always parses; a bug otherwise
	}
	return acct, iin, nil
}

// startRecoveryBiometric starts the identification that recovery rests on.
func (h *handlers) startRecoveryBiometric(w http.ResponseWriter, r *http.Request) error {
	var req recoveryBiometricRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := required("login", req.Login); err != nil {
		return err
	}
	_, iin, err := h.account(r.Context(), req.Login)
	if err != nil {
		return err
	}
	s, err := h.Biometric.Start(r.Context(), iin)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, biometricSessionOf(s))
}

// recoveryRequest is the body of POST /api/v1/recovery.
type recoveryRequest struct {
	Login              string `json:"login"`
	BiometricSessionID string `json:"biometric_session_id"`
}

// beginRecovery completes the identification — it must pass, and be of the login's owner —
// and sends the SMS code.
func (h *handlers) beginRecovery(w http.ResponseWriter, r *http.Request) error {
	var req recoveryRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := required("login", req.Login, "biometric_session_id", req.BiometricSessionID); err != nil {
		return err
	}
	acct, iin, err := h.account(r.Context(), req.Login)
	if err != nil {
		return err
	}
	s, err := h.Biometric.FindSession(r.Context(), req.BiometricSessionID)
	if err != nil {
		return err
	}
	if s.IIN != iin {
		// Another person's identification proves nothing about this client, and its attempts
		// are not the caller's to spend.
		return auth.ErrProofRefused
	}
	check, err := h.Biometric.Complete(r.Context(), s.ID)
	if err != nil {
		return err
	}
	if !check.Passed {
		return auth.ErrProofRefused
	}
	ch, err := h.Auth.BeginRecovery(r.Context(), auth.RecoveryRequest{
		Login: req.Login,
		Proof: auth.BiometricProof{ClientID: acct.ClientID, CheckID: check.ID, PassedAt: check.ReceivedAt},
		IP:    reqctx.From(r.Context()).IP, UserAgent: r.UserAgent(),
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, challengeOf(ch))
}

// recoveryCompleteRequest is the body of POST /api/v1/recovery/{challenge}/complete.
type recoveryCompleteRequest struct {
	Code        string        `json:"code"`
	NewPassword auth.Password `json:"new_password"`
}

// completeRecovery checks the code and sets the new password; every session ends.
func (h *handlers) completeRecovery(w http.ResponseWriter, r *http.Request) error {
	var req recoveryCompleteRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := required("code", req.Code); err != nil {
		return err
	}
	if req.NewPassword.IsZero() {
		return fault.Field("new_password", "is required")
	}
	if err := h.Auth.CompleteRecovery(r.Context(), r.PathValue("challenge"), req.Code, req.NewPassword); err != nil {
		return err
	}
	return noContent(w)
}
