package biometricsim

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/kz"
)

// SessionTTL is how long a session may be performed after it was created.
const SessionTTL = 5 * time.Minute

// Simulator is the simulated ЦОИД. It is safe for concurrent use.
type Simulator struct {
	clock clock.Clock

	mu         sync.Mutex
	key        ed25519.PrivateKey
	rng        *mrand.Rand
	identities map[string]Identity
	sessions   map[string]*session
	// issued remembers, per IIN, every sequence handed out, so none is handed out twice (R35).
	issued map[string]map[string]bool
	forced map[string][]string
}

// session is one identification session as the simulator keeps it.
type session struct {
	id, iin, clientRef, nonce string
	movements                 []string
	expiresAt                 time.Time
	// result is the signed result of the latest performance, as served; nil before one.
	result []byte
	// replay, when set by ReplayResult, is served instead of result.
	replay []byte
}

// New returns a simulator that signs with key, reads time from clk, and knows the
// DemoIdentities.
func New(clk clock.Clock, key ed25519.PrivateKey) *Simulator {
	var seed [32]byte
	if _, err := rand.Read(seed[:]); err != nil {
		panic(fmt.Sprintf("biometricsim: random seed: %v", err)) // crypto/rand does not fail on supported systems
	}
	s := &Simulator{
		clock: clk, key: key, rng: mrand.New(mrand.NewChaCha8(seed)),
		identities: map[string]Identity{}, sessions: map[string]*session{},
		issued: map[string]map[string]bool{}, forced: map[string][]string{},
	}
	for _, id := range DemoIdentities() {
		if err := s.SeedIdentity(id); err != nil {
			panic(fmt.Sprintf("biometricsim: demo identity: %v", err)) // the demo table is fixed and valid
		}
	}
	return s
}

// SeedIdentity adds (or replaces) a person in the simulated state database.
func (s *Simulator) SeedIdentity(id Identity) error {
	if _, err := kz.ParseIIN(id.IIN); err != nil {
		return fmt.Errorf("seed identity: %w", err)
	}
	if len(id.Reference) == 0 {
		return fmt.Errorf("seed identity %s: reference photo is empty", id.IIN)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.identities[id.IIN] = id
	return nil
}

// Identity returns the seeded person with iin.
func (s *Simulator) Identity(iin string) (Identity, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.identities[iin]
	return id, ok
}

// PublicKey returns the key results are currently signed with.
func (s *Simulator) PublicKey() ed25519.PublicKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.key.Public().(ed25519.PublicKey)
}

// SetSigningKey makes the simulator sign every later result with key — a result the relying
// party must refuse as foreign when it trusts only the old key.
func (s *Simulator) SetSigningKey(key ed25519.PrivateKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.key = key
}

// ForceNextSequence makes the next session for iin carry movements even if that sequence
// was issued before: a provider breaking R35, which the relying party must notice.
func (s *Simulator) ForceNextSequence(iin string, movements []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forced[iin] = append([]string(nil), movements...)
}

// ReplayResult makes the result endpoint of session into answer with the signed result of
// session from, byte for byte: a genuine earlier result replayed by someone on the wire.
func (s *Simulator) ReplayResult(into, from string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	dst, src := s.sessions[into], s.sessions[from]
	if dst == nil || src == nil || src.result == nil {
		return fmt.Errorf("replay %s into %s: both sessions must exist and the source be performed", from, into)
	}
	dst.replay = src.result
	return nil
}

// Handler returns the HTTP API described in the package doc.
func (s *Simulator) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/sessions", s.createSession)
	mux.HandleFunc("POST /v1/sessions/{id}/performance", s.perform)
	mux.HandleFunc("GET /v1/sessions/{id}/result", s.result)
	mux.HandleFunc("GET /v1/keys", s.keys)
	s.registerDemo(mux)
	return mux
}

func (s *Simulator) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// keyID names a public key: the first 8 bytes of its SHA-256, in hex.
func keyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, format string, args ...any) {
	writeJSON(w, status, map[string]string{"error": code, "message": fmt.Sprintf(format, args...)})
}

func sequenceKey(movements []string) string { return strings.Join(movements, ",") }
