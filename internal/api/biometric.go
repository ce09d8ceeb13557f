package api

import (
	"net/http"

	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/fault"
)

// biometricSessionAnswer is an identification to perform: the client's device performs the
// movements, in order, with the provider under provider_session_id.
type biometricSessionAnswer struct {
	BiometricSessionID string   `json:"biometric_session_id"`
	ProviderSessionID  string   `json:"provider_session_id"`
	Movements          []string `json:"movements"`
	ExpiresAt          string   `json:"expires_at"`
}

func biometricSessionOf(s biometric.Session) biometricSessionAnswer {
	moves := make([]string, len(s.Movements))
	for i, m := range s.Movements {
		moves[i] = string(m)
	}
	return biometricSessionAnswer{BiometricSessionID: s.ID, ProviderSessionID: s.ProviderSessionID, Movements: moves, ExpiresAt: stamp(s.ExpiresAt)}
}

// biometricCheckAnswer is a passed identification; its id is what registering a device
// asks for.
type biometricCheckAnswer struct {
	BiometricCheckID string `json:"biometric_check_id"`
	Passed           bool   `json:"passed"`
}

// errBiometricsOfAnother refuses a biometric session that is not the signed-in client's.
var errBiometricsOfAnother = fault.New(fault.ErrNotFound, "biometric_session_not_found", "No such biometric session.")

// startBiometric starts an identification of the signed-in client (before registering a
// device, say).
func (h *handlers) startBiometric(w http.ResponseWriter, r *http.Request) error {
	c, err := h.client(r.Context(), callerOf(r.Context()).session.ClientID)
	if err != nil {
		return err
	}
	s, err := h.Biometric.Start(r.Context(), c.IIN)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, biometricSessionOf(s))
}

// completeBiometric checks the provider's result of the signed-in client's identification.
// A session of another person is not found, and is not completed: its attempts are not the
// caller's to spend.
func (h *handlers) completeBiometric(w http.ResponseWriter, r *http.Request) error {
	c, err := h.client(r.Context(), callerOf(r.Context()).session.ClientID)
	if err != nil {
		return err
	}
	s, err := h.Biometric.FindSession(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if s.IIN != c.IIN {
		return errBiometricsOfAnother
	}
	check, err := h.Biometric.Complete(r.Context(), s.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, biometricCheckAnswer{BiometricCheckID: check.ID, Passed: check.Passed})
}
