package payout

import (
	"context"
	"sync"
	"testing"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/banksim"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// Made-up identifiers with valid check digits, checked in newRig.
const (
	clientIIN   = "850305400120"
	otherIIN    = "900101300017"
	merchantBIN = "150340000015"
	companyBIN  = "240340012341"
	ownIBAN     = "KZ86125KZT5004100100"
	foreignIBAN = "KZ31601A000000000001"
	shopIBAN    = "KZ45722S000000000002"
	cardPAN     = "4400430000001237"
)

// rig is one test's world: a database, the bank simulator over HTTP, and the service.
type rig struct {
	env  *storetest.Env
	bank *banksim.Simulator
	srv  *sim.Server
	svc  *Service
	// vault is the MFO's keys, the same for every node.
	vault *vault.Vault
	// paid and failed count the hook calls that committed.
	mu           sync.Mutex
	paid, failed map[string]int
	// failPaid makes the Paid hook fail (a crash before the settlement commits).
	failPaid bool
	// batch is what newService claims per run.
	batch int
	// settled receives the id of each order whose Paid hook committed.
	settled chan string
	// screen is the anti-fraud screen of the services newService builds (none when nil).
	screen func(ctx context.Context, o Order) (Verdict, error)
}

func newRig(t testing.TB, env *storetest.Env) *rig {
	t.Helper()
	for _, s := range []string{clientIIN, otherIIN} {
		if _, err := kz.ParseIIN(s); err != nil {
			t.Fatalf("test IIN %s: %v", s, err)
		}
	}
	for _, s := range []string{merchantBIN, companyBIN} {
		if _, err := kz.ParseBIN(s); err != nil {
			t.Fatalf("test BIN %s: %v", s, err)
		}
	}
	r := &rig{env: env, bank: banksim.New(), paid: map[string]int{}, failed: map[string]int{}, batch: 64, settled: make(chan string, 100)}
	keys, err := vault.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	if r.vault, err = vault.New(keys); err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start("bank", "", r.bank.Handler())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	r.srv = srv
	r.svc = r.newService(t)
	return r
}

// newService is another node: its own bank client and service on the same database.
func (r *rig) newService(t testing.TB) *Service {
	t.Helper()
	client, err := bank.NewClient(r.srv.URL, 500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	hooks := Hooks{
		Paid: func(ctx context.Context, tx *store.Tx, o Order) error {
			r.mu.Lock()
			fail := r.failPaid
			r.mu.Unlock()
			if fail {
				return errSimulatedCrash
			}
			tx.AfterCommit(func() {
				r.mu.Lock()
				r.paid[o.ID]++
				r.mu.Unlock()
				select {
				case r.settled <- o.ID:
				default:
				}
			})
			return nil
		},
		Failed: func(ctx context.Context, tx *store.Tx, o Order) error {
			tx.AfterCommit(func() { r.mu.Lock(); r.failed[o.ID]++; r.mu.Unlock() })
			return nil
		},
	}
	svc, err := New(r.env.DB, audit.NewTrail(r.env.DB, nil), client, hooks, Config{Vault: r.vault, Batch: r.batch, Screen: r.screen})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

type simulatedCrash struct{}

func (simulatedCrash) Error() string { return "simulated crash before commit" }

var errSimulatedCrash error = simulatedCrash{}

func (r *rig) paidCount(id string) int   { r.mu.Lock(); defer r.mu.Unlock(); return r.paid[id] }
func (r *rig) failedCount(id string) int { r.mu.Lock(); defer r.mu.Unlock(); return r.failed[id] }

func iban(t testing.TB, s string) kz.IBAN {
	t.Helper()
	i, err := kz.ParseIBAN(s)
	if err != nil {
		t.Fatalf("test IBAN %s: %v", s, err)
	}
	return i
}

// toOwnAccount is a bank payout of amount to the client's own account under ref.
func toOwnAccount(t testing.TB, ref string, amount int64) Order {
	return Order{Reference: ref, ClientID: "client-1", BeneficiaryID: clientIIN, Amount: money.Amount(amount), Kind: KindBank,
		To: bank.Destination{Kind: bank.DestinationAccount, IBAN: iban(t, ownIBAN)}}
}

// enqueue records o in a transaction of its own, as the loan core would in its.
func (r *rig) enqueue(t testing.TB, o Order) Order {
	t.Helper()
	var got Order
	err := r.env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		var err error
		got, err = r.svc.Enqueue(ctx, tx, o)
		return err
	})
	if err != nil {
		t.Fatalf("enqueue %s: %v", o.Reference, err)
	}
	return got
}

func (r *rig) find(t testing.TB, id string) Order {
	t.Helper()
	o, err := r.svc.Find(context.Background(), nil, id)
	if err != nil {
		t.Fatalf("find %s: %v", id, err)
	}
	return o
}

func (r *rig) runOnce(t testing.TB, svc *Service) int {
	t.Helper()
	n, err := svc.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return n
}

// auditActions lists the audit actions recorded for an order, in order.
func (r *rig) auditActions(t testing.TB, id string) []string {
	t.Helper()
	rows, err := r.env.Admin.Query(`SELECT action FROM audit_pending WHERE object_id = $1 ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}
