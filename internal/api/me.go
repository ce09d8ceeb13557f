package api

import (
	"context"
	"net/http"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/store"
)

// meAnswer is what the cabinet shows of the signed-in client: enough to greet and to say
// where codes go, and no more personal data than that.
type meAnswer struct {
	ClientID string `json:"client_id"`
	Kind     string `json:"kind"`
	Status   string `json:"status"`
	// Phone is the registered number, masked: the client recognises it, a thief learns
	// nothing.
	Phone string `json:"phone"`
	// FreshVerificationRequired says the client's data leaked and the next sensitive
	// operation will ask for fresh checks (R36).
	FreshVerificationRequired bool `json:"fresh_verification_required"`
	// Session is the session the request came from.
	Session sessionAnswer `json:"session"`
}

// me describes the signed-in client.
func (h *handlers) me(w http.ResponseWriter, r *http.Request) error {
	who := callerOf(r.Context()).session
	c, err := h.client(r.Context(), who.ClientID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, meAnswer{
		ClientID: c.ID, Kind: string(c.Kind), Status: string(c.Status), Phone: maskPhone(c.Phone),
		FreshVerificationRequired: client.RequiresFreshVerification(c), Session: sessionOf(who, who.ID),
	})
}

// client reads one client in a read-only transaction.
func (h *handlers) client(ctx context.Context, id string) (client.Client, error) {
	var c client.Client
	err := h.DB.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		c, err = h.Clients.Find(ctx, tx, id)
		return err
	})
	return c, err
}

// maskPhone shows a phone number as its country code and last four digits, "+7*******4567".
func maskPhone(phone string) string {
	if len(phone) < 7 || phone[0] != '+' {
		return "****"
	}
	cc := 2 // "+7", Kazakhstan's and Russia's; other numbers keep just the plus and a digit
	masked := []byte(phone)
	for i := cc; i < len(masked)-4; i++ {
		masked[i] = '*'
	}
	return string(masked)
}
