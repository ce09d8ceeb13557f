package loan

import (
	"errors"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/contract"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/merchant"
	"nesie.kz/nesie/internal/payout"
	"nesie.kz/nesie/internal/product"
	"nesie.kz/nesie/internal/sms"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/underwriting"
	"nesie.kz/nesie/internal/vault"
)

// Config holds the loan flow's tunable values.
type Config struct {
	Cooling CoolingRule
	// BiometricMaxAge is how long ago the biometric check proving an act may have passed.
	BiometricMaxAge time.Duration
	// CodeLifetime and CodeTries bound the one-time password of a consent.
	CodeLifetime time.Duration
	CodeTries    int
}

// DefaultConfig is the configuration FACTS.md supports, over the МРП table mrp.
func DefaultConfig(cooling CoolingRule) Config {
	return Config{Cooling: cooling, BiometricMaxAge: 10 * time.Minute, CodeLifetime: 5 * time.Minute, CodeTries: 3}
}

// Deps are the services a loan needs.
type Deps struct {
	DB         *store.DB
	Trail      *audit.Trail
	Vault      *vault.Vault
	Clients    *client.Service
	Products   *product.Service
	Merchants  *merchant.Service
	Biometrics *biometric.Service
	Signatures eds.Verifier
	Bank       *bank.Client
	SMS        *sms.Client
	// Receipts signs the confirmations of R12 with the MFO's key.
	Receipts *contract.Signer
}

// Service runs the loan flow. Underwriting and payouts call back into it, so they are
// attached after both exist (Attach).
type Service struct {
	Deps
	db      *store.DB
	vault   *vault.Vault
	cfg     Config
	assess  *underwriting.Service
	payouts *payout.Service
}

// New returns the service; Attach must be called before applications are submitted.
func New(d Deps, cfg Config) (*Service, error) {
	if d.DB == nil || d.Trail == nil || d.Vault == nil || d.Clients == nil || d.Products == nil || d.Merchants == nil ||
		d.Biometrics == nil || d.Signatures == nil || d.Bank == nil || d.SMS == nil || d.Receipts == nil {
		return nil, errors.New("loan: every dependency is required")
	}
	if err := cfg.Cooling.Validate(); err != nil {
		return nil, err
	}
	if cfg.BiometricMaxAge <= 0 || cfg.CodeLifetime <= 0 || cfg.CodeTries <= 0 {
		return nil, errors.New("loan: biometric age, code lifetime and tries must be positive")
	}
	return &Service{Deps: d, db: d.DB, vault: d.Vault, cfg: cfg}, nil
}

// Attach gives the service the underwriting that decides and the payouts that pay. Their
// hooks are the service's Decided, Paid and PayoutFailed.
func (s *Service) Attach(u *underwriting.Service, p *payout.Service) {
	s.assess, s.payouts = u, p
}
