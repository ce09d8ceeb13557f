package loan

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/vault"
)

// PayoutKind is how the client gets the money (R8.6).
type PayoutKind string

// The ways to get the money.
const (
	PayoutNone      PayoutKind = ""
	PayoutAccount   PayoutKind = "account"   // the client's bank account (IBAN, R8.7)
	PayoutCard      PayoutKind = "card"      // the client's payment card (a gateway token, R8.7)
	PayoutTerminal  PayoutKind = "terminal"  // cash at a terminal, by a voucher code
	PayoutCashDesk  PayoutKind = "cash_desk" // cash at the MFO's cash desk (R9.5)
	PayoutMerchant  PayoutKind = "merchant"  // to a partner merchant for goods or services (R9.4)
	PayoutRefinance PayoutKind = "refinance" // to repay the client's own earlier loan here
)

// ParsePayoutKind reads a payout kind, naming the field on error.
func ParsePayoutKind(s string) (PayoutKind, error) {
	switch k := PayoutKind(s); k {
	case PayoutAccount, PayoutCard, PayoutTerminal, PayoutCashDesk, PayoutMerchant, PayoutRefinance:
		return k, nil
	}
	return "", fault.Field("payout_kind", "must be one of account, card, terminal, cash_desk, merchant, refinance")
}

// Kind is what a loan row is: a loan, or a draw under a credit line, or an increase of a
// paid-out loan's amount (each of the last two under its parent).
type Kind string

// The kinds.
const (
	KindLoan     Kind = "loan"
	KindDraw     Kind = "draw"
	KindIncrease Kind = "increase"
)

// Loan is a loan as stored (the IBAN opened).
type Loan struct {
	ID, Number, ClientID string
	Kind                 Kind
	// ParentID is the credit line a draw belongs to, or the loan an increase adds to; empty
	// for a loan.
	ParentID         string
	ProductVersionID string
	Consumer         bool
	Secured          bool
	// IsCreditLine: the loan is a credit line whose Amount is the limit, paid out by draws.
	IsCreditLine  bool
	ClientKind    client.Kind
	Amount        money.Amount
	Term          int
	Unit          schedule.Unit
	Method        schedule.Method
	Purpose       string
	MonthlyIncome money.Amount
	RulesVersion  string
	RightsVersion string
	Payout        Payout
	Status        Status
	StatusReason  string
	Template      string
	// ContractTerms is the JSON of what the contract states beyond this row (contractFacts).
	ContractTerms   string
	ContractDocRu   string
	ContractDocKk   string
	SignedLang      string
	SignedSHA256    []byte
	SignedAt        time.Time
	Cooling         bool
	CoolingReason   string
	MoneyNotBefore  time.Time
	ConsentDeadline time.Time
	ConsentedAt     time.Time
	GoodsReceivedAt time.Time
	PayoutOrderID   string
	DisbursedAt     time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// HasParent reports whether the row is a draw or an increase, paid where its parent is.
func (l Loan) HasParent() bool { return l.ParentID != "" }

// Payout is where the money goes.
type Payout struct {
	Kind PayoutKind
	// IBAN is the client's account (PayoutAccount).
	IBAN string
	// CardToken and CardMasked are the gateway's token and the masked number (PayoutCard);
	// the full card number is never kept.
	CardToken, CardMasked string
	MerchantID            string
	RefinancedLoanID      string
}

const loanColumns = `id, number, client_id, kind, COALESCE(parent_id, ''), product_version_id, consumer, secured, credit_line, client_kind,
	amount, term, unit, method, purpose, monthly_income, rules_version, rights_version,
	payout_kind, payout_iban_sealed, card_token, card_masked, merchant_id, COALESCE(refinanced_loan_id, ''),
	status, status_reason, template, contract_terms, contract_doc_ru, contract_doc_kk, signed_lang, signed_sha256, signed_at,
	cooling, cooling_reason, money_not_before, consent_deadline, consented_at, goods_received_at,
	payout_order_id, disbursed_at, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

// scanLoan reads one row of loanColumns, opening the sealed IBAN.
func scanLoan(row scanner, v *vault.Vault) (Loan, error) {
	var l Loan
	var consumer, secured, creditLine, cooling int
	var kind, unit, method, payoutKind, status string
	var iban []byte
	var signedAt, notBefore, deadline, consented, goods, disbursed sql.NullInt64
	var created, updated int64
	var rowKind string
	err := row.Scan(&l.ID, &l.Number, &l.ClientID, &rowKind, &l.ParentID, &l.ProductVersionID, &consumer, &secured, &creditLine, &kind,
		&l.Amount, &l.Term, &unit, &method, &l.Purpose, &l.MonthlyIncome, &l.RulesVersion, &l.RightsVersion,
		&payoutKind, &iban, &l.Payout.CardToken, &l.Payout.CardMasked, &l.Payout.MerchantID, &l.Payout.RefinancedLoanID,
		&status, &l.StatusReason, &l.Template, &l.ContractTerms, &l.ContractDocRu, &l.ContractDocKk, &l.SignedLang, &l.SignedSHA256, &signedAt,
		&cooling, &l.CoolingReason, &notBefore, &deadline, &consented, &goods,
		&l.PayoutOrderID, &disbursed, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Loan{}, errNotFound
	}
	if err != nil {
		return Loan{}, fmt.Errorf("read loan: %w", err)
	}
	l.Kind = Kind(rowKind)
	l.Consumer, l.Secured, l.IsCreditLine, l.Cooling = consumer == 1, secured == 1, creditLine == 1, cooling == 1
	l.ClientKind, l.Status, l.Payout.Kind = client.Kind(kind), Status(status), PayoutKind(payoutKind)
	if l.Unit, err = schedule.ParseUnit(unit); err != nil {
		return Loan{}, fmt.Errorf("loan %s unit: %w", l.ID, err)
	}
	if l.Method, err = schedule.ParseMethod(method); err != nil {
		return Loan{}, fmt.Errorf("loan %s method: %w", l.ID, err)
	}
	if len(iban) > 0 {
		plain, err := v.Open(iban, ibanAAD(l.ID))
		if err != nil {
			return Loan{}, fmt.Errorf("loan %s payout account: %w", l.ID, err)
		}
		l.Payout.IBAN = string(plain)
	}
	l.SignedAt, l.MoneyNotBefore, l.ConsentDeadline = instant(signedAt), instant(notBefore), instant(deadline)
	l.ConsentedAt, l.GoodsReceivedAt, l.DisbursedAt = instant(consented), instant(goods), instant(disbursed)
	l.CreatedAt, l.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return l, nil
}

func instant(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

func ibanAAD(loanID string) []byte { return vault.AAD("loan", "payout_iban", loanID) }

var errNotFound = fault.New(fault.ErrNotFound, "loan_not_found", "No such loan.")

// load reads loan id in tx.
func (s *Service) load(ctx context.Context, tx *store.Tx, id string) (Loan, error) {
	return scanLoan(tx.QueryRowContext(ctx, `SELECT `+loanColumns+` FROM loan WHERE id = $1`, id), s.vault)
}

// owned reads loan id and refuses it as not found unless it is clientID's.
func (s *Service) owned(ctx context.Context, tx *store.Tx, clientID, id string) (Loan, error) {
	l, err := s.load(ctx, tx, id)
	if err != nil {
		return Loan{}, err
	}
	if l.ClientID != clientID {
		return Loan{}, errNotFound
	}
	return l, nil
}

// ownedIn reads loan id, refused as not found unless it is clientID's, and the client,
// outside a transaction, and refuses the loan unless it is in status: a request that moves
// the loan relies on both only as far as its guarded writes re-check them.
func (s *Service) ownedIn(ctx context.Context, clientID, id string, status Status, act string) (Loan, client.Client, error) {
	var l Loan
	var c client.Client
	err := s.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if l, c, err = s.ownedWithClient(ctx, tx, clientID, id); err == nil && l.Status != status {
			err = errWrongStatus(l.Status, act)
		}
		return err
	})
	return l, c, err
}

// ownedWithClient reads loan id, refused as not found unless it is clientID's, and the client,
// in one round trip: the client's read does not wait for the loan's.
func (s *Service) ownedWithClient(ctx context.Context, tx *store.Tx, clientID, id string) (Loan, client.Client, error) {
	var l Loan
	var c client.Client
	err := tx.QueryBatch(ctx,
		store.Query{SQL: `SELECT ` + loanColumns + ` FROM loan WHERE id = $1`, Args: []any{id}, Row: func(one store.Row) (err error) {
			if l, err = scanLoan(one, s.vault); err == nil && l.ClientID != clientID {
				err = errNotFound
			}
			return err
		}},
		s.Clients.Lookup(clientID, &c))
	return l, c, err
}

// List returns the client's loans, newest first.
func (s *Service) List(ctx context.Context, clientID string) ([]Loan, error) {
	var out []Loan
	err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+loanColumns+` FROM loan WHERE client_id = $1 ORDER BY created_at DESC, id`, clientID)
		if err != nil {
			return fmt.Errorf("list loans: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			l, err := scanLoan(rows, s.vault)
			if err != nil {
				return err
			}
			out = append(out, l)
		}
		return rows.Err()
	})
	return out, err
}
