package loan

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/store"
)

// CashVoucher is what the client shows at a terminal to take the loan's money in cash (R8.6).
type CashVoucher struct {
	Code   string
	Amount money.Amount
}

var errNoVoucher = fault.New(fault.ErrConflict, "no_cash_voucher", "This loan's money is not paid out by a cash voucher.")

// Voucher is the cash voucher the bank issued for a loan paid out to a terminal. Only the
// loan's client sees it, once the money has left; each showing is audited, for the code is as
// good as the cash.
func (s *Service) Voucher(ctx context.Context, clientID, id string) (CashVoucher, error) {
	var l Loan
	if err := s.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		l, err = s.owned(ctx, tx, clientID, id)
		return err
	}); err != nil {
		return CashVoucher{}, err
	}
	if l.Payout.Kind != PayoutTerminal {
		return CashVoucher{}, errNoVoucher
	}
	if l.Status != Disbursed {
		return CashVoucher{}, errWrongStatus(l.Status, "show a cash voucher yet")
	}
	if s.payouts == nil {
		return CashVoucher{}, fmt.Errorf("loan: payouts not attached")
	}
	o, err := s.payouts.Find(ctx, nil, l.PayoutOrderID)
	if err != nil {
		return CashVoucher{}, err
	}
	if o.VoucherCode == "" {
		return CashVoucher{}, errNoVoucher
	}
	if err := s.Trail.Append(ctx, audit.Event{Action: "loan.cash_voucher_shown", ObjectType: "loan", ObjectID: id,
		Reason: "the client asked for the code of the cash voucher", Change: map[string]any{"payout_order_id": o.ID}}); err != nil {
		return CashVoucher{}, err
	}
	return CashVoucher{Code: o.VoucherCode, Amount: o.Amount}, nil
}
