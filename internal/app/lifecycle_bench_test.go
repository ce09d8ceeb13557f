package app_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nesie.kz/nesie/internal/aml"
	"nesie.kz/nesie/internal/app"
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/loan"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/org"
	"nesie.kz/nesie/internal/product"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/sim/biometricsim"
	"nesie.kz/nesie/internal/sim/ncasim"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// borrower is a made-up client ready to borrow: registered, known to the biometric provider,
// with an account at the bank and an EDS certificate.
type borrower struct {
	id   string
	iin  kz.IIN
	iban kz.IBAN
	cert *x509.Certificate
	key  crypto.Signer
}

// system is the whole of Nesie on one database with its simulators.
type system struct {
	env  *storetest.Env
	sims *app.Simulators
	svc  *app.Services
	bio  *biometric.Client
}

func newSystem(b *testing.B, env *storetest.Env) *system {
	b.Helper()
	ctx := context.Background()
	sims, err := app.StartSimulators(env.Clock, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(sims.Close)
	ep, err := app.EndpointsOf(sims)
	if err != nil {
		b.Fatal(err)
	}
	keys, err := vault.NewKeys()
	if err != nil {
		b.Fatal(err)
	}
	v, err := vault.New(keys)
	if err != nil {
		b.Fatal(err)
	}
	_, receiptKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	// The audit trail is sealed as in production: its cost is part of every lifecycle.
	dir := b.TempDir()
	auditKey, err := audit.LoadOrCreateKey(filepath.Join(dir, "audit.key"))
	if err != nil {
		b.Fatal(err)
	}
	sealer, err := audit.NewSealer(env.DB, audit.SealerConfig{Key: auditKey, File: audit.NewCheckpointFile(filepath.Join(dir, "checkpoints.log"))})
	if err != nil {
		b.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	sealed := make(chan error, 1)
	go func() { sealed <- sealer.Run(sctx) }()
	b.Cleanup(func() {
		stop()
		if err := <-sealed; err != nil {
			b.Errorf("sealer: %v", err)
		}
	})
	trail := audit.NewTrail(env.DB, sealer.Wake)
	svc, err := app.Build(app.Config{DB: env.DB, Trail: trail, Clock: env.Clock, Vault: v, Log: slog.New(slog.DiscardHandler),
		Endpoints: ep, ReceiptKey: receiptKey})
	if err != nil {
		b.Fatal(err)
	}
	bio, err := biometric.NewClient(sims.URL(app.SimBiometric), 5*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := org.EnsureDemo(ctx, env.DB, trail); err != nil {
		b.Fatal(err)
	}
	for _, spec := range product.DemoSpecs() {
		v, err := svc.Products.Propose(ctx, "staff-author", spec)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Products.Approve(ctx, v.ID, "staff-checker"); err != nil {
			b.Fatal(err)
		}
	}
	list := "full_name;birth_date;iin;ref\nЗапретов Злодей Запретович;1970-01-01;;BENCH-1\n"
	if _, err := svc.AML.Load(ctx, "staff-compliance", "bench", aml.FormatCSV, strings.NewReader(list)); err != nil {
		b.Fatal(err)
	}
	return &system{env: env, sims: sims, svc: svc, bio: bio}
}

// iinOf makes the n-th made-up IIN with a valid check digit (a person born in 1990).
func iinOf(b *testing.B, n int) kz.IIN {
	b.Helper()
	for serial := n * 10; ; serial++ {
		body := fmt.Sprintf("9001013%04d", serial%10000)
		for check := 0; check <= 9; check++ {
			if iin, err := kz.ParseIIN(body + fmt.Sprint(check)); err == nil {
				return iin
			}
		}
	}
}

// ibanOf makes the n-th made-up account at bank code 125 with valid check digits.
func ibanOf(b *testing.B, n int) kz.IBAN {
	b.Helper()
	acct := fmt.Sprintf("KZT%010d", n)
	for check := 2; check <= 98; check++ {
		if iban, err := kz.ParseIBAN(fmt.Sprintf("KZ%02d125%s", check, acct)); err == nil {
			return iban
		}
	}
	b.Fatalf("no IBAN for %d", n)
	return kz.IBAN{}
}

// borrowers registers n made-up clients, as the registration flow would leave them.
func (s *system) borrowers(b *testing.B, n int) []borrower {
	b.Helper()
	ctx := reqctx.With(context.Background(), reqctx.Info{RequestID: "bench-setup", Actor: reqctx.Actor{Kind: reqctx.System}})
	out := make([]borrower, n)
	for i := range out {
		iin := iinOf(b, i)
		face := []byte(fmt.Sprintf("reference photo of %s", iin))
		if err := s.sims.Biometric.SeedIdentity(biometricsim.Identity{IIN: iin.String(), Name: "Заемщик Тестовый", Reference: face}); err != nil {
			b.Fatal(err)
		}
		var id string
		err := s.env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
			c, err := s.svc.Clients.Register(ctx, tx, client.Application{Kind: client.Individual,
				Person: client.Person{FullName: "Заемщик Тестовый Тестович", IIN: iin.String(),
					IDDocument: client.IDDocument{Kind: client.IDCard, Number: fmt.Sprintf("N%08d", i), Expires: date.Of(2032, 1, 1)}},
				Phone:     fmt.Sprintf("+7701%07d", i),
				FacePhoto: client.Upload{ContentType: "image/jpeg", Content: append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, face...)}})
			if err != nil {
				return err
			}
			c, err = s.svc.Clients.Activate(ctx, tx, c.ID, client.Evidence{BiometricCheckID: "bench", SignatureEvidenceID: "bench"})
			id = c.ID
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		cert, key, err := s.sims.NCA.Issue(ncasim.Identity{IIN: iin.String(), Surname: "ЗАЕМЩИК", Name: "ТЕСТОВЫЙ"}, ncasim.Options{})
		if err != nil {
			b.Fatal(err)
		}
		iban := ibanOf(b, i)
		s.sims.Bank.OpenAccount(iin.String(), iban)
		out[i] = borrower{id: id, iin: iin, iban: iban, cert: cert, key: key}
	}
	return out
}

// lifecycle takes one loan of 100 000 ₸ from application to money: apply, choose the account
// (checked with the bank), submit (AML, bureau, anti-fraud, decision, contract in two
// languages), read the contract, identify with biometrics, sign it with the EDS, and pay (the
// anti-fraud decision asked again just before the money leaves, R8-2.6).
// The client's own part (the movements before the camera, the EDS signature) runs here too.
func (s *system) lifecycle(ctx context.Context, who borrower) error {
	ctx = reqctx.With(ctx, reqctx.Info{RequestID: "bench", Actor: reqctx.Actor{Kind: reqctx.Client, ID: who.id}})
	l, _, err := s.svc.Loans.Apply(ctx, who.id, loan.Application{Product: "consumer-12", Amount: money.Amount(100_000_00), Term: 12,
		Purpose: "ремонт", MonthlyIncome: money.Amount(600_000_00), RulesVersion: loan.LendingRules().Version, RightsVersion: loan.Rights().Version})
	if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	if _, err := s.svc.Loans.SetPayout(ctx, who.id, l.ID, loan.PayoutRequest{Kind: "account", IBAN: who.iban.String()}); err != nil {
		return fmt.Errorf("payout: %w", err)
	}
	if l, err = s.svc.Loans.Submit(ctx, who.id, l.ID); err != nil || l.Status != loan.Offered {
		return fmt.Errorf("submit: %s %w", l.Status, err)
	}
	doc, err := s.svc.Loans.Contract(ctx, who.id, l.ID, "ru")
	if err != nil {
		return fmt.Errorf("contract: %w", err)
	}
	sess, err := s.svc.Biometric.Start(ctx, who.iin)
	if err != nil {
		return fmt.Errorf("biometric start: %w", err)
	}
	face := []byte(fmt.Sprintf("reference photo of %s", who.iin))
	if err := s.bio.Perform(ctx, sess.ProviderSessionID, sess.Movements, face); err != nil {
		return fmt.Errorf("perform: %w", err)
	}
	check, err := s.svc.Biometric.Complete(ctx, sess.ID)
	if err != nil || !check.Passed {
		return fmt.Errorf("biometric: %v %w", check.Reason, err)
	}
	sig, err := eds.SignCMS(doc.Content, who.cert, who.key, s.env.Clock.Now(), true)
	if err != nil {
		return err
	}
	if l, err = s.svc.Loans.Sign(ctx, who.id, l.ID, loan.SignRequest{Lang: "ru", BiometricCheckID: check.ID, Signature: sig}); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	if l.Status != loan.Disbursing {
		return fmt.Errorf("signed loan is %s", l.Status)
	}
	_, err = s.svc.Payouts.RunOnce(ctx)
	return err
}

// BenchmarkPostgresLoanLifecycle runs whole loans — application to money in the bank — on
// PostgreSQL (over its local socket, as a PostgreSQL on the same machine is reached) with the
// simulators on loopback, 8 clients at a time, and reports loans per second, the database
// transactions, reads and round trips each loan took (the audit sealer's included) and the
// CPU it cost on each side.
// Each made-up client takes up to three loans: their same-day total stays below 75 МРП.
func BenchmarkPostgresLoanLifecycle(b *testing.B) {
	env := storetest.New(b, store.Postgres)
	s := newSystem(b, env)
	people := s.borrowers(b, (b.N+2)/3)
	ctx := context.Background()
	var next atomic.Int64
	var failed atomic.Value
	before, cpuBefore := env.DB.Counts(), cpuNow()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				if err := s.lifecycle(ctx, people[i%len(people)]); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	// Orders another worker claimed are settled; finish any left in the outbox.
	for range 10 {
		if n, err := s.svc.Payouts.RunOnce(ctx); err != nil {
			b.Fatal(err)
		} else if n == 0 {
			break
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	after, cpuAfter := env.DB.Counts(), cpuNow()
	if got := s.sims.Bank.Transfers(); got != b.N {
		b.Fatalf("%d transfers for %d loans", got, b.N)
	}
	var disbursed int
	if err := env.Admin.QueryRow(`SELECT COUNT(*) FROM loan WHERE status = 'disbursed'`).Scan(&disbursed); err != nil || disbursed != b.N {
		b.Fatalf("%d loans disbursed of %d (%v)", disbursed, b.N, err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "loans/s")
	b.ReportMetric(float64(after.Writes-before.Writes)/float64(b.N), "write-tx/loan")
	b.ReportMetric(float64(after.Reads-before.Reads)/float64(b.N), "read-tx/loan")
	b.ReportMetric(float64(after.ReadEach-before.ReadEach)/float64(b.N), "reads-outside-tx/loan")
	b.ReportMetric(float64(after.RoundTrips-before.RoundTrips)/float64(b.N), "round-trips/loan")
	// Where the time went, in CPU milliseconds a loan: Nesie with its simulators, and
	// PostgreSQL (processes that exit during the run, such as closed connections, are missed).
	b.ReportMetric(float64(cpuAfter.self-cpuBefore.self)/float64(time.Millisecond)/float64(b.N), "go-cpu-ms/loan")
	b.ReportMetric(float64(cpuAfter.postgres-cpuBefore.postgres)/float64(time.Millisecond)/float64(b.N), "pg-cpu-ms/loan")
}
