package payout

import (
	"time"

	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/money"
)

// Kind says how the money goes out (R9.2).
type Kind string

// The kinds of payout.
const (
	// KindBank pays through the gateway to the client's account, card or a cash voucher for a
	// terminal.
	KindBank Kind = "bank"
	// KindMerchant pays, at the client's request, to the account of a merchant under contract
	// with the MFO; it needs biometric identification (R9.4).
	KindMerchant Kind = "merchant"
	// KindCashDesk is cash handed out by a cashier (R9.5); no gateway is involved.
	KindCashDesk Kind = "cash_desk"
)

// Status is where an order stands.
type Status string

// The statuses.
const (
	// Pending waits for a worker; nothing has been sent under its key.
	Pending Status = "pending"
	// Sending is claimed by a worker: a transfer may have been sent, and until the gateway
	// says otherwise the order is neither paid nor failed.
	Sending Status = "sending"
	// Paid: the money left (or the cashier handed it out).
	Paid Status = "paid"
	// Failed: no money left; Reason says why.
	Failed Status = "failed"
	// AwaitingCashDesk waits for the client at the cash desk.
	AwaitingCashDesk Status = "awaiting_cash_desk"
	// Held: the anti-fraud screen asked for a review before the money left (R8-2.6); nothing
	// has been sent, and the order waits for a member of staff to release or reject it.
	Held Status = "held"
)

// Order is one payout.
type Order struct {
	// ID is also the gateway's idempotency key: the caller's, or assigned by Enqueue.
	ID string
	// Reference is the loan or contract the money is for: one payout per reference.
	Reference string
	ClientID  string
	// BeneficiaryID is the IIN (or BIN) the destination must belong to; for a merchant,
	// the merchant's BIN.
	BeneficiaryID string
	Amount        money.Amount
	Kind          Kind
	To            bank.Destination
	// BiometricCheckID is the biometric identification a merchant payout rests on (R9.4).
	BiometricCheckID string

	Status      Status
	Reason      string
	BankID      string
	VoucherCode string
	Attempts    int
	CreatedAt   time.Time
	SettledAt   time.Time

	// HeldAt is when the anti-fraud screen last held the order for review, and HeldReasons
	// its reasons then; zero and nil if it never was.
	HeldAt      time.Time
	HeldReasons []string
	// ReleasedBy and ReleasedAt name the staff member who last released the order from a
	// hold, and when; empty and zero if nobody did.
	ReleasedBy string
	ReleasedAt time.Time
}

// CashIdentification is the cashier's visual identification of the person taking cash (R9.5).
type CashIdentification struct {
	// DocumentKind and DocumentNumber name the ID document shown ("id_card", "passport").
	DocumentKind, DocumentNumber string
	// DocumentValidUntil is the document's last valid day; an expired document is refused.
	DocumentValidUntil date.Date
	// DigitalDocument is true when the document came from the digital-documents service.
	DigitalDocument bool
	// PowerOfAttorneyRef names the power of attorney a legal entity's representative shows.
	PowerOfAttorneyRef string
	// RepresentsLegalEntity is true when the person takes cash for a legal entity.
	RepresentsLegalEntity bool
}

// validate checks an order as enqueued; errors name the field.
func (o Order) validate() error {
	switch {
	case len(o.ID) > 128 || !printableASCII(o.ID):
		return fault.Field("id", "must be at most 128 printable characters without spaces")
	case o.Reference == "" || len(o.Reference) > 128:
		return fault.Field("reference", "must be 1 to 128 characters")
	case o.ClientID == "" || len(o.ClientID) > 128:
		return fault.Field("client_id", "must be 1 to 128 characters")
	case o.Amount <= 0:
		return fault.Field("amount", "must be positive")
	}
	if _, err := kz.ParseIIN(o.BeneficiaryID); err != nil {
		if _, err := kz.ParseBIN(o.BeneficiaryID); err != nil {
			return fault.Field("beneficiary_id", "is not a valid IIN or BIN")
		}
	}
	switch o.Kind {
	case KindBank:
		return o.To.Validate()
	case KindMerchant:
		if o.To.Kind != bank.DestinationAccount {
			return fault.Field("destination.kind", "a merchant is paid to its bank account")
		}
		if err := o.To.Validate(); err != nil {
			return err
		}
		if o.BiometricCheckID == "" {
			return fault.Field("biometric_check_id", "a transfer to a merchant's account requires biometric identification (R9.4)")
		}
		return nil
	case KindCashDesk:
		if o.To != (bank.Destination{}) {
			return fault.Field("destination", "cash at the cash desk has no account or card")
		}
		return nil
	}
	return fault.Field("kind", "must be bank, merchant or cash_desk")
}

// sameAs reports whether n asks for the payout o already is: a repeat (double click, retry)
// rather than a different payout under the same reference.
func (o Order) sameAs(n Order) bool {
	return o.Reference == n.Reference && o.ClientID == n.ClientID && o.BeneficiaryID == n.BeneficiaryID &&
		o.Amount == n.Amount && o.Kind == n.Kind && o.To == n.To
}

// purpose is what the transfer says it is for, the same on every attempt: the gateway
// compares requests under one key, so changing this wording makes a retry across an upgrade
// a 409 (still safe: the claim after the lease asks the gateway under the key first).
func (o Order) purpose() string {
	return "Microcredit disbursement under contract " + o.Reference
}

// transferRequest is the gateway request for o, the same on every attempt.
func (o Order) transferRequest() bank.TransferRequest {
	return bank.TransferRequest{Key: o.ID, Amount: o.Amount, To: o.To, BeneficiaryID: o.BeneficiaryID, Purpose: o.purpose()}
}

// auditView is what the audit trail keeps of an order: no account number or card token in
// clear, only their masked forms.
func (o Order) auditView() map[string]any {
	v := map[string]any{
		"reference": o.Reference, "client_id": o.ClientID, "amount": int64(o.Amount),
		"kind": string(o.Kind), "status": string(o.Status), "attempts": o.Attempts,
	}
	if o.To.Kind != "" {
		v["destination_kind"] = string(o.To.Kind)
	}
	if !o.To.IBAN.IsZero() {
		v["iban"] = o.To.IBAN.Masked()
	}
	if o.Reason != "" {
		v["reason"] = o.Reason
	}
	if o.BankID != "" {
		v["bank_id"] = o.BankID
	}
	if o.BiometricCheckID != "" {
		v["biometric_check_id"] = o.BiometricCheckID
	}
	if o.ReleasedBy != "" {
		v["released_by"] = o.ReleasedBy
	}
	return v
}

// printableASCII reports whether s has only printable ASCII and no spaces: an id travels as
// an HTTP header and a URL path segment.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
