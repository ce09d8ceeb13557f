package app

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"nesie.kz/nesie/internal/antifraud"
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/payout"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/banksim"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

// Made-up client data with valid check digits.
const (
	screenIIN   = "850305400120"
	screenPhone = "+77015550123"
	screenIBAN  = "KZ86125KZT5004100100"
	otherIBAN   = "KZ31601A000000000001"
)

// screenWorld is the anti-fraud lists, a registered client, the bank simulator and the
// payouts screened through payoutScreen — the adapter Build wires.
type screenWorld struct {
	env     *storetest.Env
	lists   *antifraud.Lists
	bank    *banksim.Simulator
	payouts *payout.Service
	screen  payoutScreen
	client  string

	mu     sync.Mutex
	failed map[string]int
}

func newScreenWorld(t *testing.T, env *storetest.Env) *screenWorld {
	t.Helper()
	keys, err := vault.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	trail := audit.NewTrail(env.DB, nil)
	clients := client.NewService(v, trail)
	w := &screenWorld{env: env, lists: antifraud.New(env.DB, trail, v), bank: banksim.New(), failed: map[string]int{}}
	err = env.DB.Transact(reqctx.WithActor(context.Background(), reqctx.SystemActor("test")), func(ctx context.Context, tx *store.Tx) error {
		c, err := clients.Register(ctx, tx, client.Application{Kind: client.Individual,
			Person: client.Person{FullName: "Айгуль Тестовна Проверкина", IIN: screenIIN,
				IDDocument: client.IDDocument{Kind: client.IDCard, Number: "N00000017", Expires: date.Of(2033, 1, 1)}},
			Phone:     screenPhone,
			FacePhoto: client.Upload{ContentType: "image/jpeg", Content: append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, "face"...)}})
		if err != nil {
			return err
		}
		w.client = c.ID
		_, err = clients.Activate(ctx, tx, c.ID, client.Evidence{BiometricCheckID: "bio-1", SignatureEvidenceID: "eds-1"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start("bank", "", w.bank.Handler())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	bankClient, err := bank.NewClient(srv.URL, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	w.screen = payoutScreen{decider: w.lists, db: env.DB, clients: clients}
	hooks := payout.Hooks{Failed: func(ctx context.Context, tx *store.Tx, o payout.Order) error {
		tx.AfterCommit(func() { w.mu.Lock(); w.failed[o.ID]++; w.mu.Unlock() })
		return nil
	}}
	if w.payouts, err = payout.New(env.DB, trail, bankClient, hooks, payout.Config{Vault: v, Screen: w.screen.Screen}); err != nil {
		t.Fatal(err)
	}
	return w
}

// order is a payout of the registered client to the account ibanText.
func (w *screenWorld) order(t *testing.T, ref, ibanText string) payout.Order {
	t.Helper()
	i, err := kz.ParseIBAN(ibanText)
	if err != nil {
		t.Fatal(err)
	}
	return payout.Order{Reference: ref, ClientID: w.client, BeneficiaryID: screenIIN, Amount: 100_000_00, Kind: payout.KindBank,
		To: bank.Destination{Kind: bank.DestinationAccount, IBAN: i}}
}

// stop puts value on the stop list: refused when deny, else sent to review.
func (w *screenWorld) stop(t *testing.T, kind antifraud.ListKind, value string, deny bool) {
	t.Helper()
	if _, err := w.lists.Add(context.Background(), "analyst-1", antifraud.Entry{Kind: kind, Value: value, Reason: "test", Deny: deny}); err != nil {
		t.Fatal(err)
	}
}

// TestR8_2_6_PayoutScreenAsksTheListsAtThePayoutStage: the adapter asks the lists with the
// client's IIN and phone from the client record and the order's destination account: nothing
// listed allows; the phone on a review list reviews; the account on a deny list denies; an
// unknown client is an error, never an allow.
func TestR8_2_6_PayoutScreenAsksTheListsAtThePayoutStage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newScreenWorld(t, env)
		ctx := context.Background()
		mine, other := w.order(t, "loan-a", screenIBAN), w.order(t, "loan-b", otherIBAN)
		if v, err := w.screen.Screen(ctx, mine); err != nil || v.Outcome != payout.Allow || len(v.Evidence) == 0 {
			t.Fatalf("nothing listed: %+v, %v; want allow with evidence", v, err)
		}
		w.stop(t, antifraud.KindPhone, screenPhone, false)
		if v, err := w.screen.Screen(ctx, mine); err != nil || v.Outcome != payout.Review || !slices.Equal(v.Reasons, []string{"list_phone"}) {
			t.Errorf("phone on a review list: %+v, %v; want review for list_phone", v, err)
		}
		w.stop(t, antifraud.KindIBAN, otherIBAN, true)
		if v, err := w.screen.Screen(ctx, other); err != nil || v.Outcome != payout.Deny || !slices.Contains(v.Reasons, "list_iban") {
			t.Errorf("destination on a deny list: %+v, %v; want deny for list_iban", v, err)
		}
		if v, err := w.screen.Screen(ctx, mine); err != nil || v.Outcome != payout.Review {
			t.Errorf("another account denied, this one not: %+v, %v; want review still", v, err)
		}
		stranger := mine
		stranger.ClientID = "no-such-client"
		if v, err := w.screen.Screen(ctx, stranger); err == nil || !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("unknown client: %+v, %v; want a not-found error", v, err)
		}
	})
}

// TestR8_2_6_ClientDeniedAfterEnqueueIsNotPaid: through the wiring Build uses, a client whose
// IIN goes on a deny list after the order was enqueued (during the cooling-off) is not paid:
// no transfer, the order failed "fraud_suspected", the Failed hook run once.
func TestR8_2_6_ClientDeniedAfterEnqueueIsNotPaid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newScreenWorld(t, env)
		i, _ := kz.ParseIBAN(screenIBAN)
		w.bank.OpenAccount(screenIIN, i)
		var o payout.Order
		err := env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) (err error) {
			o, err = w.payouts.Enqueue(ctx, tx, w.order(t, "loan-cooling", screenIBAN))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		env.Clock.Advance(24 * time.Hour)
		w.stop(t, antifraud.KindIIN, screenIIN, true)
		if _, err := w.payouts.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		got, err := w.payouts.Find(context.Background(), nil, o.ID)
		if err != nil || got.Status != payout.Failed || got.Reason != payout.ReasonFraudSuspected {
			t.Fatalf("order of a denied client: %+v, %v; want failed fraud_suspected", got, err)
		}
		w.mu.Lock()
		failed := w.failed[o.ID]
		w.mu.Unlock()
		if w.bank.Transfers() != 0 || w.bank.Balance(i) != 0 || failed != 1 {
			t.Errorf("%d transfers, balance %d, Failed hook %d; want 0, 0, 1", w.bank.Transfers(), w.bank.Balance(i), failed)
		}
	})
}
