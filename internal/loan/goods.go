package loan

import (
	"context"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/store"
)

// ConfirmGoods records the client's confirmation that the goods or services paid by the loan
// were received, with biometrics (R9.4), and orders the payment to the merchant: the
// exception of R9-1.4 lets it go without the cooling-off.
func (s *Service) ConfirmGoods(ctx context.Context, clientID, id, biometricCheckID string) (Loan, error) {
	var l Loan
	err := s.exclusive(ctx, clientID, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if l, err = s.owned(ctx, tx, clientID, id); err != nil {
			return err
		}
		if l.Status != AwaitingGoods {
			return errWrongStatus(l.Status, "confirm the goods")
		}
		c, err := s.Clients.Find(ctx, tx, clientID)
		if err != nil {
			return err
		}
		if err := s.Biometrics.Spend(ctx, tx, biometricCheckID, c.IIN, s.cfg.BiometricMaxAge, "loan_goods_received", id); err != nil {
			return err
		}
		statement := []byte("Товар (услуга) по договору " + l.Number + " получен(а). / " + l.Number + " шарты бойынша тауар (қызмет) алынды.\n")
		if _, err := s.addDocument(ctx, tx, id, DocGoodsReceived, Received, "text/plain; charset=utf-8", statement); err != nil {
			return err
		}
		order, err := s.disburse(ctx, tx, l, c, biometricCheckID, false)
		if err != nil {
			return err
		}
		if err := move(ctx, tx, id, AwaitingGoods, Disbursing, "goods_received_at = $3, payout_order_id = $4", tx.Now().UnixMicro(), order); err != nil {
			return err
		}
		if err := s.Trail.Record(ctx, tx, audit.Event{Action: "loan.goods_received", ObjectType: "loan", ObjectID: id,
			Reason: "the client confirmed the goods with biometrics (R9-1.4, R9.4)", Change: map[string]any{"biometric_check_id": biometricCheckID}}); err != nil {
			return err
		}
		l.Status, l.GoodsReceivedAt, l.PayoutOrderID = Disbursing, tx.Now(), order
		return nil
	})
	if err != nil {
		return Loan{}, s.refused(ctx, "loan.goods_refused", id, err)
	}
	s.wakePayouts()
	return l, nil
}
