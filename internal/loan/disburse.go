package loan

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/payout"
	"nesie.kz/nesie/internal/store"
)

// disburse puts l's payout order in the outbox in tx and returns its id, for the caller's
// move to Disbursing to record. Unless the caller has just verified it in this request
// (signing checks the copy it verifies the signature against), the contract the money rests
// on is first re-checked against the hash the client signed (R11). checkID is the biometric
// check that proved a merchant payment (R9.4); empty for other kinds.
func (s *Service) disburse(ctx context.Context, tx *store.Tx, l Loan, c client.Client, checkID string, contractChecked bool) (string, error) {
	if s.payouts == nil {
		return "", fmt.Errorf("loan: payouts not attached")
	}
	if !contractChecked {
		if err := s.checkSigned(ctx, tx, l); err != nil {
			return "", err
		}
	}
	o, err := s.orderOf(ctx, tx, l, c, checkID)
	if err != nil {
		return "", err
	}
	return s.enqueue(ctx, tx, l, o)
}

// enqueue puts o, the payout order of l, in the outbox in tx and audits it.
func (s *Service) enqueue(ctx context.Context, tx *store.Tx, l Loan, o payout.Order) (string, error) {
	o, err := s.payouts.Enqueue(ctx, tx, o)
	if err != nil {
		return "", err
	}
	return o.ID, s.Trail.Record(ctx, tx, audit.Event{Action: "loan.payout_ordered", ObjectType: "loan", ObjectID: l.ID,
		Reason: "the payout order is in the outbox", Change: map[string]any{"payout_order_id": o.ID, "kind": string(o.Kind), "amount": int64(o.Amount)}})
}

// checkSigned re-checks the signed copy of l's contract against the hash the client signed.
func (s *Service) checkSigned(ctx context.Context, tx *store.Tx, l Loan) error {
	contractOf := l
	if l.SignedLang == "" {
		return fmt.Errorf("loan %s: not signed", l.ID)
	}
	d, err := s.contractCopy(ctx, tx, contractOf, l.SignedLang)
	if err != nil {
		return err
	}
	if !bytes.Equal(d.SHA256, l.SignedSHA256) {
		return &tamperedError{loanID: l.ID, docID: d.ID, cause: errors.New("differs from the signed hash")}
	}
	return nil
}

// orderOf is the payout order of l: to the client's own account, card or a terminal voucher,
// to the partner merchant, or to the cash desk.
func (s *Service) orderOf(ctx context.Context, tx *store.Tx, l Loan, c client.Client, checkID string) (payout.Order, error) {
	dest, err := s.payoutOf(ctx, tx, l)
	if err != nil {
		return payout.Order{}, err
	}
	o := payout.Order{ID: newID(), Reference: l.ID, ClientID: l.ClientID, BeneficiaryID: ownerID(c), Amount: l.Amount,
		Kind: payout.KindBank, BiometricCheckID: checkID}
	switch dest.Kind {
	case PayoutAccount:
		iban, err := kz.ParseIBAN(dest.IBAN)
		if err != nil {
			return payout.Order{}, fmt.Errorf("loan %s payout account: %w", l.ID, err)
		}
		o.To = bank.Destination{Kind: bank.DestinationAccount, IBAN: iban}
	case PayoutCard:
		o.To = bank.Destination{Kind: bank.DestinationCard, CardToken: dest.CardToken}
	case PayoutTerminal:
		o.To = bank.Destination{Kind: bank.DestinationCashVoucher}
	case PayoutCashDesk:
		o.Kind = payout.KindCashDesk
	case PayoutMerchant:
		m, err := s.Merchants.Find(ctx, tx, dest.MerchantID)
		if err != nil {
			return payout.Order{}, err
		}
		o.Kind, o.BeneficiaryID = payout.KindMerchant, m.BIN.String()
		o.To = bank.Destination{Kind: bank.DestinationAccount, IBAN: m.IBAN}
	default:
		return payout.Order{}, fmt.Errorf("loan %s: no payout for %q", l.ID, dest.Kind)
	}
	if c.Kind == client.LegalEntity && o.Kind == payout.KindBank {
		o.BeneficiaryID = c.BIN.String()
	}
	return o, nil
}

// payoutOf is where l's money goes: its own choice, or for a draw or an increase its
// parent's.
func (s *Service) payoutOf(ctx context.Context, tx *store.Tx, l Loan) (Payout, error) {
	if !l.HasParent() {
		return l.Payout, nil
	}
	parent, err := s.load(ctx, tx, l.ParentID)
	if err != nil {
		return Payout{}, err
	}
	return parent.Payout, nil
}

// Paid is the payouts' hook: the money has left; the loan is disbursed, in the transaction
// that settles the order.
func (s *Service) Paid(ctx context.Context, tx *store.Tx, o payout.Order) error {
	// The order's reference names the loan; the move's guard is all that needs checking.
	id := loanOfReference(o.Reference)
	if err := move(ctx, tx, id, Disbursing, Disbursed, "disbursed_at = $3", tx.Now().UnixMicro()); err != nil {
		return err
	}
	return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.disbursed", ObjectType: "loan", ObjectID: id,
		Reason: "the payout settled", Change: map[string]any{"payout_order_id": o.ID, "bank_id": o.BankID, "amount": int64(o.Amount)}})
}

// PayoutFailed is the payouts' hook for an order the bank refused for good (the account is
// not the client's, R9.3): no money left, and the loan says why. The client may then have it
// sent another way (RetryPayout) or cancel the loan at no cost.
func (s *Service) PayoutFailed(ctx context.Context, tx *store.Tx, o payout.Order) error {
	id := loanOfReference(o.Reference)
	if err := move(ctx, tx, id, Disbursing, PayoutFailed, "status_reason = $3", o.Reason); err != nil {
		return err
	}
	return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.payout_failed", ObjectType: "loan", ObjectID: id,
		Reason: "the payout failed; no money left", Change: map[string]any{"payout_order_id": o.ID, "reason": o.Reason}})
}

// wakePayouts tells the payout worker there is work, if one is attached.
func (s *Service) wakePayouts() {
	if s.payouts != nil {
		s.payouts.Wake()
	}
}
