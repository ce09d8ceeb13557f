// Package smssim simulates the SMS gateway: it accepts messages over HTTP, deduplicating by
// the sender's idempotency key as a real gateway does, and keeps them in an inbox per
// number that tests and the demo read (GET /v1/messages?to=… or Messages). Serve it with
// sim.Start.
package smssim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"nesie.kz/nesie/internal/clock"
)

// Message is one SMS the gateway accepted.
type Message struct {
	ID             string    `json:"id"`
	To             string    `json:"to"`
	Text           string    `json:"text"`
	IdempotencyKey string    `json:"idempotency_key,omitempty"`
	ReceivedAt     time.Time `json:"received_at"`
}

// Gateway is the simulated SMS gateway. It is an http.Handler and safe for concurrent use.
type Gateway struct {
	clock clock.Clock
	mu    sync.Mutex
	inbox []Message
	byKey map[string]int // idempotency key → index in inbox
	mux   *http.ServeMux
}

// New returns a gateway with an empty inbox that stamps messages with clk (the system clock
// when nil).
func New(clk clock.Clock) *Gateway {
	if clk == nil {
		clk = clock.System{}
	}
	g := &Gateway{clock: clk, byKey: map[string]int{}, mux: http.NewServeMux()}
	g.mux.HandleFunc("POST /v1/messages", g.send)
	g.mux.HandleFunc("GET /v1/messages", g.list)
	return g
}

// ServeHTTP answers the gateway's API.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) { g.mux.ServeHTTP(w, r) }

// SendRequest is the body of POST /v1/messages.
type SendRequest struct {
	To             string `json:"to"`
	Text           string `json:"text"`
	IdempotencyKey string `json:"idempotency_key"`
}

// SendAnswer is the answer to POST /v1/messages.
type SendAnswer struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

func (g *Gateway) send(w http.ResponseWriter, r *http.Request) {
	var req SendRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&req); err != nil {
		answer(w, http.StatusBadRequest, map[string]string{"error": "body is not a message"})
		return
	}
	to := canonical(req.To)
	if len(to) != 12 || req.Text == "" {
		answer(w, http.StatusBadRequest, map[string]string{"error": "to and text are required"})
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if i, ok := g.byKey[req.IdempotencyKey]; ok && req.IdempotencyKey != "" {
		m := g.inbox[i]
		if m.To != to || m.Text != req.Text {
			answer(w, http.StatusConflict, map[string]string{"error": "idempotency key reused for another message"})
			return
		}
		answer(w, http.StatusOK, SendAnswer{ID: m.ID, Status: "accepted"})
		return
	}
	var id [8]byte
	rand.Read(id[:])
	m := Message{ID: hex.EncodeToString(id[:]), To: to, Text: req.Text, IdempotencyKey: req.IdempotencyKey, ReceivedAt: g.clock.Now()}
	g.inbox = append(g.inbox, m)
	if req.IdempotencyKey != "" {
		g.byKey[req.IdempotencyKey] = len(g.inbox) - 1
	}
	answer(w, http.StatusOK, SendAnswer{ID: m.ID, Status: "accepted"})
}

// ListAnswer is the answer to GET /v1/messages.
type ListAnswer struct {
	Messages []Message `json:"messages"`
}

func (g *Gateway) list(w http.ResponseWriter, r *http.Request) {
	answer(w, http.StatusOK, ListAnswer{Messages: g.Messages(r.URL.Query().Get("to"))})
}

// Messages returns the messages sent to the number to (in any common spelling), oldest
// first; every message when to is empty.
func (g *Gateway) Messages(to string) []Message {
	want := canonical(to)
	g.mu.Lock()
	defer g.mu.Unlock()
	out := []Message{}
	for _, m := range g.inbox {
		if to == "" || m.To == want {
			out = append(out, m)
		}
	}
	return out
}

func answer(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// canonical writes a number as +digits, reading the domestic trunk prefix 8 as 7.
func canonical(phone string) string {
	var b strings.Builder
	for _, c := range phone {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	d := b.String()
	if len(d) == 11 && d[0] == '8' {
		d = "7" + d[1:]
	}
	return "+" + d
}
