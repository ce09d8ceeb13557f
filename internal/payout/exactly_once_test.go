package payout

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/store/storetest"
)

// The exactly-once guarantees: lost answers, crashes on either side of the gateway call,
// several workers at once.

func TestConcurrentWorkersPayEachOrderOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		const orders = 24
		var want money.Amount
		ids := make([]string, orders)
		for i := range orders {
			amount := int64(1_000_00 + i)
			want += money.Amount(amount)
			ids[i] = r.enqueue(t, toOwnAccount(t, "loan-c-"+string(rune('a'+i)), amount)).ID
		}
		r.batch = 3 // small claims, so that the nodes share the work
		nodes := []*Service{r.newService(t), r.newService(t), r.newService(t), r.newService(t)}
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for _, node := range nodes {
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 12 {
						if _, err := node.RunOnce(context.Background()); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("RunOnce: %v", err)
		}
		for _, id := range ids {
			if got := r.find(t, id); got.Status != Paid || got.Attempts != 1 || r.paidCount(id) != 1 {
				t.Errorf("order %s: %s after %d attempts, Paid hook %d times; want paid once", id, got.Status, got.Attempts, r.paidCount(id))
			}
		}
		if r.bank.Transfers() != orders || r.bank.Balance(iban(t, ownIBAN)) != want {
			t.Errorf("%d transfers, balance %d; want %d and %d", r.bank.Transfers(), r.bank.Balance(iban(t, ownIBAN)), orders, want)
		}
	})
}

func TestTwoRunsAtOnceMakeOneTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		o := r.enqueue(t, toOwnAccount(t, "loan-two", 12_345_67))
		// Once for a fresh order, once for an uncertain one whose lease ran out.
		for round, prepare := range []func(){
			func() {},
			func() {
				r.bank.SetLoseResponses(1)
				o = r.enqueue(t, toOwnAccount(t, "loan-two-b", 12_345_67))
				r.runOnce(t, r.svc)
				env.Clock.Advance(3 * time.Minute)
			},
		} {
			prepare()
			a, b := r.newService(t), r.newService(t)
			var wg sync.WaitGroup
			claimed := make([]int, 2)
			for i, node := range []*Service{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					n, err := node.RunOnce(context.Background())
					if err != nil {
						t.Errorf("RunOnce: %v", err)
					}
					claimed[i] = n
				}()
			}
			wg.Wait()
			if claimed[0]+claimed[1] != 1 {
				t.Errorf("round %d: the two runs claimed %v, want 1 between them", round, claimed)
			}
			if got := r.find(t, o.ID); got.Status != Paid || r.bank.Transfers() != round+1 || r.paidCount(o.ID) != 1 {
				t.Errorf("round %d: %s, %d transfers, Paid %d; want paid, %d, 1", round, got.Status, r.bank.Transfers(), r.paidCount(o.ID), round+1)
			}
		}
		if r.bank.Balance(iban(t, ownIBAN)) != 2*12_345_67 {
			t.Errorf("balance %d, want two payouts", r.bank.Balance(iban(t, ownIBAN)))
		}
	})
}

func TestCrashAfterTheBankBeforeTheCommitPaysOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		o := r.enqueue(t, toOwnAccount(t, "loan-crash", 40_000_00))
		r.failPaid = true // the settlement transaction dies after the bank answered
		if _, err := r.svc.RunOnce(context.Background()); !errors.Is(err, errSimulatedCrash) {
			t.Fatalf("RunOnce with a failing commit: %v", err)
		}
		if got := r.find(t, o.ID); got.Status != Sending {
			t.Fatalf("after the crash: %s, want sending", got.Status)
		}
		r.failPaid = false
		env.Clock.Advance(3 * time.Minute)
		r.runOnce(t, r.svc)
		if got := r.find(t, o.ID); got.Status != Paid {
			t.Errorf("after recovery: %s, want paid", got.Status)
		}
		if r.bank.Transfers() != 1 || r.bank.Balance(iban(t, ownIBAN)) != 40_000_00 || r.paidCount(o.ID) != 1 {
			t.Errorf("transfers %d, balance %d, Paid %d; want 1, 4000000, 1", r.bank.Transfers(), r.bank.Balance(iban(t, ownIBAN)), r.paidCount(o.ID))
		}
	})
}

func TestCrashAfterTheClaimBeforeTheBankLosesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		o := r.enqueue(t, toOwnAccount(t, "loan-claimed", 10_000_00))
		// A node claims the order and dies before calling the bank.
		if cs, err := r.svc.claim(context.Background()); err != nil || len(cs) != 1 {
			t.Fatalf("claim: %v, %v", cs, err)
		}
		env.Clock.Advance(3 * time.Minute)
		r.runOnce(t, r.newService(t)) // another node, after the lease
		if got := r.find(t, o.ID); got.Status != Paid || r.bank.Transfers() != 1 {
			t.Errorf("after the lease: %s with %d transfers, want paid with 1", got.Status, r.bank.Transfers())
		}
	})
}

func TestLostResponseIsReconciledOnTheNextRunWithOneTransfer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		o := r.enqueue(t, toOwnAccount(t, "loan-lost", 90_000_00))
		r.bank.SetLoseResponses(1)
		r.runOnce(t, r.svc)
		if got := r.find(t, o.ID); got.Status != Sending {
			t.Fatalf("after a lost answer: %s, want sending (the outcome is unknown)", got.Status)
		}
		if r.bank.Balance(iban(t, ownIBAN)) != 90_000_00 {
			t.Fatalf("the bank did not make the transfer whose answer it lost")
		}
		if n := r.runOnce(t, r.svc); n != 0 {
			t.Errorf("a run inside the lease claimed %d, want 0", n)
		}
		env.Clock.Advance(3 * time.Minute) // past the lease
		if n := r.runOnce(t, r.svc); n != 1 {
			t.Fatalf("a run after the lease claimed %d, want 1", n)
		}
		got := r.find(t, o.ID)
		if got.Status != Paid || got.Attempts != 2 {
			t.Errorf("after reconciling: %+v, want paid on attempt 2", got)
		}
		if r.bank.Transfers() != 1 || r.bank.Balance(iban(t, ownIBAN)) != 90_000_00 || r.paidCount(o.ID) != 1 {
			t.Errorf("transfers %d, balance %d, Paid hook %d; want 1, 9000000, 1",
				r.bank.Transfers(), r.bank.Balance(iban(t, ownIBAN)), r.paidCount(o.ID))
		}
	})
}

func TestGatewayDownWhileReconcilingKeepsTheOrderUncertain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		o := r.enqueue(t, toOwnAccount(t, "loan-unsure", 8_000_00))
		r.bank.SetLoseResponses(1)
		r.runOnce(t, r.svc)
		r.srv.SetMode(sim.Fail)
		env.Clock.Advance(3 * time.Minute)
		r.runOnce(t, r.svc)
		if got := r.find(t, o.ID); got.Status != Sending {
			t.Errorf("reconciling without the gateway: %s, want sending (never assumed failed)", got.Status)
		}
		r.srv.SetMode(sim.Normal)
		env.Clock.Advance(3 * time.Minute)
		r.runOnce(t, r.svc)
		if got := r.find(t, o.ID); got.Status != Paid || r.bank.Transfers() != 1 || r.paidCount(o.ID) != 1 {
			t.Errorf("after the gateway is back: %s, %d transfers, Paid %d; want paid, 1, 1", got.Status, r.bank.Transfers(), r.paidCount(o.ID))
		}
	})
}

func TestForeignTransferUnderTheKeyIsNeverTakenForThePayout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		o := r.enqueue(t, toOwnAccount(t, "loan-clash", 20_000_00))
		// Something else used the order's key at the gateway, for another sum.
		client, _ := bank.NewClient(r.srv.URL, time.Second)
		req := o.transferRequest()
		req.Amount = 1
		if _, err := client.Transfer(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			r.runOnce(t, r.svc)
			env.Clock.Advance(3 * time.Minute)
		}
		if got := r.find(t, o.ID); got.Status != Sending || r.paidCount(o.ID) != 0 {
			t.Errorf("order whose key holds another transfer: %s, Paid %d; want sending for a human, never paid", got.Status, r.paidCount(o.ID))
		}
		if r.bank.Transfers() != 1 || r.bank.Balance(iban(t, ownIBAN)) != 1 {
			t.Errorf("%d transfers, balance %d; want only the foreign one", r.bank.Transfers(), r.bank.Balance(iban(t, ownIBAN)))
		}
	})
}
