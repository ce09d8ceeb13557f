package loan

import (
	"context"
	"encoding/hex"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/contract"
	"nesie.kz/nesie/internal/org"
	"nesie.kz/nesie/internal/product"
	"nesie.kz/nesie/internal/store"
)

// pdfType is the content type of the contract copies.
const pdfType = "application/pdf"

// issueContract renders l's contract in Russian and Kazakh from the current template, keeps
// both copies as sent documents with their hashes, and offers it for signing (R8.1-1, R7.3).
// Rendering is deterministic, so a retried transaction writes the same bytes.
func (s *Service) issueContract(ctx context.Context, tx *store.Tx, l Loan) error {
	terms, err := s.contractTerms(ctx, tx, l)
	if err != nil {
		return err
	}
	ru, kk, err := contract.RenderBoth(terms)
	if err != nil {
		return fmt.Errorf("render contract of %s: %w", l.ID, err)
	}
	dru, err := s.addDocument(ctx, tx, l.ID, DocContractRu, Sent, pdfType, ru.Bytes)
	if err != nil {
		return err
	}
	dkk, err := s.addDocument(ctx, tx, l.ID, DocContractKk, Sent, pdfType, kk.Bytes)
	if err != nil {
		return err
	}
	if err := move(ctx, tx, l.ID, l.Status, Offered, "template = $3, contract_doc_ru = $4, contract_doc_kk = $5, status_reason = ''",
		ru.Template, dru.ID, dkk.ID); err != nil {
		return err
	}
	return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.contract_issued", ObjectType: "loan", ObjectID: l.ID,
		Reason: "approved: the contract is offered for signing", Change: map[string]any{"template": ru.Template,
			"contract_ru_sha256": hex.EncodeToString(dru.SHA256), "contract_kk_sha256": hex.EncodeToString(dkk.SHA256)}})
}

// contractTerms gathers what the contract states about l.
func (s *Service) contractTerms(ctx context.Context, tx *store.Tx, l Loan) (contract.Terms, error) {
	v, err := s.Products.Version(ctx, tx, l.ProductVersionID)
	if err != nil {
		return contract.Terms{}, err
	}
	c, err := s.Clients.Find(ctx, tx, l.ClientID)
	if err != nil {
		return contract.Terms{}, err
	}
	mfo, err := org.Find(ctx, tx)
	if err != nil {
		return contract.Terms{}, fmt.Errorf("contract: the MFO's details: %w", err)
	}
	on := today(tx)
	o, err := offerOf(v, l.Amount, l.Term, l.Method, on)
	if err != nil {
		return contract.Terms{}, err
	}
	cooling, err := s.coolingPreview(ctx, tx, l, on.String())
	if err != nil {
		return contract.Terms{}, err
	}
	b := contract.Borrower{FullName: c.FullName, IIN: c.IIN.String(), Phone: c.Phone, Kind: string(c.Kind),
		IDDocument: c.IDDocument.Number}
	if c.Kind == client.LegalEntity {
		b.BIN = c.BIN.String()
	}
	return contract.Terms{
		Number: l.Number, Date: on,
		MFO: contract.Party{Name: mfo.Name, BIN: mfo.BIN.String(), LegalAddress: mfo.LegalAddress, Phones: mfo.Phones,
			Email: mfo.Email, HeadName: mfo.HeadName},
		Borrower:      b,
		ProductNameRu: v.Spec.NameRu, ProductNameKk: v.Spec.NameKk, Consumer: v.Spec.Kind == product.Consumer,
		Secured: v.Spec.Secured, Purpose: l.Purpose,
		Amount: l.Amount, Term: l.Term, Unit: l.Unit, AnnualRate: v.Spec.AnnualRate,
		GESV: o.GESV, Overpayment: o.Overpayment, PenaltyDaily: v.Spec.PenaltyDaily,
		Method: l.Method, Schedule: o.Schedule, Payout: payoutWording(l.Payout), CoolingOff: cooling,
	}, nil
}

// coolingPreview says whether the cooling-off would apply if l were signed on day: the
// contract states it. Signing decides for good with the same rule.
func (s *Service) coolingPreview(ctx context.Context, tx *store.Tx, l Loan, day string) (bool, error) {
	others, err := sameDayTotal(ctx, tx, l.ClientID, day, l.ID)
	if err != nil {
		return false, fmt.Errorf("same-day total: %w", err)
	}
	applies, _ := s.cfg.Cooling.Applies(CoolingCase{Consumer: l.Consumer, Secured: l.Secured, ClientKind: l.ClientKind,
		Amount: l.Amount, SameDay: others, Payout: l.Payout.Kind, Year: today(tx).Year()})
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
