package biometric

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"nesie.kz/nesie/internal/kz"
)

// Status is where a biometric session stands.
type Status string

// The statuses. A session is open until it passes, fails for good, or expires.
const (
	StatusOpen    Status = "open"
	StatusPassed  Status = "passed"
	StatusFailed  Status = "failed"
	StatusExpired Status = "expired"
)

// transitions is the whole state machine: only an open session moves, and only once.
var transitions = map[Status][]Status{
	StatusOpen: {StatusPassed, StatusFailed, StatusExpired},
}

// CanBecome reports whether a session in s may move to to.
func (s Status) CanBecome(to Status) bool {
	for _, t := range transitions[s] {
		if t == to {
			return true
		}
	}
	return false
}

// Session is one identification Nesie asked the provider for.
type Session struct {
	// ID is Nesie's id of the session; ProviderSessionID is the provider's, which the
	// client's device uses to perform the movements.
	ID                string
	ProviderSessionID string
	IIN               kz.IIN
	// Nonce binds the provider's result to this session (R11).
	Nonce string
	// Movements is the sequence the client must perform, in order (R35).
	Movements Sequence
	Status    Status
	// Attempts counts the failed checks; MaxAttempts of them end the session.
	Attempts    int
	MaxAttempts int
	CreatedAt   time.Time
	ExpiresAt   time.Time
	// EndedAt is when the session left StatusOpen; zero while open.
	EndedAt time.Time
}

// Check is one result received for a session and what Nesie concluded from it: the
// electronic biometric identification document (R34).
type Check struct {
	ID        string
	SessionID string
	// Attempt numbers the checks of a session from 1.
	Attempt int
	Passed  bool
	// Reason is the refusal's code (e.g. "biometric_result_replayed"); empty when Passed.
	Reason             string
	SimilarityPermille int
	// ProviderCheckedAt is the checked_at the result claims; ReceivedAt is when Nesie
	// received and checked it.
	ProviderCheckedAt time.Time
	ReceivedAt        time.Time
	// Raw is the result exactly as received; Signature is the provider's signature in it.
	Raw       []byte
	Signature []byte
}

// newID returns a random 128-bit id in hex.
func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
