package payout

import (
	"fmt"

	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/vault"
)

// R37: the beneficiary's IIN (or BIN), the destination IBAN, the card token and the cash
// desk's document number are personal data and are kept sealed with the MFO's keys, and so is
// a cash voucher's code, which is as good as the cash. Each
// sealed value is bound to its table, column and row, so a value copied into another order
// does not open.

// The sealed columns.
const (
	colBeneficiary    = "beneficiary_sealed"
	colIBAN           = "dest_iban_sealed"
	colCardToken      = "dest_card_token_sealed"
	colVoucher        = "voucher_code_sealed"
	colDocumentNumber = "document_number_sealed"
)

func orderAAD(orderID, column string) []byte {
	return vault.AAD("payout_order", column, orderID)
}

func cashAAD(orderID string) []byte {
	return vault.AAD("payout_cash_identification", colDocumentNumber, orderID)
}

// sealedOrder is what payout_order keeps of an order's personal data; iban and token are nil
// when the destination has none.
type sealedOrder struct {
	beneficiary, iban, token, voucher []byte
}

func (s *Service) sealOrder(o Order) (sealedOrder, error) {
	var out sealedOrder
	var err error
	if out.beneficiary, err = s.seal(o.BeneficiaryID, orderAAD(o.ID, colBeneficiary)); err != nil {
		return out, err
	}
	if !o.To.IBAN.IsZero() {
		if out.iban, err = s.seal(o.To.IBAN.String(), orderAAD(o.ID, colIBAN)); err != nil {
			return out, err
		}
	}
	if o.To.CardToken != "" {
		if out.token, err = s.seal(o.To.CardToken, orderAAD(o.ID, colCardToken)); err != nil {
			return out, err
		}
	}
	return out, nil
}

// openOrder fills o's personal data from its sealed row values.
func (s *Service) openOrder(o *Order, sealed sealedOrder) error {
	b, err := s.cfg.Vault.Open(sealed.beneficiary, orderAAD(o.ID, colBeneficiary))
	if err != nil {
		return fmt.Errorf("payout: order %s beneficiary: %w", o.ID, err)
	}
	o.BeneficiaryID = string(b)
	if sealed.iban != nil {
		b, err := s.cfg.Vault.Open(sealed.iban, orderAAD(o.ID, colIBAN))
		if err != nil {
			return fmt.Errorf("payout: order %s IBAN: %w", o.ID, err)
		}
		if o.To.IBAN, err = kz.ParseIBAN(string(b)); err != nil {
			return fmt.Errorf("payout: order %s holds a bad IBAN: %w", o.ID, err)
		}
	}
	if sealed.token != nil {
		b, err := s.cfg.Vault.Open(sealed.token, orderAAD(o.ID, colCardToken))
		if err != nil {
			return fmt.Errorf("payout: order %s card token: %w", o.ID, err)
		}
		o.To.CardToken = string(b)
	}
	if sealed.voucher != nil {
		b, err := s.cfg.Vault.Open(sealed.voucher, orderAAD(o.ID, colVoucher))
		if err != nil {
			return fmt.Errorf("payout: order %s voucher: %w", o.ID, err)
		}
		o.VoucherCode = string(b)
	}
	return nil
}

// sealVoucher seals a cash voucher's code for order id; nil for none.
func (s *Service) sealVoucher(id, code string) ([]byte, error) {
	if code == "" {
		return nil, nil
	}
	return s.seal(code, orderAAD(id, colVoucher))
}

func (s *Service) seal(value string, aad []byte) ([]byte, error) {
	b, err := s.cfg.Vault.Seal([]byte(value), aad)
	if err != nil {
		return nil, fmt.Errorf("payout: seal: %w", err)
	}
	return b, nil
}
