// Package phonesim simulates the mobile operators' / eGov phone registry: asked about a phone
// number and an IIN, it answers whether the number is registered to that person (R36.2).
// Tests and the demo seed it with Register; serve it with sim.Start.
package phonesim

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// Registry is the simulated registry. It is an http.Handler and safe for concurrent use.
type Registry struct {
	mu     sync.Mutex
	owners map[string]string // canonical phone digits → IIN
	mux    *http.ServeMux
}

// New returns an empty registry.
func New() *Registry {
	r := &Registry{owners: map[string]string{}, mux: http.NewServeMux()}
	r.mux.HandleFunc("GET /v1/owner", r.owner)
	return r
}

// Register records phone as belonging to iin, replacing any earlier owner.
func (r *Registry) Register(phone, iin string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.owners[canonical(phone)] = iin
}

// ServeHTTP answers the registry's API.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.mux.ServeHTTP(w, req) }

// OwnerAnswer is the body of GET /v1/owner: the question echoed, and the answer.
type OwnerAnswer struct {
	Phone string `json:"phone"`
	IIN   string `json:"iin"`
	Owner bool   `json:"owner"`
}

func (r *Registry) owner(w http.ResponseWriter, req *http.Request) {
	phone, iin := req.URL.Query().Get("phone"), req.URL.Query().Get("iin")
	key := canonical(phone)
	if len(key) != 11 || len(iin) != 12 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"phone and iin are required"}`))
		return
	}
	r.mu.Lock()
	got, ok := r.owners[key]
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(OwnerAnswer{Phone: phone, IIN: iin, Owner: ok && got == iin})
}

// canonical keeps a number's digits, reading the domestic trunk prefix 8 as 7, so that
// "+7 701 123-45-67" and "87011234567" are the same key, as they are to an operator.
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
	return d
}
