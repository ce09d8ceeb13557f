package bank

import (
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/money"
)

// DestinationKind says where a transfer goes.
type DestinationKind string

// The destinations the gateway knows (R9.2).
const (
	// DestinationAccount is a bank account, by IBAN.
	DestinationAccount DestinationKind = "account"
	// DestinationCard is a payment card, by the gateway's token.
	DestinationCard DestinationKind = "card"
	// DestinationCashVoucher is cash from a terminal: the gateway answers a voucher code.
	DestinationCashVoucher DestinationKind = "cash_voucher"
)

// Destination is where a transfer goes: an IBAN for an account, a token for a card, nothing
// more for a cash voucher.
type Destination struct {
	Kind      DestinationKind
	IBAN      kz.IBAN
	CardToken string
}

// Validate checks that d names exactly what its kind needs; errors name the field.
func (d Destination) Validate() error {
	switch d.Kind {
	case DestinationAccount:
		if d.IBAN.IsZero() {
			return fault.Field("iban", "is required for a transfer to an account")
		}
		if d.CardToken != "" {
			return fault.Field("card_token", "must be empty for a transfer to an account")
		}
	case DestinationCard:
		if d.CardToken == "" {
			return fault.Field("card_token", "is required for a transfer to a card")
		}
		if !d.IBAN.IsZero() {
			return fault.Field("iban", "must be empty for a transfer to a card")
		}
	case DestinationCashVoucher:
		if !d.IBAN.IsZero() || d.CardToken != "" {
			return fault.Field("destination", "a cash voucher has no account or card")
		}
	default:
		return fault.Field("destination.kind", "must be account, card or cash_voucher")
	}
	return nil
}

// Ownership is the gateway's answer to "does this account or card belong to that person".
type Ownership struct {
	Owned bool
	// Evidence is the gateway's answer as received, kept with the decision it supports.
	Evidence []byte
}

// Card is a tokenized card: what Nesie may keep. The card number itself is never kept.
type Card struct {
	Token, Masked     string
	ExpMonth, ExpYear int
}

// TransferRequest asks the gateway to move Amount to To for the person BeneficiaryID (an IIN
// or BIN). Key is the idempotency key: the same key with the same request is the same
// transfer, never a second one.
type TransferRequest struct {
	Key           string
	Amount        money.Amount
	To            Destination
	BeneficiaryID string
	Purpose       string
}

// Validate checks the request before it leaves; errors name the field.
func (r TransferRequest) Validate() error {
	if r.Key == "" || len(r.Key) > 128 {
		return fault.Field("key", "must be 1 to 128 characters")
	}
	if r.Amount <= 0 {
		return fault.Field("amount", "must be positive")
	}
	if err := r.To.Validate(); err != nil {
		return err
	}
	if err := checkPersonID("beneficiary_id", r.BeneficiaryID); err != nil {
		return err
	}
	if r.Purpose == "" {
		return fault.Field("purpose", "is required")
	}
	return nil
}

// TransferStatus is where a transfer stands at the gateway.
type TransferStatus string

// The statuses.
const (
	Completed TransferStatus = "completed"
	Failed    TransferStatus = "failed"
	Pending   TransferStatus = "pending"
)

// Transfer is the gateway's account of one transfer.
type Transfer struct {
	BankID string
	Status TransferStatus
	// Amount is what the gateway says the transfer is for.
	Amount money.Amount
	// Reason is the gateway's code for a failure.
	Reason string
	// VoucherCode is the code of a cash voucher, for a transfer to DestinationCashVoucher.
	VoucherCode string
	// Raw is the answer as received.
	Raw []byte
}

// checkPersonID accepts an IIN or a BIN.
func checkPersonID(field, id string) error {
	if _, err := kz.ParseIIN(id); err == nil {
		return nil
	}
	if _, err := kz.ParseBIN(id); err == nil {
		return nil
	}
	return fault.Field(field, "is not a valid IIN or BIN")
}
