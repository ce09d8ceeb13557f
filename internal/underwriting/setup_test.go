package underwriting

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bureau"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/bureausim"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// applicantIIN is made up with a valid check digit (checked in newRig): born 1985-03-05, so
// 40 full years old on storetest.Start (2026-03-02).
const applicantIIN = "850305400120"

// screen is a small in-process AML or anti-fraud service for the tests (these are Nesie's own
// packages, not outside services, so no simulator exists for them).
type screen struct {
	mu     sync.Mutex
	result ScreenResult
	err    error
	calls  int
}

func (s *screen) set(r ScreenResult, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.result, s.err = r, err
}

func (s *screen) answer() (ScreenResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	return s.result, s.err
}

func (s *screen) ScreenAML(ctx context.Context, p Person) (ScreenResult, error) { return s.answer() }

func (s *screen) CheckFraud(ctx context.Context, p Person, amount money.Amount) (ScreenResult, error) {
	return s.answer()
}

// rig is one test's service with its bureau simulator and screens.
type rig struct {
	env    *storetest.Env
	svc    *Service
	bureau *bureausim.Bureau
	srv    *sim.Server
	aml    *screen
	fraud  *screen
	mu     sync.Mutex
	hooked []Decision // what the hook saw, in order
}

func newRig(t testing.TB, env *storetest.Env, cfg Config) *rig {
	t.Helper()
	if _, err := kz.ParseIIN(applicantIIN); err != nil {
		t.Fatalf("test IIN: %v", err)
	}
	b := bureausim.New(env.Clock)
	srv, err := sim.Start("credit bureau", "", b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	client, err := bureau.NewClient(srv.URL, b.PublicKey(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{env: env, bureau: b, srv: srv, aml: &screen{}, fraud: &screen{}}
	if cfg.Vault == nil {
		keys, err := vault.NewKeys()
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Vault, err = vault.New(keys); err != nil {
			t.Fatal(err)
		}
	}
	r.svc, err = New(env.DB, audit.NewTrail(env.DB, nil), client, r.aml, r.fraud, cfg, func(ctx context.Context, tx *store.Tx, d Decision) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.hooked = append(r.hooked, d)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func tenge(n int64) money.Amount { return money.Amount(n * money.TiynPerTenge) }

// request is a clean application: 300 000 ₸, a largest payment of 50 000 ₸ on a declared
// income of 400 000 ₸ (125 ‰).
func request(t testing.TB, id string) Request {
	iin, err := kz.ParseIIN(applicantIIN)
	if err != nil {
		t.Fatal(err)
	}
	return Request{
		ApplicationID: id,
		Person:        Person{ClientID: "client-1", Kind: "individual", IIN: iin, FullName: "Test Applicant", Phone: "+77011234567"},
		Amount:        tenge(300_000), Consumer: true,
		MonthlyPayment: tenge(50_000), MonthlyIncome: tenge(400_000), ProductCode: "standard",
	}
}

func (r *rig) decision(t *testing.T, id string) (Decision, error) {
	t.Helper()
	var d Decision
	err := r.env.DB.Read(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		var err error
		d, err = r.svc.Decision(ctx, tx, id)
		return err
	})
	return d, err
}

func (r *rig) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := r.env.Admin.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func stepNames(steps []Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Name)
	}
	return out
}

func hasReason(d Decision, code, law string) bool {
	for _, r := range d.Reasons {
		if r.Code == code && r.Law == law {
			return true
		}
	}
	return false
}

func stepNamed(steps []Step, name string) (Step, bool) {
	for _, s := range steps {
		if s.Name == name {
			return s, true
		}
	}
	return Step{}, false
}

func isKind(err, kind error) bool { return errors.Is(err, kind) }
