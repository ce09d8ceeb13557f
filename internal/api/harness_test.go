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
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/auth"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/device"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/notify"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/server"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/biometricsim"
	"nesie.kz/nesie/internal/sim/ncasim"
	"nesie.kz/nesie/internal/sim/phonesim"
	"nesie.kz/nesie/internal/sim/smssim"
	"nesie.kz/nesie/internal/sms"
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
}

func newWorld(t *testing.T, env *storetest.Env) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{env: env}

	// Simulators, reached only over HTTP.
	gw := smssim.New(env.Clock)
	smsSrv, err := sim.Start("sms", "", gw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { smsSrv.Close() })
	w.smsURL = smsSrv.URL
	_, bioKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	w.bio = biometricsim.New(env.Clock, bioKey)
	bioSrv, err := sim.Start("biometric", "", w.bio.Handler())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bioSrv.Close() })
	if w.bioHTTP, err = biometric.NewClient(bioSrv.URL, 2*time.Second); err != nil {
		t.Fatal(err)
	}

	// Services, every one on the database's test clock.
	keys, err := vault.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	trail := audit.NewTrail(env.DB, nil)
	w.clients = client.NewService(v, trail)
	dir := api.NewDirectory(w.clients)
	smsClient := sms.New(smsSrv.URL, 2*time.Second)
	security := notify.NewSecurity(w.clients, nil)
	cfg := auth.DefaultConfig()
	cfg.Argon2 = auth.Argon2Params{Time: 1, MemoryKiB: 1024, Threads: 1, SaltLen: 16, KeyLen: 32} // cheap, for speed
	if w.auth, err = auth.NewService(auth.Deps{DB: env.DB, Trail: trail, Directory: dir, SMS: smsClient, Notifier: security, Secrets: v, Log: log}, cfg); err != nil {
		t.Fatal(err)
	}
	bio, err := biometric.NewService(env.DB, trail, w.bioHTTP, env.Clock, v, biometric.DefaultConfig(bioKey.Public().(ed25519.PublicKey)))
	if err != nil {
		t.Fatal(err)
	}
	devices := device.New(env.DB, trail, api.NewBiometricGate(w.clients), security, device.Config{})
	onboard := newOnboarding(t, w, env, trail, bio, security)
	w.worker = notify.NewWorker(env.DB, trail, notify.Senders{SMS: notify.SMSSender(smsClient)}, notify.WorkerConfig{Logger: log})

	// The API over HTTPS.
	mux := http.NewServeMux()
	api.Routes(mux, api.Deps{Auth: w.auth, Clients: w.clients, Biometric: bio, Devices: devices, Onboarding: onboard, DB: env.DB, Log: log})
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
	if _, err := kz.ParseIIN(iin); err != nil {
		t.Fatalf("test IIN %s: %v", iin, err)
	}
	ctx := reqctx.With(context.Background(), reqctx.Info{RequestID: "setup", IP: "127.0.0.1", Actor: reqctx.Actor{Kind: reqctx.Anonymous}})
	app := client.Application{
		Kind: client.Individual,
		Person: client.Person{FullName: "Аружан Тестовна Примерова", IIN: iin,
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
