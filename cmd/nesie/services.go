package main

import (
	"context"
	"log/slog"
	"time"

	"nesie.kz/nesie/internal/api"
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/auth"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/config"
	"nesie.kz/nesie/internal/device"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/notify"
	"nesie.kz/nesie/internal/onboarding"
	"nesie.kz/nesie/internal/phonereg"
	"nesie.kz/nesie/internal/sms"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/vault"
)

// services are the domain services of a running server, wired to their adapters.
type services struct {
	Clients    *client.Service
	Biometric  *biometric.Service
	EDS        eds.Verifier
	Phones     *phonereg.Client
	Notices    *notify.Security
	Outbox     *notify.Worker
	Auth       *auth.Service
	Devices    *device.Service
	Onboarding *onboarding.Service
}

// buildServices wires the domain to the outside services at ep. The demo creates the vault
// key on first run; production must have it.
func buildServices(cfg *config.Config, db *store.DB, trail *audit.Trail, clk clock.Clock, ep endpoints, log *slog.Logger) (*services, error) {
	// Personal data at rest (R37).
	var v *vault.Vault
	var err error
	if cfg.Mode == config.Demo {
		v, err = vault.LoadOrCreateKeyFile(cfg.VaultKeyFile)
	} else {
		v, err = vault.LoadKeyFile(cfg.VaultKeyFile)
	}
	if err != nil {
		return nil, err
	}
	s := &services{Clients: client.NewService(v, trail)}

	// Biometric identification (ЦОИД).
	bioClient, err := biometric.NewClient(ep.BiometricURL, 10*time.Second)
	if err != nil {
		return nil, err
	}
	if s.Biometric, err = biometric.NewService(db, trail, bioClient, clk, v, biometric.DefaultConfig(ep.BiometricKey)); err != nil {
		return nil, err
	}

	// Electronic signatures: RSA/ECDSA here, GOST through NCANode; revocation by OCSP with
	// the CRL behind it.
	revocation, err := eds.NewHTTPRevocation(eds.HTTPRevocationConfig{OCSPURL: ep.OCSPURL, CRLURLs: ep.CRLURLs})
	if err != nil {
		return nil, err
	}
	builtin, err := eds.NewBuiltin(eds.BuiltinConfig{Trust: ep.EDSTrust, Revocation: revocation, Clock: clk})
	if err != nil {
		return nil, err
	}
	ncanode, err := eds.NewNCANode(eds.NCANodeConfig{URL: ep.NCANodeURL, Clock: clk})
	if err != nil {
		return nil, err
	}
	if s.EDS, err = eds.NewRouter(builtin, ncanode); err != nil {
		return nil, err
	}

	// Phones, SMS and the security notifications (R25.9, R36).
	s.Phones = phonereg.New(ep.PhoneRegistryURL, phonereg.DefaultTimeout)
	smsClient := sms.New(ep.SMSURL, sms.DefaultTimeout)
	directory := api.NewDirectory(s.Clients)
	s.Outbox = notify.NewWorker(db, trail, notify.Senders{SMS: notify.SMSSender(smsClient)}, notify.WorkerConfig{Logger: log})
	s.Notices = notify.NewSecurity(s.Clients, s.Outbox.Wake)

	// Login (R6.5) and devices (R26.2).
	if s.Auth, err = auth.NewService(auth.Deps{DB: db, Trail: trail, Directory: directory, SMS: smsClient, Notifier: s.Notices, Secrets: v, Log: log}, auth.DefaultConfig()); err != nil {
		return nil, err
	}
	s.Devices = device.New(db, trail, api.NewBiometricGate(s.Clients), s.Notices, device.Config{})

	// Registration and sensitive changes (R6.1–R6.6, R36).
	s.Onboarding, err = onboarding.New(onboarding.Config{DB: db, Trail: trail, Clients: s.Clients, Biometrics: s.Biometric,
		Signatures: s.EDS, Phones: s.Phones, Security: s.Notices})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// runWorkers starts the background work and returns a function that stops it and waits.
func (s *services) runWorkers(ctx context.Context, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.Outbox.Run(ctx, 5*time.Second); err != nil && ctx.Err() == nil {
			log.Error("notification outbox stopped", "err", err)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
