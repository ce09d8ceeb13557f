package onboarding_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"net/http"
	"testing"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/notify"
	"nesie.kz/nesie/internal/onboarding"
	"nesie.kz/nesie/internal/phonereg"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/biometricsim"
	"nesie.kz/nesie/internal/sim/ncasim"
	"nesie.kz/nesie/internal/sim/phonesim"
	"nesie.kz/nesie/internal/sim/smssim"
	"nesie.kz/nesie/internal/sms"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// Made-up identities with valid check digits (checked in setup by kz.Parse*); they belong
// to nobody.
const (
	personIIN   = "850305400120"
	strangerIIN = "921112600342"
	signerIIN   = "780723400563"
	companyBIN  = "100540001234"
	personPhone = "+77011234567"
	otherPhone  = "+77017654321"
	newPhone    = "+77059876543"
	newIBAN     = "KZ86125KZT5004100100"
)

// Files that begin as the real formats do.
var (
	jpegBytes = append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, []byte("FACE-PHOTO-onboarding-test-4471")...)
	pdfBytes  = []byte("%PDF-1.7\nORDER-APPOINTING-THE-HEAD-onboarding-9001\n%%EOF")
)

// world is one test's system: a database, every simulator over HTTP, and the services wired
// as production wires them.
type world struct {
	env     *storetest.Env
	ctx     context.Context
	bio     *biometricsim.Simulator
	bioHTTP *biometric.Client
	bioSrv  *sim.Server
	bioSvc  *biometric.Service
	nca     *ncasim.Simulator
	ocsp    *sim.Server
	crl     *sim.Server
	phones  *phonesim.Registry
	phoneSv *sim.Server
	sms     *smssim.Gateway
	worker  *notify.Worker
	clients *client.Service
	svc     *onboarding.Service
}

func start(t *testing.T, name string, h http.Handler) *sim.Server {
	t.Helper()
	s, err := sim.Start(name, "", h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func setup(t *testing.T, env *storetest.Env) *world {
	t.Helper()
	for _, s := range []string{personIIN, strangerIIN, signerIIN} {
		if _, err := kz.ParseIIN(s); err != nil {
			t.Fatalf("test IIN %s: %v", s, err)
		}
	}
	if _, err := kz.ParseBIN(companyBIN); err != nil {
		t.Fatalf("test BIN: %v", err)
	}
	if _, err := kz.ParseIBAN(newIBAN); err != nil {
		t.Fatalf("test IBAN: %v", err)
	}
	w := &world{env: env, ctx: reqctx.With(context.Background(), reqctx.Info{RequestID: "req-onboarding", IP: "127.0.0.1",
		Actor: reqctx.Actor{Kind: reqctx.Anonymous}})}
	trail := audit.NewTrail(env.DB, nil)

	// ЦОИД: the simulator knows the test persons with a reference photo each.
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	w.bio = biometricsim.New(env.Clock, key)
	for _, iin := range []string{personIIN, strangerIIN, signerIIN} {
		if err := w.bio.SeedIdentity(biometricsim.Identity{IIN: iin, Name: "Тестовая Персона", Reference: []byte("\x89PNG\r\n\x1a\nREF-" + iin)}); err != nil {
			t.Fatal(err)
		}
	}
	w.bioSrv = start(t, "biometric", w.bio.Handler())
	if w.bioHTTP, err = biometric.NewClient(w.bioSrv.URL, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	// The vault: the client register and the biometric service keep personal data sealed (R37).
	keys, err := vault.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	bioSvc, err := biometric.NewService(env.DB, trail, w.bioHTTP, env.Clock, v, biometric.DefaultConfig(key.Public().(ed25519.PublicKey)))
	if err != nil {
		t.Fatal(err)
	}

	// НУЦ, served three times as the real one is three services: OCSP, CRL, NCANode.
	if w.nca, err = ncasim.New(ncasim.Config{Clock: env.Clock}); err != nil {
		t.Fatal(err)
	}
	w.ocsp, w.crl = start(t, "nca-ocsp", w.nca.Handler()), start(t, "nca-crl", w.nca.Handler())
	node := start(t, "nca-node", w.nca.Handler())
	trust, err := w.nca.Trust()
	if err != nil {
		t.Fatal(err)
	}
	rev, err := eds.NewHTTPRevocation(eds.HTTPRevocationConfig{OCSPURL: w.ocsp.URL + "/ocsp", CRLURLs: []string{w.crl.URL + "/crl"},
		OCSPTimeout: time.Second, CRLTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := eds.NewBuiltin(eds.BuiltinConfig{Trust: trust, Revocation: rev, Clock: env.Clock})
	if err != nil {
		t.Fatal(err)
	}
	ncanode, err := eds.NewNCANode(eds.NCANodeConfig{URL: node.URL, Timeout: 2 * time.Second, Clock: env.Clock})
	if err != nil {
		t.Fatal(err)
	}
	router, err := eds.NewRouter(builtin, ncanode)
	if err != nil {
		t.Fatal(err)
	}

	// The phone registry and the SMS gateway.
	w.phones = phonesim.New()
	w.phoneSv = start(t, "phones", w.phones)
	w.sms = smssim.New(env.Clock)
	smsSrv := start(t, "sms", w.sms)
	w.worker = notify.NewWorker(env.DB, trail, notify.Senders{SMS: notify.SMSSender(sms.New(smsSrv.URL, 2*time.Second))}, notify.WorkerConfig{})

	w.clients = client.NewService(v, trail)
	w.svc, err = onboarding.New(onboarding.Config{DB: env.DB, Trail: trail, Clients: w.clients, Biometrics: bioSvc,
		Signatures: router, Phones: phonereg.New(w.phoneSv.URL, 2*time.Second),
		Security: notify.NewSecurity(w.clients, nil)})
	if err != nil {
		t.Fatal(err)
	}
	w.bioSvc = bioSvc
	return w
}

func individual(kind client.Kind, iin, phone string) client.Application {
	return client.Application{
		Kind: kind,
		Person: client.Person{FullName: "Аружан Тестовна Примерова", IIN: iin,
			IDDocument: client.IDDocument{Kind: client.IDCard, Number: "N04455667", Expires: date.Of(2031, 5, 20)}},
		Phone:     phone,
		FacePhoto: client.Upload{ContentType: "image/jpeg", Content: jpegBytes},
	}
}

func legalEntity(signer, phone string) client.Application {
	app := individual(client.LegalEntity, signer, phone)
	app.BIN = companyBIN
	app.Authority, app.AuthorityKind = client.Upload{ContentType: "application/pdf", Content: pdfBytes}, client.HeadAppointmentOrder
	return app
}

// perform acts the client's part of the biometric session: the movements issued, in order,
// in front of the camera of the person with iin.
func (w *world) perform(t *testing.T, st onboarding.Started, iin string) {
	t.Helper()
	if err := w.bioHTTP.Perform(w.ctx, st.ProviderSessionID, st.Movements, biometricsim.DemoSelfie(iin)); err != nil {
		t.Fatalf("perform: %v", err)
	}
}

// issue makes a SIGN certificate for id at the simulated НУЦ.
func (w *world) issue(t *testing.T, id ncasim.Identity, opts ncasim.Options) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	cert, key, err := w.nca.Issue(id, opts)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

// sign makes a detached CMS over doc now, as NCALayer would.
func (w *world) sign(t *testing.T, doc []byte, cert *x509.Certificate, key crypto.Signer) []byte {
	t.Helper()
	sig, err := eds.SignCMS(doc, cert, key, w.env.Clock.Now(), true)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// signAs issues a certificate for id and signs doc with it.
func (w *world) signAs(t *testing.T, id ncasim.Identity, doc []byte) []byte {
	t.Helper()
	cert, key := w.issue(t, id, ncasim.Options{})
	return w.sign(t, doc, cert, key)
}

func person(iin string) ncasim.Identity {
	return ncasim.Identity{IIN: iin, Surname: "ПРИМЕРОВА", Name: "АРУЖАН", Patronymic: "ТЕСТОВНА"}
}

func (w *world) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := w.env.Admin.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// nothingRegistered asserts, in raw SQL, that no client and no client document exists.
func (w *world) nothingRegistered(t *testing.T) {
	t.Helper()
	if n := w.count(t, `SELECT count(*) FROM client`); n != 0 {
		t.Fatalf("%d client rows survived a refused registration", n)
	}
	if n := w.count(t, `SELECT count(*) FROM client_document`); n != 0 {
		t.Fatalf("%d client documents survived a refused registration", n)
	}
}

// audited counts the audit events with action about object id, sealed or not.
func (w *world) audited(t *testing.T, action, id string) int {
	t.Helper()
	return w.count(t, `SELECT (SELECT count(*) FROM audit_pending WHERE action = $1 AND object_id = $2)
		+ (SELECT count(*) FROM audit_event WHERE action = $1 AND object_id = $2)`, action, id)
}

func code(err error) string {
	var k *fault.Kinded
	if errors.As(err, &k) {
		return k.Code
	}
	return ""
}

// wantRefused asserts err is of kind with the code.
func wantRefused(t *testing.T, err error, kind error, want string) {
	t.Helper()
	if !errors.Is(err, kind) || fault.Code(err) != want {
		t.Fatalf("got %v (code %q), want %v %s", err, fault.Code(err), kind, want)
	}
}
