package onboarding

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/notify"
	"nesie.kz/nesie/internal/store"
)

// DefaultFlowTTL is how long a flow may be completed after it began: long enough to perform
// the movements and sign in NCALayer, short enough that a passed check is still fresh proof.
const DefaultFlowTTL = 30 * time.Minute

// PhoneRegistry answers whether a phone belongs to an IIN; phonereg.Client is the production
// one. An error must mean "no answer": the check it guards is then refused.
type PhoneRegistry interface {
	Owns(ctx context.Context, phone, iin string) (bool, error)
}

// Config is what the flows are composed of. Every field but FlowTTL is required.
type Config struct {
	DB         *store.DB
	Trail      *audit.Trail
	Clients    *client.Service
	Biometrics *biometric.Service
	// Signatures verifies the client's EDS: eds.Router in production (built-in RSA/ECDSA,
	// NCANode for GOST).
	Signatures eds.Verifier
	Phones     PhoneRegistry
	// Security sends the phone-change notice (R25.9); build it with Contacts.
	Security *notify.Security
	// FlowTTL bounds a flow's life; 0 means DefaultFlowTTL.
	FlowTTL time.Duration
}

// Service runs the onboarding flows.
type Service struct {
	cfg Config
}

// New checks cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.DB == nil || cfg.Trail == nil || cfg.Clients == nil || cfg.Biometrics == nil ||
		cfg.Signatures == nil || cfg.Phones == nil || cfg.Security == nil {
		return nil, errors.New("onboarding: database, trail, clients, biometrics, signatures, phones and security are all required")
	}
	if cfg.FlowTTL < 0 {
		return nil, errors.New("onboarding: negative flow TTL")
	}
	if cfg.FlowTTL == 0 {
		cfg.FlowTTL = DefaultFlowTTL
	}
	return &Service{cfg: cfg}, nil
}

// Started is what a client needs to go on after a flow began: the flow's id, the biometric
// session to perform, and the statement to sign (none for a compromise clearance).
type Started struct {
	// ID is the flow's id: the registration id, the change id.
	ID string
	// BiometricSessionID is Nesie's id of the session; ProviderSessionID the provider's,
	// which the client's device uses; Movements the sequence to perform, in order (R35).
	BiometricSessionID string
	ProviderSessionID  string
	Movements          biometric.Sequence
	BiometricExpiresAt time.Time
	// Statement is the exact bytes to sign with the EDS; StatementContentType says what
	// they are.
	Statement            []byte
	StatementContentType string
	// ExpiresAt is when the flow can no longer be completed.
	ExpiresAt time.Time
}

// newID returns a random 128-bit id in hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
