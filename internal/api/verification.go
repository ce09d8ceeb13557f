package api

import (
	"net/http"

	"nesie.kz/nesie/internal/client"
)

// A client whose personal data leaked (R36) clears the mark with fresh checks: a new
// biometric identification, and the phone registry's word that their registered phone is
// theirs, which the domain asks for on completion. Until then every sensitive change is
// refused with fresh_verification_required.

// verificationStartedAnswer is the identification to perform; there is nothing to sign.
type verificationStartedAnswer struct {
	VerificationID string `json:"verification_id"`
	flowSteps
}

// completeVerificationBody names the biometric session the client performed.
type completeVerificationBody struct {
	BiometricSessionID string `json:"biometric_session_id"`
}

// verifiedAnswer says whether fresh checks are still owed (false once cleared).
type verifiedAnswer struct {
	ClientID                  string `json:"client_id"`
	FreshVerificationRequired bool   `json:"fresh_verification_required"`
}

// beginVerification starts the fresh checks of the signed-in client; a client not marked
// compromised is refused with not_compromised.
func (h *handlers) beginVerification(w http.ResponseWriter, r *http.Request) error {
	started, err := h.Onboarding.BeginClearCompromise(r.Context(), callerOf(r.Context()).session.ClientID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, verificationStartedAnswer{VerificationID: started.ID, flowSteps: stepsOf(started)})
}

// completeVerification checks the biometric result and the phone's ownership and lifts the
// mark. A registry that cannot answer refuses (fail closed).
func (h *handlers) completeVerification(w http.ResponseWriter, r *http.Request) error {
	var body completeVerificationBody
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := required("biometric_session_id", body.BiometricSessionID); err != nil {
		return err
	}
	c, err := h.Onboarding.ClearCompromise(r.Context(), callerOf(r.Context()).session.ClientID, r.PathValue("id"), body.BiometricSessionID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, verifiedAnswer{ClientID: c.ID, FreshVerificationRequired: client.RequiresFreshVerification(c)})
}
