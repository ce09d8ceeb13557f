package api

import (
	"net/http"

	"nesie.kz/nesie/internal/auth"
	"nesie.kz/nesie/internal/reqctx"
)

// loginRequest is the body of POST /api/v1/login.
type loginRequest struct {
	Login    string        `json:"login"`
	Password auth.Password `json:"password"`
	// Factor is "sms" or "totp"; empty lets the service choose (TOTP once enrolled).
	Factor auth.Factor `json:"factor"`
}

// challengeAnswer is a second step handed to the client.
type challengeAnswer struct {
	ChallengeID string `json:"challenge_id"`
	Factor      string `json:"factor"`
	ExpiresAt   string `json:"expires_at"`
	// SentTo is the masked phone an SMS code went to; absent for TOTP.
	SentTo string `json:"sent_to,omitempty"`
}

func challengeOf(c auth.Challenge) challengeAnswer {
	return challengeAnswer{ChallengeID: c.ID, Factor: string(c.Factor), ExpiresAt: stamp(c.ExpiresAt), SentTo: c.SentTo}
}

// beginLogin checks the password and issues the second-factor challenge.
func (h *handlers) beginLogin(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := required("login", req.Login); err != nil {
		return err
	}
	ch, err := h.Auth.BeginLogin(r.Context(), auth.LoginRequest{
		Login: req.Login, Password: req.Password, Factor: req.Factor,
		IP: reqctx.From(r.Context()).IP, UserAgent: r.UserAgent(),
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, challengeOf(ch))
}

// codeRequest is a body carrying a one-time code.
type codeRequest struct {
	Code string `json:"code"`
}

// loginAnswer is a session opened: the bearer token is shown this once.
type loginAnswer struct {
	Token   string        `json:"token"`
	Session sessionAnswer `json:"session"`
}

// completeLogin checks the second factor's code and opens a session.
func (h *handlers) completeLogin(w http.ResponseWriter, r *http.Request) error {
	var req codeRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := required("code", req.Code); err != nil {
		return err
	}
	sess, token, err := h.Auth.CompleteLogin(r.Context(), r.PathValue("challenge"), req.Code)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, loginAnswer{Token: token, Session: sessionOf(sess, sess.ID)})
}

// logout ends the session the request's token belongs to.
func (h *handlers) logout(w http.ResponseWriter, r *http.Request) error {
	if err := h.Auth.Logout(r.Context(), callerOf(r.Context()).token); err != nil {
		return err
	}
	return noContent(w)
}

// endedAnswer counts the sessions ended.
type endedAnswer struct {
	Ended int `json:"ended"`
}

// logoutEverywhere ends every session of the client, this one included.
func (h *handlers) logoutEverywhere(w http.ResponseWriter, r *http.Request) error {
	n, err := h.Auth.LogoutEverywhere(r.Context(), callerOf(r.Context()).session.ClientID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, endedAnswer{Ended: n})
}
