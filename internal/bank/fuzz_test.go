package bank

import (
	"encoding/json"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/money"
)

// FuzzParseTransfer feeds arbitrary answers to the transfer parser: it must never panic, and
// what it accepts must be, by an independent reading of the JSON, about the key and amount
// asked, with a known status.
func FuzzParseTransfer(f *testing.F) {
	f.Add([]byte(`{"key":"k","id":"TRF1","status":"completed","amount":100}`), "k", int64(100))
	f.Add([]byte(`{"key":"k","id":"","status":"failed","reason":"unknown_account","amount":100}`), "k", int64(100))
	f.Add([]byte(`{"key":"k","id":"T","status":"pending","amount":5}{}`), "k", int64(5))
	f.Add([]byte(`{"key":"other","id":"T","status":"completed","amount":1}`), "k", int64(0))
	f.Add([]byte("\x00\xff<html>"), "k", int64(1))
	f.Fuzz(func(t *testing.T, raw []byte, key string, amount int64) {
		tr, err := parseTransfer(raw, key, money.Amount(amount))
		if err != nil {
			return
		}
		var m map[string]any
		if json.Unmarshal(raw, &m) != nil {
			t.Fatalf("accepted %q, which is not one JSON object", raw)
		}
		if m["key"] != key {
			t.Fatalf("accepted an answer about key %v, asked %q", m["key"], key)
		}
		a, ok := m["amount"].(float64)
		if !ok || a <= 0 || (amount != 0 && a != float64(amount)) || float64(tr.Amount) != a {
			t.Fatalf("accepted amount %v, asked %d", m["amount"], amount)
		}
		switch tr.Status {
		case Completed, Pending:
			if tr.BankID == "" {
				t.Fatalf("accepted %s without a bank id", tr.Status)
			}
		case Failed:
			if tr.Reason == "" {
				t.Fatalf("accepted a failure without a reason")
			}
		default:
			t.Fatalf("accepted status %q", tr.Status)
		}
	})
}

// FuzzParseOwnership: an accepted answer repeats the question and carries a verdict.
func FuzzParseOwnership(f *testing.F) {
	f.Add([]byte(`{"kind":"account","iban":"KZ86125KZT5004100100","owner":"850305400120","owned":true}`), "account", "KZ86125KZT5004100100", "", "850305400120")
	f.Add([]byte(`{"kind":"card","card_token":"t","owner":"850305400120","owned":false}`), "card", "", "t", "850305400120")
	f.Add([]byte(`{"kind":"account","owner":"x"}`), "account", "", "", "x")
	f.Fuzz(func(t *testing.T, raw []byte, kind, iban, token, owner string) {
		q := ownershipWire{Kind: kind, IBAN: iban, CardToken: token, Owner: owner}
		own, err := parseOwnership(raw, q)
		if err != nil {
			return
		}
		var m map[string]any
		if json.Unmarshal(raw, &m) != nil {
			t.Fatalf("accepted %q, not one JSON object", raw)
		}
		if v, ok := m["owned"].(bool); !ok || v != own.Owned {
			t.Fatalf("accepted verdict %v, answer says %v", own.Owned, m["owned"])
		}
		if m["kind"] != kind || m["owner"] != owner {
			t.Fatalf("accepted an answer about %v/%v, asked %q/%q", m["kind"], m["owner"], kind, owner)
		}
	})
}

// FuzzParseCard: an accepted card's masked number shows only the card's first six and last
// four digits, and its token does not carry the number.
func FuzzParseCard(f *testing.F) {
	f.Add([]byte(`{"token":"tok_1","masked":"440043******1237","exp_month":12,"exp_year":2029}`), "4400430000001237", 12, 2029)
	f.Add([]byte(`{"token":"4400430000001237","masked":"440043******1237","exp_month":12,"exp_year":2029}`), "4400430000001237", 12, 2029)
	f.Add([]byte(`{"token":"t","masked":"4400430000001237","exp_month":1,"exp_year":2029}`), "4400430000001237", 1, 2029)
	f.Fuzz(func(t *testing.T, raw []byte, pan string, month, year int) {
		if !allDigits(pan) || len(pan) < 12 || len(pan) > 19 {
			return // the client never sends such a number
		}
		c, err := parseCard(raw, pan, month, year)
		if err != nil {
			return
		}
		if c.Token == "" || strings.Contains(c.Token, pan) {
			t.Fatalf("accepted token %q for the card", c.Token)
		}
		if len(c.Masked) != len(pan) || c.Masked[:6] != pan[:6] || c.Masked[len(pan)-4:] != pan[len(pan)-4:] ||
			strings.Trim(c.Masked[6:len(pan)-4], "*") != "" {
			t.Fatalf("accepted masked %q for a %d-digit card", c.Masked, len(pan))
		}
		if c.ExpMonth != month || c.ExpYear != year {
			t.Fatalf("accepted expiry %d/%d, asked %d/%d", c.ExpMonth, c.ExpYear, month, year)
		}
	})
}

func TestLuhnAndMask(t *testing.T) {
	// Worked by hand: 4000 0000 0000 0002 — doubled digits 4→8 … sum 8+2 = 10.
	for pan, ok := range map[string]bool{"4000000000000002": true, "4000000000000001": false, "4400430000001237": true, "79927398713": true} {
		if luhnValid(pan) != ok {
			t.Errorf("luhnValid(%s) = %v, want %v", pan, !ok, ok)
		}
	}
	if got := MaskPAN("4400430000001237"); got != "440043******1237" {
		t.Errorf("MaskPAN = %q", got)
	}
}
