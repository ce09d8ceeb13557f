// Package client keeps the MFO's clients (R6): individuals, individual entrepreneurs and legal
// entities, registered with exactly the data of R6.1 and R6.2, the documents they handed in
// kept byte for byte (R34), and their personal data encrypted at rest through the vault
// (R37). Registration is a state machine (pending_verification → active | rejected) that the
// lead's flow drives inside one transaction around biometrics and EDS, so nothing half
// registered survives. The IIN and BIN never change (R6.7); a new phone or bank account needs
// proof of biometrics and EDS from the same flow (R6.6); a client whose data leaked needs
// fresh checks and gets a call (R36).
//
// Every method takes the caller's *store.Tx and records its audit event in it. Refusals
// (invalid input, missing proof) return errors and write nothing; recording the refusal is the
// caller's, in a transaction of its own (audit.Trail.Do).
package client

import (
	"crypto/rand"
	"encoding/hex"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/vault"
)

// Service reads and changes clients.
type Service struct {
	vault *vault.Vault
	trail *audit.Trail
}

// NewService returns a Service that encrypts personal data with v and audits to trail.
func NewService(v *vault.Vault, trail *audit.Trail) *Service {
	return &Service{vault: v, trail: trail}
}

// newID returns a random 128-bit id in hex: unguessable, so an id in a URL reveals nothing
// about how many clients there are.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
