package loan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/contract"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/org"
	"nesie.kz/nesie/internal/product"
	"nesie.kz/nesie/internal/store"
)

// pdfType is the content type of the contract copies.
const pdfType = "application/pdf"

// contractFacts is what a contract states that is neither in the loan's row nor in its
// product version: the date it was issued on, the template, the parties as they were then
// (a client's phone may change later, the contract does not), and whether the cooling-off
// paragraph applies. Kept as JSON on the loan, it makes every language copy renderable, the
// same bytes each time.
type contractFacts struct {
	Date       string            `json:"date"`
	Template   string            `json:"template"`
	MFO        contract.Party    `json:"mfo"`
	Borrower   contract.Borrower `json:"borrower"`
	CoolingOff bool              `json:"cooling_off"`
}

// issueContract fixes l's contract — the facts above with the current template — and offers
// it for signing (R8.1-1, R7.3). Each language copy is rendered and kept as a sent document
// when the client first opens it (Contract), so what is kept is what was sent, when it was.
func (s *Service) issueContract(ctx context.Context, tx *store.Tx, l Loan, c client.Client) error {
	facts, err := s.factsOf(ctx, tx, l, c)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(facts)
	if err != nil {
		return fmt.Errorf("contract facts: %w", err)
	}
	if err := move(ctx, tx, l.ID, l.Status, Offered, "template = $3, contract_terms = $4, status_reason = ''", facts.Template, string(raw)); err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.contract_issued", ObjectType: "loan", ObjectID: l.ID,
		Reason: "approved: the contract is offered for signing", Change: map[string]any{"template": facts.Template,
			"terms_sha256": hex.EncodeToString(sum[:])}})
}

// factsOf gathers the contract facts of l of client c as of tx.
func (s *Service) factsOf(ctx context.Context, tx *store.Tx, l Loan, c client.Client) (contractFacts, error) {
	// The MFO's details and the client's same-day total, in one round trip.
	var mfo org.Organization
	var others money.Amount
	if err := tx.QueryBatch(ctx, org.Lookup(&mfo), sameDayTotalQuery(l.ClientID, today(tx).String(), l.ID, &others)); err != nil {
		return contractFacts{}, fmt.Errorf("contract: the MFO's details and the same-day total: %w", err)
	}
	cooling, err := s.coolingPreview(ctx, tx, l, others)
	if err != nil {
		return contractFacts{}, err
	}
	b := contract.Borrower{FullName: c.FullName, IIN: c.IIN.String(), Phone: c.Phone, Kind: string(c.Kind), IDDocument: c.IDDocument.Number}
	if c.Kind == client.LegalEntity {
		b.BIN = c.BIN.String()
	}
	return contractFacts{Date: today(tx).String(), Template: contract.CurrentTemplate(), Borrower: b, CoolingOff: cooling,
		MFO: contract.Party{Name: mfo.Name, BIN: mfo.BIN.String(), LegalAddress: mfo.LegalAddress, Phones: mfo.Phones,
			Email: mfo.Email, HeadName: mfo.HeadName}}, nil
}

// render makes the copy of l's contract in lang from its facts.
func (s *Service) render(ctx context.Context, tx *store.Tx, l Loan, lang contract.Lang) (contract.Document, error) {
	var facts contractFacts
	if err := json.Unmarshal([]byte(l.ContractTerms), &facts); err != nil {
		return contract.Document{}, fmt.Errorf("loan %s contract facts: %w", l.ID, err)
	}
	on, err := date.Parse(facts.Date)
	if err != nil {
		return contract.Document{}, fmt.Errorf("loan %s contract date: %w", l.ID, err)
	}
	v, err := s.Products.Terms(ctx, tx, l.ProductVersionID)
	if err != nil {
		return contract.Document{}, err
	}
	o, err := offerOf(v, l.Amount, l.Term, l.Method, on)
	if err != nil {
		return contract.Document{}, err
	}
	pay, err := s.payoutOf(ctx, tx, l)
	if err != nil {
		return contract.Document{}, err
	}
	terms := contract.Terms{
		Number: l.Number, Date: on, TemplateVersion: facts.Template, MFO: facts.MFO, Borrower: facts.Borrower,
		ProductNameRu: v.Spec.NameRu, ProductNameKk: v.Spec.NameKk, Consumer: v.Spec.Kind == product.Consumer,
		Secured: v.Spec.Secured, Purpose: l.Purpose,
		Amount: l.Amount, Term: l.Term, Unit: l.Unit, AnnualRate: v.Spec.AnnualRate,
		GESV: o.GESV, Overpayment: o.Overpayment, PenaltyDaily: v.Spec.PenaltyDaily,
		Method: l.Method, Schedule: o.Schedule, Payout: payoutWording(pay), CoolingOff: facts.CoolingOff,
	}
	d, err := contract.Render(terms, lang)
	if err != nil {
		return contract.Document{}, fmt.Errorf("render contract of %s: %w", l.ID, err)
	}
	return d, nil
}

// coolingPreview says whether the cooling-off would apply if l were signed today, with others
// the client's other loans signed today: the contract states it. Signing decides for good
// with the same rule.
func (s *Service) coolingPreview(ctx context.Context, tx *store.Tx, l Loan, others money.Amount) (bool, error) {
	pay, err := s.payoutOf(ctx, tx, l)
	if err != nil {
		return false, err
	}
	applies, _ := s.cfg.Cooling.Applies(CoolingCase{Consumer: l.Consumer, Secured: l.Secured, ClientKind: l.ClientKind,
		Amount: l.Amount, SameDay: others, Payout: pay.Kind, Year: today(tx).Year()})
	return applies, nil
}

// payoutWording is how the contract names the way the money goes, in Russian with the
// Kazakh after a slash; account and card numbers only by their last digits.
func payoutWording(p Payout) string {
	last4 := func(s string) string {
		if len(s) < 4 {
			return s
		}
		return s[len(s)-4:]
	}
	switch p.Kind {
	case PayoutAccount:
		return "перевод на банковский счёт заёмщика …" + last4(p.IBAN) + " / қарыз алушының банктік шотына аудару …" + last4(p.IBAN)
	case PayoutCard:
		return "перевод на платёжную карточку заёмщика " + p.CardMasked + " / қарыз алушының төлем картасына аудару " + p.CardMasked
	case PayoutTerminal:
		return "наличными через терминал по коду выдачи / төлем коды бойынша терминал арқылы қолма-қол"
	case PayoutCashDesk:
		return "наличными в кассе МФО / МҚҰ кассасында қолма-қол"
	case PayoutMerchant:
		return "перевод партнёру МФО в оплату товара (услуги) / тауар (қызмет) ақысы ретінде МҚҰ серіктесіне аудару"
	case PayoutRefinance:
		return "погашение ранее полученного в МФО микрокредита / МҚҰ-дан бұрын алынған микрокредитті өтеу"
	}
	return ""
}
