package loan

import (
	"context"
	"fmt"
	"strings"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// RetryPayout sends the money of a loan whose payout the bank refused (payout_failed) the way
// the client now chooses: another account or card of theirs — shown by the bank to be theirs
// first (R9.3) —, a terminal voucher or the cash desk. In one transaction the signed contract
// is checked again (R11), a new payout order goes to the outbox and the loan is disbursing
// again; a second request meanwhile finds it moved and changes nothing. The consent given
// after the cooling-off (R9-1) stands: the contract is the same, only the way to the money
// changed. A payment to a merchant, a refinancing and a draw of a credit line keep the way
// their contract names: for those the client cancels instead, and so for a payout the
// anti-fraud system stopped.
func (s *Service) RetryPayout(ctx context.Context, clientID, id string, r PayoutRequest) (Loan, error) {
	kind, err := ParsePayoutKind(r.Kind)
	if err != nil {
		return Loan{}, err
	}
	if !resendable(kind) {
		return Loan{}, fault.Field("kind", "a refused payout can be sent again to an account, a card, a terminal voucher or the cash desk")
	}
	l, c, err := s.ownedIn(ctx, clientID, id, PayoutFailed, "have its payout sent again")
	if err != nil {
		return Loan{}, err
	}
	if l.HasParent() || !resendable(l.Payout.Kind) {
		return Loan{}, fault.New(fault.ErrConflict, "payout_way_fixed", "This loan's money goes the way its contract names; cancel it instead.")
	}
	if confidentialReason(l.StatusReason) {
		// The anti-fraud system or an analyst stopped this payout (R8-2.6): another account
		// would not change who the money goes to. Said without naming the check.
		return Loan{}, fault.New(fault.ErrConflict, "payout_not_resendable", "This payout cannot be sent again; the loan can be cancelled at no cost.")
	}
	p, err := s.destination(ctx, c, id, kind, r)
	if err != nil {
		return Loan{}, err
	}
	failedOrder := l.PayoutOrderID
	err = s.exclusive(ctx, clientID, func(ctx context.Context, tx *store.Tx) error {
		l.Payout = p
		if err := s.checkSigned(ctx, tx, l); err != nil {
			return err
		}
		o, err := s.orderOf(ctx, tx, l, c, "")
		if err != nil {
			return err
		}
		o.Reference = retryReference(l.ID, o.ID)
		orderID, err := s.enqueue(ctx, tx, l, o)
		if err != nil {
			return err
		}
		var sealed []byte
		if p.IBAN != "" {
			if sealed, err = s.vault.Seal([]byte(p.IBAN), ibanAAD(l.ID)); err != nil {
				return fmt.Errorf("seal payout account: %w", err)
			}
		}
		if err := move(ctx, tx, l.ID, PayoutFailed, Disbursing,
			"payout_kind = $3, payout_iban_sealed = $4, card_token = $5, card_masked = $6, payout_order_id = $7, status_reason = ''",
			string(p.Kind), sealed, p.CardToken, p.CardMasked, orderID); err != nil {
			return err
		}
		l.Status, l.PayoutOrderID, l.StatusReason, l.UpdatedAt = Disbursing, orderID, "", tx.Now()
		return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.payout_resent", ObjectType: "loan", ObjectID: l.ID,
			Reason: "the client chose another way to the money after the bank refused the payout",
			Change: map[string]any{"kind": string(p.Kind), "card": p.CardMasked, "refused_order_id": failedOrder, "payout_order_id": orderID}})
	})
	if err != nil {
		return Loan{}, s.refused(ctx, "loan.payout_resend_refused", id, err)
	}
	s.wakePayouts()
	return l, nil
}

// resendable says whether money that could not be sent by kind may be sent another way, or
// kind is such another way: the ways through the bank and the cash desk.
func resendable(kind PayoutKind) bool {
	switch kind {
	case PayoutAccount, PayoutCard, PayoutTerminal, PayoutCashDesk:
		return true
	}
	return false
}

// A payout order's reference is unique: the loan's id for its first order, the loan's id and
// the new order's for each one sent after a refusal. Loan ids never hold the separator.
const referenceSeparator = "/"

func retryReference(loanID, orderID string) string { return loanID + referenceSeparator + orderID }

// loanOfReference is the loan a payout order's reference names.
func loanOfReference(ref string) string {
	id, _, _ := strings.Cut(ref, referenceSeparator)
	return id
}
