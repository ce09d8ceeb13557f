package main

import (
	"log/slog"

	"nesie.kz/nesie/internal/app"
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/config"
	"nesie.kz/nesie/internal/contract"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/underwriting"
	"nesie.kz/nesie/internal/vault"
)

// buildServices loads the keys the configuration names and wires the system to ep. The demo
// creates the vault and receipt keys on first run; production must have them.
func buildServices(cfg *config.Config, db *store.DB, trail *audit.Trail, clk clock.Clock, ep app.Endpoints, mrp kz.MRPTable, log *slog.Logger) (*app.Services, error) {
	load, loadReceipt := vault.LoadKeyFile, contract.LoadSigningKey
	if cfg.Mode == config.Demo {
		load, loadReceipt = vault.LoadOrCreateKeyFile, contract.LoadOrCreateSigningKey
	}
	v, err := load(cfg.VaultKeyFile)
	if err != nil {
		return nil, err
	}
	receiptKey, err := loadReceipt(cfg.ReceiptKeyFile)
	if err != nil {
		return nil, err
	}
	return app.Build(app.Config{DB: db, Trail: trail, Clock: clk, Vault: v, Log: log, Endpoints: ep,
		ReceiptKey: receiptKey, MRP: &mrp, Underwriting: underwritingConfig(cfg.Lending)})
}

// underwritingConfig is the built-in lending rules with the ones the operator set.
func underwritingConfig(l config.Lending) *underwriting.Config {
	c := underwriting.DefaultConfig()
	if l.DTILimitPermille != nil {
		c.MaxDTIPermille = *l.DTILimitPermille
	}
	if l.OverdueLimitDays != nil {
		c.MaxOverdueDays = *l.OverdueLimitDays
	}
	if l.FourEyesAbove != nil {
		c.FourEyesAbove = *l.FourEyesAbove
	}
	if l.RiskMediumAbove != nil {
		c.RiskMediumAmountAbove = *l.RiskMediumAbove
	}
	if l.RiskHighAbove != nil {
		c.RiskHighAmountAbove = *l.RiskHighAbove
	}
	if l.RiskEntrepreneurMedium != nil {
		c.RiskEntrepreneurAtLeastMedium = *l.RiskEntrepreneurMedium
	}
	return &c
}
