package api

import (
	"net/http"

	"nesie.kz/nesie/internal/auth"
)

// sessionAnswer is a session as the client sees it in the list of signed-in devices.
type sessionAnswer struct {
	ID            string `json:"id"`
	Factor        string `json:"factor"`
	IP            string `json:"ip"`
	UserAgent     string `json:"user_agent"`
	CreatedAt     string `json:"created_at"`
	LastSeenAt    string `json:"last_seen_at"`
	IdleExpiresAt string `json:"idle_expires_at"`
	ExpiresAt     string `json:"expires_at"`
	// Current marks the session the request came from.
	Current bool `json:"current"`
}

func sessionOf(s auth.Session, currentID string) sessionAnswer {
	return sessionAnswer{
		ID: s.ID, Factor: string(s.Factor), IP: s.IP, UserAgent: s.UserAgent,
		CreatedAt: stamp(s.CreatedAt), LastSeenAt: stamp(s.LastSeenAt),
		IdleExpiresAt: stamp(s.IdleExpiresAt), ExpiresAt: stamp(s.ExpiresAt),
		Current: s.ID == currentID,
	}
}

// sessionsAnswer lists the client's live sessions, newest first.
type sessionsAnswer struct {
	Sessions []sessionAnswer `json:"sessions"`
}

// sessions lists the client's live sessions.
func (h *handlers) sessions(w http.ResponseWriter, r *http.Request) error {
	me := callerOf(r.Context()).session
	list, err := h.Auth.Sessions(r.Context(), me.ClientID)
	if err != nil {
		return err
	}
	out := sessionsAnswer{Sessions: make([]sessionAnswer, 0, len(list))}
	for _, s := range list {
		out.Sessions = append(out.Sessions, sessionOf(s, me.ID))
	}
	return writeJSON(w, http.StatusOK, out)
}

// revokeSession ends one of the client's sessions; another client's is not found.
func (h *handlers) revokeSession(w http.ResponseWriter, r *http.Request) error {
	me := callerOf(r.Context()).session
	if err := h.Auth.Revoke(r.Context(), me.ClientID, r.PathValue("id")); err != nil {
		return err
	}
	return noContent(w)
}
