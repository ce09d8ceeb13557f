// Package app wires Nesie's domain services to each other and to the adapters of the outside
// services. The server (cmd/nesie), the end-to-end tests and the benchmarks build the same
// system through Build, so what is tested is what runs.
package app

import (
	"context"
	"crypto/ed25519"
	"errors"
	"log/slog"
	"time"

	"nesie.kz/nesie/internal/aml"
	"nesie.kz/nesie/internal/antifraud"
	"nesie.kz/nesie/internal/api"
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/auth"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/bureau"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/contract"
	"nesie.kz/nesie/internal/device"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/legalcap"
	"nesie.kz/nesie/internal/loan"
	"nesie.kz/nesie/internal/merchant"
	"nesie.kz/nesie/internal/notify"
	"nesie.kz/nesie/internal/onboarding"
	"nesie.kz/nesie/internal/payout"
	"nesie.kz/nesie/internal/phonereg"
	"nesie.kz/nesie/internal/product"
	"nesie.kz/nesie/internal/sms"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/underwriting"
	"nesie.kz/nesie/internal/vault"
)

// Config is what Build needs. Nil options take their defaults.
type Config struct {
	DB    *store.DB
	Trail *audit.Trail
	Clock clock.Clock
	Vault *vault.Vault
	Log   *slog.Logger
	// Endpoints are the outside services (EndpointsOf the simulators in the demo and tests).
	Endpoints Endpoints
	// ReceiptKey signs the receipts of R12.
	ReceiptKey ed25519.PrivateKey
	// Timeout bounds every call to an outside service; 10 s when zero.
	Timeout      time.Duration
	Auth         *auth.Config
	Loan         *loan.Config
	Underwriting *underwriting.Config
	AML          *aml.Config
	// MRP is the МРП table (kz.DefaultMRP when nil): the cooling-off threshold and the caps.
	MRP *kz.MRPTable
}

// Services are the domain services of a running system, wired to their adapters.
type Services struct {
	Clients      *client.Service
	Biometric    *biometric.Service
	EDS          eds.Verifier
	Phones       *phonereg.Client
	SMS          *sms.Client
	Notices      *notify.Security
	Outbox       *notify.Worker
	Auth         *auth.Service
	Devices      *device.Service
	Onboarding   *onboarding.Service
	Products     *product.Service
	Merchants    *merchant.Service
	AML          *aml.Service
	Antifraud    *antifraud.Lists
	Bureau       *bureau.Client
	Bank         *bank.Client
	Underwriting *underwriting.Service
	Payouts      *payout.Service
	Loans        *loan.Service

	db *store.DB
}

// Build wires the system.
func Build(c Config) (*Services, error) {
	if c.DB == nil || c.Trail == nil || c.Clock == nil || c.Vault == nil || c.ReceiptKey == nil {
		return nil, errors.New("app: database, trail, clock, vault and receipt key are required")
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	mrp := kz.DefaultMRP()
	if c.MRP != nil {
		mrp = *c.MRP
	}
	ep := c.Endpoints
	s := &Services{db: c.DB, Clients: client.NewService(c.Vault, c.Trail)}
	if err := s.buildClients(c, ep); err != nil {
		return nil, err
	}
	if err := s.buildOrigination(c, ep, mrp); err != nil {
		return nil, err
	}
	return s, nil
}

// buildClients wires registration, login and devices (issue 4).
func (s *Services) buildClients(c Config, ep Endpoints) error {
	bioClient, err := biometric.NewClient(ep.BiometricURL, c.Timeout)
	if err != nil {
		return err
	}
	if s.Biometric, err = biometric.NewService(c.DB, c.Trail, bioClient, c.Clock, c.Vault, biometric.DefaultConfig(ep.BiometricKey)); err != nil {
		return err
	}
	// Electronic signatures: RSA/ECDSA here, GOST through NCANode; revocation by OCSP with
	// the CRL behind it.
	revocation, err := eds.NewHTTPRevocation(eds.HTTPRevocationConfig{OCSPURL: ep.OCSPURL, CRLURLs: ep.CRLURLs})
	if err != nil {
		return err
	}
	builtin, err := eds.NewBuiltin(eds.BuiltinConfig{Trust: ep.EDSTrust, Revocation: revocation, Clock: c.Clock})
	if err != nil {
		return err
	}
	ncanode, err := eds.NewNCANode(eds.NCANodeConfig{URL: ep.NCANodeURL, Clock: c.Clock})
	if err != nil {
		return err
	}
	if s.EDS, err = eds.NewRouter(builtin, ncanode); err != nil {
		return err
	}
	// Phones, SMS and the security notifications (R25.9, R36).
	s.Phones = phonereg.New(ep.PhoneRegistryURL, c.Timeout)
	s.SMS = sms.New(ep.SMSURL, c.Timeout)
	directory := api.NewDirectory(s.Clients)
	s.Outbox = notify.NewWorker(c.DB, c.Trail, notify.Senders{SMS: notify.SMSSender(s.SMS)}, notify.WorkerConfig{Logger: c.Log})
	s.Notices = notify.NewSecurity(s.Clients, s.Outbox.Wake)
	// Login (R6.5) and devices (R26.2).
	authCfg := auth.DefaultConfig()
	if c.Auth != nil {
		authCfg = *c.Auth
	}
	if s.Auth, err = auth.NewService(auth.Deps{DB: c.DB, Trail: c.Trail, Directory: directory, SMS: s.SMS, Notifier: s.Notices, Secrets: c.Vault, Log: c.Log}, authCfg); err != nil {
		return err
	}
	s.Devices = device.New(c.DB, c.Trail, api.NewBiometricGate(s.Clients, s.Biometric), s.Notices, device.Config{})
	// Registration and sensitive changes (R6.1–R6.6, R36).
	s.Onboarding, err = onboarding.New(onboarding.Config{DB: c.DB, Trail: c.Trail, Clients: s.Clients, Biometrics: s.Biometric,
		Signatures: s.EDS, Phones: s.Phones, Security: s.Notices})
	return err
}

// buildOrigination wires products, checks, decisions, contracts and payouts (issue 5).
func (s *Services) buildOrigination(c Config, ep Endpoints, mrp kz.MRPTable) error {
	caps := legalcap.DefaultBook()
	s.Products = product.New(c.DB, c.Trail, caps, mrp)
	s.Merchants = merchant.New(c.DB, c.Trail)
	amlCfg := aml.DefaultConfig()
	if c.AML != nil {
		amlCfg = *c.AML
	}
	s.AML = aml.New(c.DB, c.Trail, amlCfg)
	s.Antifraud = antifraud.New(c.DB, c.Trail, c.Vault)
	var err error
	if s.Bureau, err = bureau.NewClient(ep.BureauURL, ep.BureauKey, c.Timeout); err != nil {
		return err
	}
	if s.Bank, err = bank.NewClient(ep.BankURL, c.Timeout); err != nil {
		return err
	}
	loanCfg := loan.DefaultConfig(loan.DefaultCoolingRule(mrp))
	if c.Loan != nil {
		loanCfg = *c.Loan
	}
	s.Loans, err = loan.New(loan.Deps{DB: c.DB, Trail: c.Trail, Vault: c.Vault, Clients: s.Clients, Products: s.Products,
		Merchants: s.Merchants, Biometrics: s.Biometric, Signatures: s.EDS, Bank: s.Bank, SMS: s.SMS,
		Receipts: contract.NewSigner(c.ReceiptKey, contract.KeyID(c.ReceiptKey.Public().(ed25519.PublicKey)))}, loanCfg)
	if err != nil {
		return err
	}
	uwCfg := underwriting.DefaultConfig()
	if c.Underwriting != nil {
		uwCfg = *c.Underwriting
	}
	uwCfg.Vault = c.Vault
	if s.Underwriting, err = underwriting.New(c.DB, c.Trail, s.Bureau, amlScreen{s.AML}, fraudCheck{s.Antifraud}, uwCfg, s.Loans.Decided); err != nil {
		return err
	}
	// The anti-fraud decision is asked again just before money leaves (R8-2.6).
	screen := payoutScreen{decider: s.Antifraud, db: c.DB, clients: s.Clients}
	if s.Payouts, err = payout.New(c.DB, c.Trail, s.Bank, payout.Hooks{Paid: s.Loans.Paid, Failed: s.Loans.PayoutFailed},
		payout.Config{Vault: c.Vault, Screen: screen.Screen}); err != nil {
		return err
	}
	s.Loans.Attach(s.Underwriting, s.Payouts)
	return nil
}

// DB is the database the services run on.
func (s *Services) DB() *store.DB { return s.db }

// APIDeps are the services the client API calls.
func (s *Services) APIDeps(log *slog.Logger) api.Deps {
	return api.Deps{Auth: s.Auth, Clients: s.Clients, Biometric: s.Biometric, Devices: s.Devices, Onboarding: s.Onboarding,
		Loans: s.Loans, Products: s.Products, Merchants: s.Merchants, DB: s.db, Log: log}
}

// RunWorkers starts the background work — the notification outbox, the payouts, the
// annulment of consents not given — and returns a function that stops it and waits.
func (s *Services) RunWorkers(ctx context.Context, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	workers := []struct {
		name string
		run  func(context.Context) error
	}{
		{"notification outbox", func(ctx context.Context) error { return s.Outbox.Run(ctx, 5*time.Second) }},
		{"payouts", func(ctx context.Context) error { return s.Payouts.Run(ctx, 2*time.Second) }},
		{"consent annulments", func(ctx context.Context) error { return s.Loans.RunAnnulments(ctx, time.Minute) }},
	}
	done := make(chan struct{}, len(workers))
	for _, w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			if err := w.run(ctx); err != nil && ctx.Err() == nil {
				log.Error(w.name+" stopped", "err", err)
			}
		}()
	}
	return func() {
		cancel()
		for range workers {
			<-done
		}
	}
}
