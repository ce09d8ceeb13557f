package loan

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
)

// PayoutRequest is the client's answer to "how do you want the money?" (R8.6) with the
// account or card details (R8.7). A card number passes through to the gateway once and is
// kept only as the gateway's token and the masked number.
type PayoutRequest struct {
	Kind             string
	IBAN             string
	CardNumber       string
	CardExpMonth     int
	CardExpYear      int
	MerchantID       string
	RefinancedLoanID string
}

// ownerID is whose the account or card must be (R9.3): the legal entity's BIN for a legal
// entity, the IIN otherwise.
func ownerID(c client.Client) string {
	if c.Kind == client.LegalEntity {
		return c.BIN.String()
	}
	return c.IIN.String()
}

var errNotClients = fault.New(fault.ErrForbidden, "payout_destination_not_owned",
	"The account or card is not registered to you; money can only go to your own account or card.")

// SetPayout records how the money is to be provided while the loan is a draft. The account
// or card is checked with the bank to belong to the client before it is accepted (R9.3; the
// payout checks again before the transfer).
func (s *Service) SetPayout(ctx context.Context, clientID, id string, r PayoutRequest) (Loan, error) {
	kind, err := ParsePayoutKind(r.Kind)
	if err != nil {
		return Loan{}, err
	}
	l, c, err := s.ownedIn(ctx, clientID, id, Draft, "change how the money is provided")
	if err != nil {
		return Loan{}, err
	}
	p, err := s.destination(ctx, c, id, kind, r)
	if err != nil {
		return Loan{}, err
	}
	// The loan as read above; the UPDATE re-checks that it is still this client's draft.
	err = s.guarded(ctx, func(ctx context.Context, tx *store.Tx) error {
		if err := s.checkPayoutTarget(ctx, tx, l, p); err != nil {
			return err
		}
		var sealed []byte
		if p.IBAN != "" {
			if sealed, err = s.vault.Seal([]byte(p.IBAN), ibanAAD(l.ID)); err != nil {
				return fmt.Errorf("seal payout account: %w", err)
			}
		}
		var refinanced any
		if p.RefinancedLoanID != "" {
			refinanced = p.RefinancedLoanID
		}
		if err := tx.ExecExpect(ctx, 1, errMoved, `UPDATE loan SET payout_kind = $1, payout_iban_sealed = $2, card_token = $3, card_masked = $4,
			merchant_id = $5, refinanced_loan_id = $6, updated_at = $7 WHERE id = $8 AND client_id = $9 AND status = 'draft'`,
			string(p.Kind), sealed, p.CardToken, p.CardMasked, p.MerchantID, refinanced, tx.Now().UnixMicro(), l.ID, clientID); err != nil {
			return fmt.Errorf("set payout: %w", err)
		}
		l.Payout, l.UpdatedAt = p, tx.Now()
		return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.payout_chosen", ObjectType: "loan", ObjectID: l.ID,
			Reason: "the client chose how to receive the money", Change: map[string]any{"kind": string(p.Kind),
				"card": p.CardMasked, "merchant_id": p.MerchantID, "refinanced_loan_id": p.RefinancedLoanID}})
	})
	return l, err
}

// checkPayoutTarget checks a merchant or a refinanced loan in tx: an active partner; the
// client's own loan here that has been paid out.
func (s *Service) checkPayoutTarget(ctx context.Context, tx *store.Tx, l Loan, p Payout) error {
	switch p.Kind {
	case PayoutMerchant:
		m, err := s.Merchants.Find(ctx, tx, p.MerchantID)
		if err != nil || m.Status != "active" {
			return fault.Field("merchant_id", "is not an active partner of the MFO")
		}
		if !l.Consumer {
			return fault.Field("payout_kind", "a payment to a merchant is for consumer goods and services")
		}
	case PayoutRefinance:
		old, err := s.load(ctx, tx, p.RefinancedLoanID)
		if err != nil || old.ClientID != l.ClientID || old.Status != Disbursed || old.ID == l.ID {
			return fault.Field("refinanced_loan_id", "is not a loan of yours here that has been paid out")
		}
	}
	return nil
}

// destination is the way to the money r asks for, of the given kind, for client c's loan id:
// an account or a card is first shown by the bank to be c's (R9.3), and a card is kept only as
// the gateway's token and masked number (R8.7). A refusal is audited against the loan.
func (s *Service) destination(ctx context.Context, c client.Client, id string, kind PayoutKind, r PayoutRequest) (Payout, error) {
	p := Payout{Kind: kind}
	switch kind {
	case PayoutAccount:
		iban, err := kz.ParseIBAN(r.IBAN)
		if err != nil {
			return Payout{}, fault.Field("iban", "%v", err)
		}
		own, err := s.Bank.VerifyOwner(ctx, bank.Destination{Kind: bank.DestinationAccount, IBAN: iban}, ownerID(c))
		if err != nil {
			return Payout{}, err
		}
		if !own.Owned {
			return Payout{}, s.refused(ctx, "loan.payout_refused", id, errNotClients)
		}
		p.IBAN = iban.String()
	case PayoutCard:
		card, err := s.Bank.TokenizeCard(ctx, r.CardNumber, r.CardExpMonth, r.CardExpYear)
		if err != nil {
			return Payout{}, err
		}
		own, err := s.Bank.VerifyOwner(ctx, bank.Destination{Kind: bank.DestinationCard, CardToken: card.Token}, ownerID(c))
		if err != nil {
			return Payout{}, err
		}
		if !own.Owned {
			return Payout{}, s.refused(ctx, "loan.payout_refused", id, errNotClients)
		}
		p.CardToken, p.CardMasked = card.Token, card.Masked
	case PayoutMerchant:
		if r.MerchantID == "" {
			return Payout{}, fault.Field("merchant_id", "is required for a payment to a merchant")
		}
		p.MerchantID = r.MerchantID
	case PayoutRefinance:
		if r.RefinancedLoanID == "" {
			return Payout{}, fault.Field("refinanced_loan_id", "is required to refinance a loan")
		}
		p.RefinancedLoanID = r.RefinancedLoanID
	}
	return p, nil
}
