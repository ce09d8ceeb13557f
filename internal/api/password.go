package api

import (
	"net/http"

	"nesie.kz/nesie/internal/auth"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/reqctx"
)

// passwordRequest is the body of POST /api/v1/password.
type passwordRequest struct {
	Current auth.Password `json:"current"`
	New     auth.Password `json:"new"`
}

// changePassword replaces the password after checking the current one; the client's other
// sessions end, this one stays.
func (h *handlers) changePassword(w http.ResponseWriter, r *http.Request) error {
	var req passwordRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	switch {
	case req.Current.IsZero():
		return fault.Field("current", "is required")
	case req.New.IsZero():
		return fault.Field("new", "is required")
	}
	me := callerOf(r.Context()).session
	err := h.Auth.ChangePassword(r.Context(), auth.ChangePasswordRequest{
		ClientID: me.ClientID, SessionID: me.ID, Current: req.Current, Next: req.New,
		IP: reqctx.From(r.Context()).IP,
	})
	if err != nil {
		return err
	}
	return noContent(w)
}

// totpAnswer is an authenticator to set up: shown once.
type totpAnswer struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
}

// enrollTOTP starts setting up an authenticator app.
func (h *handlers) enrollTOTP(w http.ResponseWriter, r *http.Request) error {
	e, err := h.Auth.EnrollTOTP(r.Context(), callerOf(r.Context()).session.ClientID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, totpAnswer{Secret: e.Secret, URI: e.URI})
}

// confirmTOTP activates the authenticator with its current code.
func (h *handlers) confirmTOTP(w http.ResponseWriter, r *http.Request) error {
	var req codeRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := required("code", req.Code); err != nil {
		return err
	}
	if err := h.Auth.ConfirmTOTP(r.Context(), callerOf(r.Context()).session.ClientID, req.Code); err != nil {
		return err
	}
	return noContent(w)
}
