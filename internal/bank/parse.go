package bank

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/strictjson"
)

// The wire forms of the protocol (see the package doc).
type (
	ownershipWire struct {
		Kind      string `json:"kind"`
		IBAN      string `json:"iban,omitempty"`
		CardToken string `json:"card_token,omitempty"`
		Owner     string `json:"owner"`
	}
	cardRequestWire struct {
		PAN      string `json:"pan"`
		ExpMonth int    `json:"exp_month"`
		ExpYear  int    `json:"exp_year"`
	}
	destinationWire struct {
		Kind      string `json:"kind"`
		IBAN      string `json:"iban,omitempty"`
		CardToken string `json:"card_token,omitempty"`
	}
	transferRequestWire struct {
		Amount      int64           `json:"amount"`
		To          destinationWire `json:"to"`
		Beneficiary string          `json:"beneficiary"`
		Purpose     string          `json:"purpose"`
	}
)

// decodeStrict reads exactly one JSON object into v; fields the gateway adds are skipped,
// but a key twice or in another case is refused (see strictjson).
func decodeStrict(raw []byte, v any) error {
	if err := strictjson.Decode(raw, v, strictjson.IgnoreUnknown); err != nil {
		return fmt.Errorf("answer is not the protocol's JSON: %w", err)
	}
	return nil
}

// parseOwnership accepts an ownership answer only when it answers the question asked: an
// answer about another account, card or person (mixed up or replayed) is no answer.
func parseOwnership(raw []byte, q ownershipWire) (Ownership, error) {
	var a struct {
		Kind      string `json:"kind"`
		IBAN      string `json:"iban"`
		CardToken string `json:"card_token"`
		Owner     string `json:"owner"`
		Owned     *bool  `json:"owned"`
	}
	if err := decodeStrict(raw, &a); err != nil {
		return Ownership{}, err
	}
	if a.Owned == nil {
		return Ownership{}, errors.New("ownership answer has no verdict")
	}
	if a.Kind != q.Kind || a.IBAN != q.IBAN || a.CardToken != q.CardToken || a.Owner != q.Owner {
		return Ownership{}, errors.New("ownership answer is not about the question asked")
	}
	return Ownership{Owned: *a.Owned, Evidence: bytes.Clone(raw)}, nil
}

// parseCard accepts a tokenization answer only when the masked number is the card's own
// (first six and last four digits) and the token does not carry the number.
func parseCard(raw []byte, pan string, expMonth, expYear int) (Card, error) {
	var a struct {
		Token    string `json:"token"`
		Masked   string `json:"masked"`
		ExpMonth int    `json:"exp_month"`
		ExpYear  int    `json:"exp_year"`
	}
	if err := decodeStrict(raw, &a); err != nil {
		return Card{}, err
	}
	if a.Token == "" || len(a.Token) > 128 || !printableASCII(a.Token) {
		return Card{}, errors.New("card answer has no usable token")
	}
	if strings.Contains(a.Token, pan) {
		return Card{}, errors.New("card token carries the card number")
	}
	if a.Masked != MaskPAN(pan) {
		return Card{}, errors.New("card answer's masked number is not the card's")
	}
	if a.ExpMonth != expMonth || a.ExpYear != expYear {
		return Card{}, errors.New("card answer's expiry is not the card's")
	}
	return Card{Token: a.Token, Masked: a.Masked, ExpMonth: a.ExpMonth, ExpYear: a.ExpYear}, nil
}

// parseTransfer accepts a transfer answer only when it is about key and, when amount is not
// zero, about that amount; a completed or pending transfer must carry the gateway's id.
func parseTransfer(raw []byte, key string, amount money.Amount) (Transfer, error) {
	var a struct {
		Key         string `json:"key"`
		ID          string `json:"id"`
		Status      string `json:"status"`
		Reason      string `json:"reason"`
		VoucherCode string `json:"voucher_code"`
		Amount      *int64 `json:"amount"`
	}
	if err := decodeStrict(raw, &a); err != nil {
		return Transfer{}, err
	}
	if a.Key != key {
		return Transfer{}, errors.New("transfer answer is about another key")
	}
	if a.Amount == nil || *a.Amount <= 0 || (amount != 0 && money.Amount(*a.Amount) != amount) {
		return Transfer{}, errors.New("transfer answer is about another amount")
	}
	st := TransferStatus(a.Status)
	switch st {
	case Completed, Pending:
		if a.ID == "" {
			return Transfer{}, errors.New("transfer answer has no bank id")
		}
	case Failed:
		if a.Reason == "" {
			return Transfer{}, errors.New("failed transfer answer has no reason")
		}
	default:
		return Transfer{}, fmt.Errorf("transfer answer has unknown status %q", a.Status)
	}
	for _, s := range []string{a.ID, a.Reason, a.VoucherCode} {
		if len(s) > 256 || !printableASCII(s) {
			return Transfer{}, errors.New("transfer answer has an unreadable field")
		}
	}
	return Transfer{BankID: a.ID, Status: st, Amount: money.Amount(*a.Amount), Reason: a.Reason, VoucherCode: a.VoucherCode, Raw: bytes.Clone(raw)}, nil
}

// parseUnknownKey accepts the 404 answer of a status request only when it says the key is
// unknown: a 404 from a misrouted proxy is not "never sent".
func parseUnknownKey(raw []byte) error {
	var a struct {
		Error string `json:"error"`
	}
	if err := decodeStrict(raw, &a); err != nil {
		return err
	}
	if a.Error != "unknown_key" {
		return fmt.Errorf("status 404 does not say the key is unknown")
	}
	return nil
}

// printableASCII reports whether s has only printable ASCII, so codes from the gateway
// cannot smuggle control characters into logs or screens.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
