package biometric

import (
	"crypto/ed25519"
	"fmt"
	"time"
)

// Config is what the checks of a result depend on.
type Config struct {
	// ProviderKey is the provider's Ed25519 public key; a result it did not sign is refused.
	ProviderKey ed25519.PublicKey
	// MinSimilarity is the lowest similarity to the reference photo accepted, per-mille.
	MinSimilarity int
	// Freshness is how old a result may be (from the provider's checked_at to now).
	Freshness time.Duration
	// MaxAttempts is how many failed checks end a session and raise an anti-fraud signal.
	MaxAttempts int
}

// DefaultConfig returns the production settings for a provider key: similarity at least
// 0.900, results at most two minutes old, three attempts (the ARDFM rules: three failed
// attempts end the service, FACTS.md §4).
func DefaultConfig(providerKey ed25519.PublicKey) Config {
	return Config{ProviderKey: providerKey, MinSimilarity: 900, Freshness: 2 * time.Minute, MaxAttempts: 3}
}

// Validate refuses a configuration that would let results through unchecked.
func (c Config) Validate() error {
	switch {
	case len(c.ProviderKey) != ed25519.PublicKeySize:
		return fmt.Errorf("biometric config: provider key has %d bytes, want %d", len(c.ProviderKey), ed25519.PublicKeySize)
	case c.MinSimilarity <= 0 || c.MinSimilarity > 1000:
		return fmt.Errorf("biometric config: min similarity %d per-mille, want 1 to 1000", c.MinSimilarity)
	case c.Freshness <= 0:
		return fmt.Errorf("biometric config: freshness %s, want more than zero", c.Freshness)
	case c.MaxAttempts <= 0 || c.MaxAttempts > 10:
		return fmt.Errorf("biometric config: max attempts %d, want 1 to 10", c.MaxAttempts)
	}
	return nil
}
