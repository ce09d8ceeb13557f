package bank_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/banksim"
)

// Made-up identifiers with valid check digits (ParseIIN/ParseIBAN in mustIBAN and start).
const (
	clientIIN = "850305400120"
	otherIIN  = "900101300017"
	cardPAN   = "4400430000001237" // Luhn-valid, masked 440043******1237
)

func mustIBAN(t *testing.T, s string) kz.IBAN {
	t.Helper()
	i, err := kz.ParseIBAN(s)
	if err != nil {
		t.Fatalf("test IBAN %s: %v", s, err)
	}
	return i
}

func start(t *testing.T) (*banksim.Simulator, *sim.Server, *bank.Client) {
	t.Helper()
	for _, iin := range []string{clientIIN, otherIIN} {
		if _, err := kz.ParseIIN(iin); err != nil {
			t.Fatalf("test IIN %s: %v", iin, err)
		}
	}
	bs := banksim.New()
	srv, err := sim.Start("bank", "", bs.Handler())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := bank.NewClient(srv.URL, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	return bs, srv, c
}

func TestR9_3_VerifyOwnerOfAccountAndCard(t *testing.T) {
	bs, _, c := start(t)
	ctx := context.Background()
	own := mustIBAN(t, "KZ86125KZT5004100100")
	foreign := mustIBAN(t, "KZ31601A000000000001")
	unknown := mustIBAN(t, "KZ45722S000000000002")
	bs.OpenAccount(clientIIN, own)
	bs.OpenAccount(otherIIN, foreign)
	tok := bs.AddCard(clientIIN, cardPAN)

	for _, tc := range []struct {
		name string
		d    bank.Destination
		want bool
	}{
		{"own account", bank.Destination{Kind: bank.DestinationAccount, IBAN: own}, true},
		{"someone else's account", bank.Destination{Kind: bank.DestinationAccount, IBAN: foreign}, false},
		{"unknown account", bank.Destination{Kind: bank.DestinationAccount, IBAN: unknown}, false},
		{"own card", bank.Destination{Kind: bank.DestinationCard, CardToken: tok}, true},
		{"unknown card", bank.Destination{Kind: bank.DestinationCard, CardToken: "tok_nobody"}, false},
	} {
		got, err := c.VerifyOwner(ctx, tc.d, clientIIN)
		if err != nil || got.Owned != tc.want {
			t.Errorf("%s: owned %v, %v; want %v", tc.name, got.Owned, err, tc.want)
		}
		if err == nil && !strings.Contains(string(got.Evidence), `"owner":"`+clientIIN+`"`) {
			t.Errorf("%s: evidence %s is not the gateway's answer about the client", tc.name, got.Evidence)
		}
	}
	if _, err := c.VerifyOwner(ctx, bank.Destination{Kind: bank.DestinationAccount, IBAN: own}, "850305400121"); !isField(err, "owner_id") {
		t.Errorf("bad IIN: %v, want a field error on owner_id", err)
	}
}

func TestTokenizeCardKeepsOnlyTokenAndMaskedNumber(t *testing.T) {
	bs, _, c := start(t)
	ctx := context.Background()
	card, err := c.TokenizeCard(ctx, "4400 4300 0000 1237", 12, 2029)
	if err != nil {
		t.Fatal(err)
	}
	if card.Masked != "440043******1237" || card.Token == "" || strings.Contains(card.Token, cardPAN) {
		t.Errorf("card = %+v, want a token and 440043******1237", card)
	}
	if tok := bs.AddCard(clientIIN, cardPAN); tok != card.Token {
		t.Errorf("the gateway's token for the card is %q, tokenize said %q", tok, card.Token)
	}
	// One digit off fails the Luhn check: refused before it leaves, never echoed.
	_, err = c.TokenizeCard(ctx, "4400430000001238", 12, 2029)
	if !isField(err, "card_number") || strings.Contains(err.Error(), "4400430000001238") {
		t.Errorf("bad card number: %v, want a field error on card_number without the number", err)
	}
	if _, err := c.TokenizeCard(ctx, cardPAN, 13, 2029); !isField(err, "exp_month") {
		t.Errorf("month 13: %v, want a field error on exp_month", err)
	}
}

func TestTransferIsIdempotentByKey(t *testing.T) {
	bs, _, c := start(t)
	ctx := context.Background()
	own := mustIBAN(t, "KZ86125KZT5004100100")
	bs.OpenAccount(clientIIN, own)
	req := bank.TransferRequest{Key: "order-1", Amount: 150_000_00, To: bank.Destination{Kind: bank.DestinationAccount, IBAN: own}, BeneficiaryID: clientIIN, Purpose: "loan L-1"}

	if _, found, err := c.Status(ctx, "order-1"); err != nil || found {
		t.Fatalf("status before any transfer: found %v, %v; want not found", found, err)
	}
	first, err := c.Transfer(ctx, req)
	if err != nil || first.Status != bank.Completed || first.BankID == "" {
		t.Fatalf("transfer: %+v, %v", first, err)
	}
	again, err := c.Transfer(ctx, req)
	if err != nil || again.BankID != first.BankID {
		t.Errorf("the same transfer again: %+v, %v; want bank id %s", again, err, first.BankID)
	}
	if got := bs.Balance(own); got != 150_000_00 {
		t.Errorf("balance %d, want 15000000 (credited once)", got)
	}
	if n := bs.Transfers(); n != 1 {
		t.Errorf("%d transfers recorded, want 1", n)
	}
	st, found, err := c.Status(ctx, "order-1")
	if err != nil || !found || st.BankID != first.BankID || st.Status != bank.Completed {
		t.Errorf("status: %+v found %v %v", st, found, err)
	}
	other := req
	other.Amount = 1
	if _, err := c.Transfer(ctx, other); !errors.Is(err, fault.ErrConflict) {
		t.Errorf("same key, another amount: %v, want ErrConflict", err)
	}
	if got := bs.Balance(own); got != 150_000_00 {
		t.Errorf("balance after a refused reuse of the key: %d", got)
	}
}

func TestTransferToUnknownAccountFailsAndCashVoucherHasCode(t *testing.T) {
	_, _, c := start(t)
	ctx := context.Background()
	tr, err := c.Transfer(ctx, bank.TransferRequest{Key: "k1", Amount: 100, To: bank.Destination{Kind: bank.DestinationAccount, IBAN: mustIBAN(t, "KZ45722S000000000002")}, BeneficiaryID: clientIIN, Purpose: "p"})
	if err != nil || tr.Status != bank.Failed || tr.Reason != "unknown_account" {
		t.Errorf("unknown account: %+v, %v; want failed unknown_account", tr, err)
	}
	v, err := c.Transfer(ctx, bank.TransferRequest{Key: "k2", Amount: 5_000_00, To: bank.Destination{Kind: bank.DestinationCashVoucher}, BeneficiaryID: clientIIN, Purpose: "p"})
	if err != nil || v.Status != bank.Completed || v.VoucherCode == "" {
		t.Errorf("cash voucher: %+v, %v; want completed with a code", v, err)
	}
}

func TestLostResponseIsUnavailableAndStatusTellsTheTruth(t *testing.T) {
	bs, _, c := start(t)
	ctx := context.Background()
	own := mustIBAN(t, "KZ86125KZT5004100100")
	bs.OpenAccount(clientIIN, own)
	bs.SetLoseResponses(1)
	req := bank.TransferRequest{Key: "lost", Amount: 700_00, To: bank.Destination{Kind: bank.DestinationAccount, IBAN: own}, BeneficiaryID: clientIIN, Purpose: "p"}
	if _, err := c.Transfer(ctx, req); !errors.Is(err, fault.ErrUnavailable) {
		t.Fatalf("lost answer: %v, want ErrUnavailable", err)
	}
	st, found, err := c.Status(ctx, "lost")
	if err != nil || !found || st.Status != bank.Completed {
		t.Errorf("status after a lost answer: %+v %v %v; want completed", st, found, err)
	}
	if _, err := c.Transfer(ctx, req); err != nil || bs.Balance(own) != 700_00 || bs.Transfers() != 1 {
		t.Errorf("retry: %v, balance %d, transfers %d; want one credit of 70000", err, bs.Balance(own), bs.Transfers())
	}
}

func TestGatewayFailuresAreUnavailable(t *testing.T) {
	bs, srv, c := start(t)
	ctx := context.Background()
	own := mustIBAN(t, "KZ86125KZT5004100100")
	bs.OpenAccount(clientIIN, own)
	d := bank.Destination{Kind: bank.DestinationAccount, IBAN: own}
	calls := map[string]func() error{
		"verify": func() error { _, err := c.VerifyOwner(ctx, d, clientIIN); return err },
		"tokenize": func() error {
			_, err := c.TokenizeCard(ctx, cardPAN, 1, 2030)
			return err
		},
		"transfer": func() error {
			_, err := c.Transfer(ctx, bank.TransferRequest{Key: "k", Amount: 1, To: d, BeneficiaryID: clientIIN, Purpose: "p"})
			return err
		},
		"status": func() error { _, _, err := c.Status(ctx, "k"); return err },
	}
	for _, mode := range []sim.Mode{sim.Fail, sim.Hang, sim.Garbage} {
		srv.SetMode(mode)
		for name, call := range calls {
			if err := call(); !errors.Is(err, fault.ErrUnavailable) {
				t.Errorf("%s in mode %s: %v, want ErrUnavailable", name, mode, err)
			}
		}
	}
	srv.SetMode(sim.Normal)
	url := srv.URL
	srv.Close()
	down, _ := bank.NewClient(url, time.Second)
	if _, err := down.VerifyOwner(ctx, d, clientIIN); !errors.Is(err, fault.ErrUnavailable) {
		t.Errorf("gateway gone: %v, want ErrUnavailable", err)
	}
	if bs.Balance(own) != 0 {
		t.Errorf("a failing gateway moved money")
	}
}

func TestNewClientRefusesABadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://bank", "http://", "::"} {
		if _, err := bank.NewClient(u, 0); !isField(err, "bank_url") {
			t.Errorf("NewClient(%q): %v, want a field error", u, err)
		}
	}
}

func isField(err error, field string) bool {
	var fe *fault.FieldError
	return errors.As(err, &fe) && fe.Field == field
}
