package loan

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/store"
)

// Increase asks to add amount to the client's paid-out loan: an amendment of the contract.
// The increase is a loan row of its own under the loan (kind increase), starting as a draft
// with the loan's product, term, method and way of payment; the client submits it to the
// same checks, signs its contract with biometrics and EDS like any contract (R9.1), and its
// money waits 24 hours and the consent when the rule of R9-1.1 says so ("or after an increase
// of the amount"). Its repayment schedule is its own, from the day it is signed.
func (s *Service) Increase(ctx context.Context, clientID, loanID string, amount money.Amount) (Loan, error) {
	if amount <= 0 {
		return Loan{}, fault.Field("amount", "must be positive")
	}
	var l Loan
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		base, err := s.owned(ctx, tx, clientID, loanID)
		if err != nil {
			return err
		}
		if base.Kind != KindLoan || base.Status != Disbursed || base.IsCreditLine {
			return fault.New(fault.ErrConflict, "increase_not_allowed",
				"Only a paid-out loan can be increased; a credit line is drawn on instead.")
		}
		c, err := s.Clients.Find(ctx, tx, clientID)
		if err != nil {
			return err
		}
		if err := activeClient(c); err != nil {
			return err
		}
		v, err := s.Products.Terms(ctx, tx, base.ProductVersionID)
		if err != nil {
			return err
		}
		if _, err := v.TermsFor(amount, base.Term, base.Method, today(tx)); err != nil {
			return err
		}
		l = Loan{ID: newID(), Kind: KindIncrease, ClientID: clientID, ParentID: base.ID, ProductVersionID: base.ProductVersionID,
			Consumer: base.Consumer, Secured: base.Secured, ClientKind: base.ClientKind, Amount: amount, Term: base.Term,
			Unit: base.Unit, Method: base.Method, Purpose: base.Purpose, MonthlyIncome: base.MonthlyIncome,
			RulesVersion: base.RulesVersion, RightsVersion: base.RightsVersion, Payout: base.Payout, Status: Draft,
			CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		l.Number = fmt.Sprintf("%s/+%s", base.Number, l.ID[:4])
		return s.insert(ctx, tx, l, "loan.increase_requested", "the client asked to increase the amount of a loan")
	})
	return l, err
}
