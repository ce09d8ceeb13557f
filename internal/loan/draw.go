package loan

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/store"
)

// Draw asks for amount under the client's open credit line (R9-1.3). The draw is a loan of
// its own under the line, offered at once with its contract (the line's terms, this amount),
// and signed, cooled off and paid like any loan; the line's limit counts every draw that has
// not been cancelled or annulled. Each draw keeps within the product's amount and term ranges.
func (s *Service) Draw(ctx context.Context, clientID, lineID string, amount money.Amount, term int) (Loan, error) {
	if amount <= 0 {
		return Loan{}, fault.Field("amount", "must be positive")
	}
	var l Loan
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		line, err := s.owned(ctx, tx, clientID, lineID)
		if err != nil {
			return err
		}
		if line.Status != LineOpen {
			return errWrongStatus(line.Status, "be drawn on")
		}
		c, err := s.Clients.Find(ctx, tx, clientID)
		if err != nil {
			return err
		}
		if err := activeClient(c); err != nil {
			return err
		}
		var drawn int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount), 0) FROM loan WHERE parent_id = $1
			AND status NOT IN ('cancelled', 'annulled', 'refused', 'payout_failed')`, lineID).Scan(&drawn); err != nil {
			return fmt.Errorf("credit line drawn: %w", err)
		}
		if left := int64(line.Amount) - drawn; int64(amount) > left {
			return fault.Field("amount", "is above what is left of the credit line (%s)", money.Amount(left))
		}
		if term <= 0 {
			term = line.Term
		}
		l = Loan{ID: newID(), Kind: KindDraw, ClientID: clientID, ParentID: lineID, ProductVersionID: line.ProductVersionID, Consumer: line.Consumer,
			Secured: line.Secured, ClientKind: line.ClientKind, Amount: amount, Term: term, Unit: line.Unit, Method: line.Method,
			Purpose: line.Purpose, MonthlyIncome: line.MonthlyIncome, RulesVersion: line.RulesVersion, RightsVersion: line.RightsVersion,
			Payout: line.Payout, Status: Assessing, CreatedAt: tx.Now(), UpdatedAt: tx.Now()}
		l.Number = fmt.Sprintf("%s/%s", line.Number, l.ID[:4])
		if err := s.insert(ctx, tx, l, "loan.draw_requested", "a draw under the credit line"); err != nil {
			return err
		}
		if err := s.issueContract(ctx, tx, l, c); err != nil {
			return err
		}
		l, err = s.load(ctx, tx, l.ID)
		return err
	})
	return l, err
}
