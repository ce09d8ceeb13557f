package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/collectors"

	"nesie.kz/nesie/internal/api"
	"nesie.kz/nesie/internal/app"
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/config"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/obs"
	"nesie.kz/nesie/internal/org"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/server"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/web"
)

// serve is `nesie serve`, and `nesie` with no command: the demo unless --mode production.
func (c *cli) serve(ctx context.Context, args []string) int {
	cfg, fs, code, ok := c.loadConfig("serve", args)
	if !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "nesie serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	log := obs.NewLogger(c.stderr, cfg.LogLevel)
	if err := c.runServer(ctx, cfg, log); err != nil {
		log.Error("nesie stopped", "err", err)
		fmt.Fprintf(c.stderr, "nesie serve: %v\n", err)
		return 1
	}
	return 0
}

func (c *cli) runServer(ctx context.Context, cfg *config.Config, log *slog.Logger) error {
	log.Info("starting", "version", version(), "config", cfg)
	demo := cfg.Mode == config.Demo
	if demo {
		// The demo's clock runs at real speed but can be moved forward, so a tester can
		// cross a 24-hour cooling-off without waiting.
		if _, isSystem := c.clock.(clock.System); isSystem {
			c.clock = clock.NewOffset(c.clock)
		}
	}
	ctx = reqctx.WithActor(ctx, reqctx.SystemActor("nesie"))
	// Reference data is checked now so that a typo in an operator's file stops the start-up,
	// not a loan.
	ref, err := kz.LoadReference(kz.ReferenceFiles{MRP: cfg.MRPFile, Banks: cfg.BanksFile, Calendar: cfg.CalendarFile})
	if err != nil {
		return err
	}
	log.Info("reference data", "mrp_years", ref.MRP.Years(), "banks", len(ref.Banks.Banks()))

	// Database Support
	db, err := c.openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := c.prepareSchema(ctx, cfg, db, log); err != nil {
		return err
	}

	// Audit Trail
	key, err := loadAuditKey(cfg)
	if err != nil {
		return err
	}
	sealer, err := audit.NewSealer(db, audit.SealerConfig{
		Key: key, File: audit.NewCheckpointFile(cfg.AuditCheckpointFile),
		CheckpointEvery: cfg.AuditCheckpointEvery, CheckpointInterval: cfg.AuditCheckpointInterval, Log: log,
	})
	if err != nil {
		return err
	}
	trail := audit.NewTrail(db, sealer.Wake)
	sealCtx, stopSealing := context.WithCancel(context.WithoutCancel(ctx))
	sealed := make(chan error, 1)
	go func() { sealed <- sealer.Run(sealCtx) }()
	defer func() {
		stopSealing()
		if err := <-sealed; err != nil {
			log.Error("final audit checkpoint failed", "err", err)
		}
	}()

	// Domain
	if demo {
		created, err := org.EnsureDemo(ctx, db, trail)
		if err != nil {
			return fmt.Errorf("seed the demo organization: %w", err)
		}
		if created {
			log.Info("seeded the demo MFO")
		}
	}

	// Outside Services: simulators in the demo, the real services in production.
	var ep app.Endpoints
	var sims *app.Simulators
	if demo {
		if sims, err = app.StartSimulators(c.clock, nil); err != nil {
			return err
		}
		defer sims.Close()
		ep, err = app.EndpointsOf(sims)
	} else {
		ep, err = endpointsOf(cfg.Outside)
	}
	if err != nil {
		return err
	}
	svc, err := buildServices(cfg, db, trail, c.clock, ep, ref.MRP, log)
	if err != nil {
		return err
	}
	if demo {
		if err := seedDemo(ctx, svc, sims); err != nil {
			return fmt.Errorf("seed the demo: %w", err)
		}
	}
	defer svc.RunWorkers(ctx, log)()

	// HTTPS
	srv, err := c.newServer(cfg, db, svc, sealer, log, demo)
	if err != nil {
		return err
	}
	ln, err := srv.Listen(ctx)
	if err != nil {
		return err
	}
	c.announce(cfg, ln.Addr(), key, sims)
	if c.listening != nil {
		c.listening(ln.Addr())
	}
	err = srv.Serve(ctx, ln)
	log.Info("stopped serving; sealing the audit trail")
	return err
}

// prepareSchema migrates the demo's database itself; production must be migrated by the
// operator with `nesie migrate` (as the owner role) and refuses to run on an old schema.
func (c *cli) prepareSchema(ctx context.Context, cfg *config.Config, db *store.DB, log *slog.Logger) error {
	if cfg.Mode == config.Demo {
		applied, err := db.Migrate(ctx)
		if err != nil {
			return err
		}
		if len(applied) > 0 {
			log.Info("migrated", "applied", applied)
			return recordMigration(ctx, db, applied)
		}
		return nil
	}
	pending, err := db.Pending(ctx)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("the database lacks migrations %s: run \"nesie migrate\" first", strings.Join(pending, ", "))
	}
	return nil
}

// loadAuditKey loads the checkpoint signing key; the demo makes one on first run.
func loadAuditKey(cfg *config.Config) (*audit.Key, error) {
	if cfg.Mode == config.Demo {
		return audit.LoadOrCreateKey(cfg.AuditKeyFile)
	}
	return audit.LoadKey(cfg.AuditKeyFile)
}

func (c *cli) newServer(cfg *config.Config, db *store.DB, svc *app.Services, sealer *audit.Sealer, log *slog.Logger, demo bool) (*server.Server, error) {
	cert, err := c.certificate(cfg, demo)
	if err != nil {
		return nil, err
	}
	pages, err := web.New(web.Deps{DB: db, Demo: demo})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/", pages)
	api.Routes(mux, svc.APIDeps(log))
	scfg := server.Config{
		Addr: cfg.Addr, Certificate: cert, MaxBodyBytes: cfg.MaxBodyBytes,
		ShutdownTimeout: cfg.ShutdownTimeout, CacheablePrefixes: []string{web.StaticPrefix},
	}
	for _, p := range cfg.TrustedProxies {
		a, err := netip.ParseAddr(p)
		if err != nil {
			return nil, err
		}
		scfg.TrustedProxies = append(scfg.TrustedProxies, netip.PrefixFrom(a, a.BitLen()))
	}
	metrics := obs.NewMetrics()
	// The queues are read at each scrape, each probe for at most backlogProbeTimeout: a
	// database that does not answer shows as probe_ok 0, not as empty queues.
	backlogs := obs.NewBacklogCollector(backlogProbeTimeout, append(svc.Backlogs(), obs.BacklogProbe{Name: "audit", Read: sealer.Backlog})...)
	if err := metrics.Register(collectors.NewDBStatsCollector(db.Raw(), "nesie"), backlogs); err != nil {
		return nil, err
	}
	return server.New(scfg, mux, log, metrics, db.Ping)
}

// backlogProbeTimeout bounds each backlog probe at a scrape; Prometheus's own scrape timeout
// is 10 s by default, and four probes must fit in it.
const backlogProbeTimeout = 2 * time.Second

// certificate is the configured one, or in the demo a self-signed one made on first run.
func (c *cli) certificate(cfg *config.Config, demo bool) (cert tls.Certificate, err error) {
	if cfg.TLSCertFile != "" {
		return server.LoadKeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
	}
	if !demo {
		return cert, errors.New("production needs --tls-cert and --tls-key")
	}
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return cert, err
	}
	host, _, _ := net.SplitHostPort(cfg.Addr)
	return server.LoadOrCreateSelfSigned(cfg.Data, []string{host, "localhost", "127.0.0.1"}, c.clock.Now())
}

// announce tells the person who started the demo where it is and what to do next.
func (c *cli) announce(cfg *config.Config, addr net.Addr, key *audit.Key, sims *app.Simulators) {
	url := "https://" + addr.String() + "/"
	if sims == nil {
		fmt.Fprintf(c.stdout, "Nesie is serving %s on %s\n", describeDB(cfg), url)
		return
	}
	fmt.Fprintf(c.stdout, `
Nesie demo is running: %s

  Database        %s
  TLS             self-signed certificate in %s (your browser will ask you to accept it)
  Audit trail     checkpoints signed with key %s, copied to %s
  Demo MFO        %s
  Simulators      of the outside services, on loopback:
%s
Try the client API (JSON under /api/v1):
  1. POST /api/v1/registrations with an application for one of the simulator's made-up people:
%s     the answer has the movements to perform and the statement to sign.
  2. Act the movements out at %s/demo/sessions/PROVIDER_SESSION_ID
  3. Sign the statement with the НУЦ simulator's demo signer: POST %s/demo/sign
     {"iin": "…", "data": "<statement, base64>", "detached": true}
  4. POST /api/v1/registrations/ID/complete with the application, the biometric session, the
     signature and a password; then POST /api/v1/login — the SMS code is at %s/v1/messages
  5. Borrow (docs/api-loans.md): GET /api/v1/products, POST /api/v1/loans, PUT …/payout with
     the person's account at the simulated bank (%s), POST …/submit, GET …/contract,
     POST /api/v1/biometric, then POST …/sign with the EDS over the PDF.

Next:
  open %s in a browser to see the client cabinet
  run "go run ./cmd/nesie audit verify" in another terminal to check the audit trail
  press Ctrl+C to stop (the audit trail is sealed and signed on the way out)

`, url, describeDB(cfg), cfg.Data, key.ID, cfg.AuditCheckpointFile, org.Demo().Name, sims.Listing(),
		sims.People(), sims.URL(app.SimBiometric), sims.URL(app.SimNCA), sims.URL(app.SimSMS), strings.Join(demoAccounts, ", "), url)
}
