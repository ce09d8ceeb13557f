package banksim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/banksim"
)

// Made-up identifiers with valid check digits (checked in start).
const (
	ownerIIN = "850305400120"
	ownIBAN  = "KZ86125KZT5004100100"
	cardPAN  = "4400430000001237"
)

func start(t *testing.T) (*banksim.Simulator, string) {
	t.Helper()
	if _, err := kz.ParseIIN(ownerIIN); err != nil {
		t.Fatal(err)
	}
	if _, err := kz.ParseIBAN(ownIBAN); err != nil {
		t.Fatal(err)
	}
	s := banksim.New()
	srv, err := sim.Start("bank", "", s.Handler())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return s, srv.URL
}

func call(t *testing.T, method, url string, header map[string]string, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, raw)
		}
	}
	return resp.StatusCode
}

func TestHooksAndIdempotentTransfersOverHTTP(t *testing.T) {
	s, url := start(t)
	if st := call(t, "POST", url+"/sim/accounts", nil, `{"owner":"`+ownerIIN+`","iban":"KZ86 125K ZT50 0410 0100"}`, nil); st != http.StatusCreated {
		t.Fatalf("open account: %d", st)
	}
	transfer := `{"amount":150000,"to":{"kind":"account","iban":"` + ownIBAN + `"},"beneficiary":"` + ownerIIN + `","purpose":"loan"}`
	key := map[string]string{"Idempotency-Key": "k-1"}
	var first, second struct{ ID, Status string }
	if st := call(t, "POST", url+"/v1/transfers", key, transfer, &first); st != 200 || first.Status != "completed" {
		t.Fatalf("transfer: %d %+v", st, first)
	}
	// The same request in other spacing is the same transfer.
	spaced := `{ "amount": 150000, "to": {"kind":"account", "iban":"` + ownIBAN + `"}, "beneficiary":"` + ownerIIN + `", "purpose":"loan" }`
	if st := call(t, "POST", url+"/v1/transfers", key, spaced, &second); st != 200 || second.ID != first.ID {
		t.Errorf("repeat: %d %+v, want %s", st, second, first.ID)
	}
	if st := call(t, "POST", url+"/v1/transfers", key, `{"amount":1,"to":{"kind":"account","iban":"`+ownIBAN+`"},"beneficiary":"`+ownerIIN+`","purpose":"loan"}`, nil); st != http.StatusConflict {
		t.Errorf("same key, another body: %d, want 409", st)
	}
	var acc struct {
		Balance int64
		Credits []struct{ Key string }
	}
	call(t, "GET", url+"/sim/accounts/"+ownIBAN, nil, "", &acc)
	if acc.Balance != 150000 || len(acc.Credits) != 1 || acc.Credits[0].Key != "k-1" {
		t.Errorf("account: %+v, want one credit of 150000", acc)
	}
	var count struct{ Count, Completed int }
	call(t, "GET", url+"/sim/transfers", nil, "", &count)
	if count.Count != 1 || count.Completed != 1 || s.Transfers() != 1 {
		t.Errorf("transfers: %+v", count)
	}
	if st := call(t, "GET", url+"/v1/transfers/nope", nil, "", nil); st != http.StatusNotFound {
		t.Errorf("unknown key: %d, want 404", st)
	}

	// Lose the next answer: the transfer is made, the answer is a 502.
	call(t, "POST", url+"/sim/lose-responses", nil, `{"n":1}`, nil)
	k2 := map[string]string{"Idempotency-Key": "k-2"}
	if st := call(t, "POST", url+"/v1/transfers", k2, transfer, nil); st != http.StatusBadGateway {
		t.Errorf("lost answer: %d, want 502", st)
	}
	var status struct{ Status string }
	if st := call(t, "GET", url+"/v1/transfers/k-2", nil, "", &status); st != 200 || status.Status != "completed" {
		t.Errorf("status after a lost answer: %d %+v", st, status)
	}
	iban, _ := kz.ParseIBAN(ownIBAN)
	if s.Balance(iban) != 300000 {
		t.Errorf("balance %d, want 300000", s.Balance(iban))
	}
}

func TestCardsOverHTTP(t *testing.T) {
	_, url := start(t)
	var added struct{ Token, Masked string }
	if st := call(t, "POST", url+"/sim/cards", nil, `{"owner":"`+ownerIIN+`","pan":"`+cardPAN+`"}`, &added); st != http.StatusCreated || added.Masked != "440043******1237" {
		t.Fatalf("add card: %d %+v", st, added)
	}
	var tok struct{ Token, Masked string }
	call(t, "POST", url+"/v1/cards", nil, `{"pan":"`+cardPAN+`","exp_month":1,"exp_year":2030}`, &tok)
	if tok.Token != added.Token {
		t.Errorf("tokenize gave %q, the card's token is %q", tok.Token, added.Token)
	}
	if st := call(t, "POST", url+"/v1/cards", nil, `{"pan":"4400430000001238","exp_month":1,"exp_year":2030}`, nil); st != http.StatusUnprocessableEntity {
		t.Errorf("bad Luhn: %d, want 422", st)
	}
	body := `{"amount":500,"to":{"kind":"card","card_token":"` + added.Token + `"},"beneficiary":"` + ownerIIN + `","purpose":"loan"}`
	call(t, "POST", url+"/v1/transfers", map[string]string{"Idempotency-Key": "c-1"}, body, nil)
	var card struct {
		Balance int64
		Owner   string
	}
	call(t, "GET", url+"/sim/cards/"+added.Token, nil, "", &card)
	if card.Balance != 500 || card.Owner != ownerIIN {
		t.Errorf("card: %+v", card)
	}
}
