package payout

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestPayoutPaidOnceToOwnAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		o := r.enqueue(t, toOwnAccount(t, "loan-1", 250_000_00))
		if o.ID == "" || o.Status != Pending {
			t.Fatalf("enqueued %+v, want a pending order with an id", o)
		}
		given := toOwnAccount(t, "loan-given-id", 100)
		given.ID = "loan-chosen-key-1"
		if got := r.enqueue(t, given); got.ID != "loan-chosen-key-1" {
			t.Errorf("the caller's id became %q", got.ID)
		}
		if n := r.runOnce(t, r.svc); n != 2 {
			t.Fatalf("first run claimed %d, want 2", n)
		}
		got := r.find(t, o.ID)
		if got.Status != Paid || got.BankID == "" || got.Attempts != 1 || got.SettledAt.IsZero() {
			t.Errorf("after the run: %+v, want paid with a bank id after 1 attempt", got)
		}
		if n := r.runOnce(t, r.svc); n != 0 {
			t.Errorf("second run claimed %d, want 0", n)
		}
		// The money arrived once, as the bank sees it over its test hook.
		var acc struct {
			Balance int64       `json:"balance"`
			Credits []simCredit `json:"credits"`
		}
		getJSON(t, r.srv.URL+"/sim/accounts/"+ownIBAN, &acc)
		if acc.Balance != 250_000_00+100 || len(acc.Credits) != 2 || !slices.Contains(acc.Credits, simCredit{o.ID, 250_000_00}) {
			t.Errorf("account at the bank: %+v, want one credit of 25000000 under key %s (and the 100)", acc, o.ID)
		}
		var tr struct{ Count int }
		getJSON(t, r.srv.URL+"/sim/transfers", &tr)
		if tr.Count != 2 || r.paidCount(o.ID) != 1 {
			t.Errorf("%d transfers, Paid hook %d times; want 2 (one per order) and 1", tr.Count, r.paidCount(o.ID))
		}
		want := []string{"payout.enqueued", "payout.sending", "payout.paid"}
		if got := r.auditActions(t, o.ID); !slices.Equal(got, want) {
			t.Errorf("audit %v, want %v", got, want)
		}
	})
}

func TestRunPaysWhenWokenByEnqueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- r.svc.Run(ctx, time.Hour) }() // the tick never comes: only Wake can
		o := r.enqueue(t, toOwnAccount(t, "loan-woken", 1_500_00))
		select {
		case id := <-r.settled:
			if id != o.ID {
				t.Errorf("paid %s, want %s", id, o.ID)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the worker was not woken by the enqueue")
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run after cancel: %v, want nil", err)
		}
	})
}

func TestSameReferenceTwiceIsOneOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		first := r.enqueue(t, toOwnAccount(t, "loan-dbl", 5_000_00))
		second := r.enqueue(t, toOwnAccount(t, "loan-dbl", 5_000_00))
		if second.ID != first.ID {
			t.Errorf("second enqueue made %s, want the existing %s", second.ID, first.ID)
		}
		// Two clicks at once, each in its own transaction.
		var wg sync.WaitGroup
		got := make([]Order, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
					var err error
					got[i], err = r.svc.Enqueue(ctx, tx, toOwnAccount(t, "loan-race", 7_000_00))
					return err
				})
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil || got[0].ID != got[1].ID {
			t.Errorf("concurrent clicks: %v / %v, ids %s / %s; want one order", errs[0], errs[1], got[0].ID, got[1].ID)
		}
		other := toOwnAccount(t, "loan-dbl", 6_000_00)
		err := env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
			_, err := r.svc.Enqueue(ctx, tx, other)
			return err
		})
		if !errors.Is(err, fault.ErrConflict) {
			t.Errorf("same reference, another amount: %v, want ErrConflict", err)
		}
		var n int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM payout_order`).Scan(&n); err != nil || n != 2 {
			t.Errorf("%d orders stored (%v), want 2", n, err)
		}
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		r.runOnce(t, r.svc)
		if r.bank.Transfers() != 2 || r.bank.Balance(iban(t, ownIBAN)) != 12_000_00 {
			t.Errorf("%d transfers, balance %d; want 2 and 1200000", r.bank.Transfers(), r.bank.Balance(iban(t, ownIBAN)))
		}
	})
}

func TestGatewayDownLeavesOrderPendingAndLosesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
		o := r.enqueue(t, toOwnAccount(t, "loan-down", 3_000_00))
		for _, mode := range []sim.Mode{sim.Fail, sim.Hang, sim.Garbage} {
			r.srv.SetMode(mode)
			env.Clock.Advance(2 * time.Minute) // due again
			if n := r.runOnce(t, r.svc); n != 1 {
				t.Fatalf("mode %s: claimed %d, want 1", mode, n)
			}
			if got := r.find(t, o.ID); got.Status != Pending || got.Reason != "ownership_check_unavailable" {
				t.Errorf("mode %s: %s %q, want pending ownership_check_unavailable", mode, got.Status, got.Reason)
			}
		}
		if r.bank.Transfers() != 0 {
			t.Fatalf("%d transfers while the gateway was down", r.bank.Transfers())
		}
		r.srv.SetMode(sim.Normal)
		if n := r.runOnce(t, r.svc); n != 0 {
			t.Errorf("claimed %d before the retry is due, want 0", n)
		}
		env.Clock.Advance(2 * time.Minute)
		r.runOnce(t, r.svc)
		if got := r.find(t, o.ID); got.Status != Paid || r.bank.Transfers() != 1 {
			t.Errorf("after recovery: %s with %d transfers, want paid with 1", got.Status, r.bank.Transfers())
		}
	})
}

func TestR37_CardAndCashVoucherPayoutsKeepSecretsSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		client, _ := bank.NewClient(r.srv.URL, time.Second)
		r.bank.AddCard(clientIIN, cardPAN)
		card, err := client.TokenizeCard(context.Background(), cardPAN, 11, 2030)
		if err != nil {
			t.Fatal(err)
		}
		toCard := Order{Reference: "loan-card", ClientID: "client-1", BeneficiaryID: clientIIN, Amount: 60_000_00, Kind: KindBank,
			To: bank.Destination{Kind: bank.DestinationCard, CardToken: card.Token}}
		voucher := Order{Reference: "loan-cash", ClientID: "client-1", BeneficiaryID: clientIIN, Amount: 20_000_00, Kind: KindBank,
			To: bank.Destination{Kind: bank.DestinationCashVoucher}}
		c, v := r.enqueue(t, toCard), r.enqueue(t, voucher)
		r.runOnce(t, r.svc)
		if got := r.find(t, c.ID); got.Status != Paid || r.bank.CardBalance(card.Token) != 60_000_00 {
			t.Errorf("card payout: %s, card balance %d; want paid, 6000000", got.Status, r.bank.CardBalance(card.Token))
		}
		issued := r.bank.Voucher(v.ID)
		if got := r.find(t, v.ID); got.Status != Paid || issued == "" || got.VoucherCode != issued {
			t.Errorf("voucher payout: %+v, want paid with the code the bank issued (%q)", got, issued)
		}
		// The code is as good as the cash: kept sealed, never in clear.
		var clear string
		var sealed []byte
		if err := env.Admin.QueryRow(`SELECT voucher_code, voucher_code_sealed FROM payout_order WHERE id = $1`, v.ID).Scan(&clear, &sealed); err != nil {
			t.Fatal(err)
		}
		if clear != "" || len(sealed) == 0 || bytes.Contains(sealed, []byte(issued)) {
			t.Errorf("voucher at rest: clear %q, sealed %d bytes (holds the code: %v)", clear, len(sealed), bytes.Contains(sealed, []byte(issued)))
		}
	})
}

func TestEnqueueRefusesBadOrdersByField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env)
		good := toOwnAccount(t, "loan-x", 100)
		for _, tc := range []struct {
			field string
			edit  func(o *Order)
		}{
			{"reference", func(o *Order) { o.Reference = "" }},
			{"id", func(o *Order) { o.ID = "two words" }},
			{"client_id", func(o *Order) { o.ClientID = "" }},
			{"amount", func(o *Order) { o.Amount = 0 }},
			{"beneficiary_id", func(o *Order) { o.BeneficiaryID = "850305400121" }},
			{"kind", func(o *Order) { o.Kind = "crypto" }},
			{"iban", func(o *Order) { o.To = bank.Destination{Kind: bank.DestinationAccount} }},
			{"destination", func(o *Order) { o.Kind = KindCashDesk }},
		} {
			o := good
			tc.edit(&o)
			err := env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
				_, err := r.svc.Enqueue(ctx, tx, o)
				return err
			})
			var fe *fault.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Errorf("bad %s: %v", tc.field, err)
			}
		}
	})
}

// simCredit is one credit as the simulator's account hook lists it.
type simCredit struct {
	Key    string `json:"key"`
	Amount int64  `json:"amount"`
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
