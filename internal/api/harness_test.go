package api_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"nesie.kz/nesie/internal/api"
	"nesie.kz/nesie/internal/app"
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/auth"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/notify"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/server"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/biometricsim"
	"nesie.kz/nesie/internal/sim/ncasim"
	"nesie.kz/nesie/internal/sim/phonesim"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// The test client: a made-up person the biometric simulator knows (a seeded identity with a
// reference photo), with a made-up phone number and password.
const (
	clientIIN   = "850305400120"
	clientPhone = "+77015550123"
	password    = "Steppe-Horizon-42-Quartz"
)

// world is one test's running system: a database, the simulators over HTTP, the services
// wired as cmd/nesie wires them, and the API served over HTTPS on loopback.
type world struct {
	env      *storetest.Env
	base     string
	http     *http.Client
	smsURL   string
	bio      *biometricsim.Simulator
	nca      *ncasim.Simulator
	ncaSrv   *sim.Server // the НУЦ's OCSP, CRL and NCANode, to fail on purpose
	phones   *phonesim.Registry
	phoneSrv *sim.Server
	bioHTTP  *biometric.Client
	worker   *notify.Worker
	clients  *client.Service
	auth     *auth.Service
	clientID string
	// sims and svc are the whole system, for the loan tests; receiptKey checks receipts.
	sims       *app.Simulators
	svc        *app.Services
	receiptKey ed25519.PublicKey
	// appConfig builds the same system again: a restarted process on the same database.
	appConfig app.Config
}

func newWorld(t *testing.T, env *storetest.Env) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{env: env}

	// Simulators, reached only over HTTP, dated by the test clock.
	sims, err := app.StartSimulators(env.Clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sims.Close)
	w.sims = sims
	w.smsURL = sims.URL(app.SimSMS)
	w.bio, w.nca, w.ncaSrv = sims.Biometric, sims.NCA, sims.Server(app.SimNCA)
	w.phones, w.phoneSrv = sims.Phones, sims.Server(app.SimPhones)
	if w.bioHTTP, err = biometric.NewClient(sims.URL(app.SimBiometric), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	ep, err := app.EndpointsOf(sims)
	if err != nil {
		t.Fatal(err)
	}

	// The system, wired as cmd/nesie wires it, on the database's test clock.
	keys, err := vault.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	_, receiptKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	w.receiptKey = receiptKey.Public().(ed25519.PublicKey)
	log := slog.New(slog.DiscardHandler)
	trail := audit.NewTrail(env.DB, nil)
	authCfg := auth.DefaultConfig()
	authCfg.Argon2 = auth.Argon2Params{Time: 1, MemoryKiB: 1024, Threads: 1, SaltLen: 16, KeyLen: 32} // cheap, for speed
	w.appConfig = app.Config{DB: env.DB, Trail: trail, Clock: env.Clock, Vault: v, Log: log, Endpoints: ep,
		ReceiptKey: receiptKey, Timeout: 2 * time.Second, Auth: &authCfg}
	svc, err := app.Build(w.appConfig)
	if err != nil {
		t.Fatal(err)
	}
	w.svc, w.clients, w.auth, w.worker = svc, svc.Clients, svc.Auth, svc.Outbox

	// The API over HTTPS.
	mux := http.NewServeMux()
	api.Routes(mux, svc.APIDeps(log))
	cert, err := server.LoadOrCreateSelfSigned(t.TempDir(), []string{"127.0.0.1"}, env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Addr: "127.0.0.1:0", Certificate: cert}, mux, log, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	ln, err := srv.Listen(sctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	w.base = "https://" + ln.Addr().String()
	w.http = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots, Time: env.Clock.Now, MinVersion: tls.VersionTLS12},
	}}
	t.Cleanup(w.http.CloseIdleConnections)

	w.clientID = w.registerClient(t, clientIIN, clientPhone)
	return w
}

// registerClient writes an active client directly (registration flows are tested elsewhere)
// and sets its password.
func (w *world) registerClient(t *testing.T, iin, phone string) string {
	t.Helper()
	return w.registerPerson(t, client.Individual, "Аружан Тестовна Примерова", iin, phone)
}

// registerPerson writes an active client of kind (an individual or an entrepreneur) directly
// and sets its password.
func (w *world) registerPerson(t *testing.T, kind client.Kind, name, iin, phone string) string {
	t.Helper()
	if _, err := kz.ParseIIN(iin); err != nil {
		t.Fatalf("test IIN %s: %v", iin, err)
	}
	ctx := reqctx.With(context.Background(), reqctx.Info{RequestID: "setup", IP: "127.0.0.1", Actor: reqctx.Actor{Kind: reqctx.Anonymous}})
	app := client.Application{
		Kind: kind,
		Person: client.Person{FullName: name, IIN: iin,
			IDDocument: client.IDDocument{Kind: client.IDCard, Number: "N04455667", Expires: date.Of(2031, 5, 20)}},
		Phone:     phone,
		FacePhoto: client.Upload{ContentType: "image/jpeg", Content: append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, "face"...)},
	}
	var id string
	err := w.env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		c, err := w.clients.Register(ctx, tx, app)
		if err != nil {
			return err
		}
		c, err = w.clients.Activate(ctx, tx, c.ID, client.Evidence{BiometricCheckID: "bio-setup", SignatureEvidenceID: "sig-setup"})
		id = c.ID
		return err
	})
	if err != nil {
		t.Fatalf("register client: %v", err)
	}
	if err := w.auth.SetPassword(ctx, id, auth.NewPassword(password)); err != nil {
		t.Fatalf("set password: %v", err)
	}
	return id
}
