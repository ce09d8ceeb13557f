package loan

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// SignRequest is the client's signature of the contract (R9.1): a passed biometric check of
// this sitting, and the EDS over the exact bytes of the copy in Lang.
type SignRequest struct {
	Lang             string
	BiometricCheckID string
	// Signature is the CMS over the contract copy; an entrepreneur's business loan may be
	// signed with biometrics alone (R9.1), and then it is empty.
	Signature []byte
}

// needsEDS says whether signing l needs the client's EDS: always, except an individual
// entrepreneur's business-purpose loan (R9.1).
func needsEDS(l Loan) bool {
	return !(l.ClientKind == client.Entrepreneur && !l.Consumer)
}

// expectation is who must have signed for c.
func expectation(c client.Client) eds.SignerExpectation {
	e := eds.SignerExpectation{IIN: c.IIN.String()}
	if c.Kind == client.LegalEntity {
		e.BIN = c.BIN.String()
	}
	return e
}

// Sign concludes the contract (R9.1). The signature is checked against the copy the client
// was shown (its bytes re-verified, R11) before anything is written; then, in one
// transaction, the biometric check is spent, the signature and its revocation evidence are
// kept (R34), and the cooling-off of R9-1 is decided with the same-day total as it stands in
// that transaction: the loan waits, or waits for the goods, or goes to the payout.
func (s *Service) Sign(ctx context.Context, clientID, id string, r SignRequest) (Loan, error) {
	var l, signed Loan
	var c client.Client
	var shown Document
	err := s.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if l, c, err = s.ownedWithClient(ctx, tx, clientID, id); err != nil {
			return err
		}
		if l.Status != Offered {
			return errWrongStatus(l.Status, "be signed")
		}
		shown, err = s.contractCopy(ctx, tx, l, r.Lang)
		return err
	})
	if err != nil {
		return Loan{}, s.alertTampered(ctx, err)
	}
	// The transaction below relies on the loan as read above: what signing reads of it does
	// not change once offered, and the final move re-checks that it is still offered with
	// the contract and the copy that were shown.
	var ev eds.Evidence
	switch {
	case len(r.Signature) > 0:
		if ev, err = s.verify(ctx, r.Signature, shown.Content, expectation(c)); err != nil {
			return Loan{}, s.refused(ctx, "loan.signing_refused", id, err)
		}
	case needsEDS(l):
		return Loan{}, fault.Field("signature", "is required: sign the contract with your EDS (R9.1)")
	}
	err = s.exclusive(ctx, clientID, func(ctx context.Context, tx *store.Tx) error {
		if err := s.Biometrics.Spend(ctx, tx, r.BiometricCheckID, c.IIN, s.cfg.BiometricMaxAge, "loan_signing", id); err != nil {
			return err
		}
		if len(r.Signature) > 0 {
			if err := s.keepSignature(ctx, tx, id, DocContractSignature, r.Signature, ev); err != nil {
				return err
			}
		}
		var err error
		signed, err = s.conclude(ctx, tx, l, c, r.Lang, shown, r.BiometricCheckID)
		return err
	})
	if errors.Is(err, errMoved) {
		// Signed, cancelled or re-issued meanwhile: say what it is now.
		_ = s.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
			if cur, rerr := s.load(ctx, tx, id); rerr == nil {
				err = errWrongStatus(cur.Status, "be signed")
			}
			return nil
		})
	}
	if err != nil {
		return Loan{}, s.refused(ctx, "loan.signing_refused", id, err)
	}
	s.wakePayouts()
	return signed, nil
}

// keepSignature keeps a CMS signature as received and its revocation evidence (R34).
func (s *Service) keepSignature(ctx context.Context, tx *store.Tx, loanID, kind string, sig []byte, ev eds.Evidence) error {
	docs := []newDocument{{kind, Received, "application/pkcs7-signature", sig}}
	typ, body := "application/ocsp-response", ev.Revocation.Response
	switch {
	case len(ev.BackendResponse) > 0:
		typ, body = "application/json", ev.BackendResponse
	case ev.Revocation.Source == eds.SourceCRL:
		typ = "application/pkix-crl"
	}
	if len(body) > 0 {
		docs = append(docs, newDocument{DocSignatureRevocation, Received, typ, body})
	}
	_, err := s.addDocuments(ctx, tx, loanID, docs...)
	return err
}

// conclude records the signing of l and decides where it goes next (R9-1).
func (s *Service) conclude(ctx context.Context, tx *store.Tx, l Loan, c client.Client, lang string, shown Document, checkID string) (Loan, error) {
	signed := shown.SHA256
	now := tx.Now()
	day := today(tx).String()
	others, err := sameDayTotal(ctx, tx, l.ClientID, day, l.ID)
	if err != nil {
		return Loan{}, fmt.Errorf("same-day total: %w", err)
	}
	pay, err := s.payoutOf(ctx, tx, l)
	if err != nil {
		return Loan{}, err
	}
	cooling, why := s.cfg.Cooling.Applies(CoolingCase{Consumer: l.Consumer, Secured: l.Secured, ClientKind: l.ClientKind,
		Amount: l.Amount, SameDay: others, Payout: pay.Kind, Year: today(tx).Year()})
	next := Disbursing
	switch {
	case l.IsCreditLine:
		next = LineOpen
		cooling, why = false, "credit_line_limit"
	case cooling:
		next = Cooling
	case pay.Kind == PayoutMerchant:
		next = AwaitingGoods
	case pay.Kind == PayoutRefinance:
		next = Disbursed
	}
	set := "signed_lang = $3, signed_sha256 = $4, signed_at = $5, signing_day = $6, cooling = $7, cooling_reason = $8"
	args := []any{lang, signed, now.UnixMicro(), day, boolInt(cooling), why}
	change := map[string]any{"lang": lang, "signed_sha256": hex.EncodeToString(signed), "biometric_check_id": checkID,
		"cooling": cooling, "cooling_reason": why, "same_day_others": int64(others), "status": string(next)}
	if cooling {
		l.MoneyNotBefore = now.Add(s.cfg.Cooling.Period)
		l.ConsentDeadline = l.MoneyNotBefore.Add(s.cfg.Cooling.ConsentWindow)
		set += ", money_not_before = $9, consent_deadline = $10"
		args = append(args, l.MoneyNotBefore.UnixMicro(), l.ConsentDeadline.UnixMicro())
		change["money_not_before"], change["consent_deadline"] = l.MoneyNotBefore, l.ConsentDeadline
	}
	if err := s.Trail.Record(ctx, tx, audit.Event{Action: "loan.signed", ObjectType: "loan", ObjectID: l.ID,
		Reason: "the client signed the contract with biometrics and EDS (R9.1)", Change: change}); err != nil {
		return Loan{}, err
	}
	switch next {
	case Disbursed:
		set += fmt.Sprintf(", disbursed_at = $%d", len(args)+3)
		args = append(args, now.UnixMicro())
	case Disbursing:
		// The copy was verified against the signature in this request.
		signedLoan := l
		signedLoan.SignedLang, signedLoan.SignedSHA256 = lang, signed
		if l.PayoutOrderID, err = s.disburse(ctx, tx, signedLoan, c, "", true); err != nil {
			return Loan{}, err
		}
		set += fmt.Sprintf(", payout_order_id = $%d", len(args)+3)
		args = append(args, l.PayoutOrderID)
	}
	// Still offered with the contract and the copy shown: nothing was re-issued meanwhile.
	n := len(args)
	where := fmt.Sprintf("contract_terms = $%d AND contract_doc_%s = $%d", n+3, lang, n+4) // lang is ru or kk, checked when the copy was opened
	args = append(args, l.ContractTerms, shown.ID)
	if err := moveIf(ctx, tx, l.ID, Offered, next, set, where, args...); err != nil {
		return Loan{}, err
	}
	l.Status, l.SignedLang, l.SignedSHA256, l.SignedAt, l.Cooling, l.CoolingReason = next, lang, signed, now, cooling, why
	switch next {
	case Disbursed:
		l.DisbursedAt = now
		return l, s.Trail.Record(ctx, tx, audit.Event{Action: "loan.refinanced", ObjectType: "loan", ObjectID: l.ID,
			Reason: "paid to the client's own earlier loan here (R9-1.4)", Change: map[string]any{"refinanced_loan_id": l.Payout.RefinancedLoanID, "amount": int64(l.Amount)}})
	}
	return l, nil
}

// verify checks sig over doc, signed by who is expected. A verifier that cannot answer is
// ErrUnavailable; every other failure is ErrForbidden (fail closed).
func (s *Service) verify(ctx context.Context, sig, doc []byte, want eds.SignerExpectation) (eds.Evidence, error) {
	ev, err := s.Signatures.Verify(ctx, eds.VerifyRequest{Signature: sig, Document: doc, Expect: want})
	if err == nil {
		return ev, nil
	}
	if errors.Is(err, eds.ErrVerifierUnavailable) {
		return ev, fault.Wrap(fault.ErrUnavailable, "eds_verifier_unavailable", "The signature cannot be checked right now; try again later.", err)
	}
	return ev, fault.Wrap(fault.ErrForbidden, "eds_refused", "The EDS signature was refused: "+err.Error(), err)
}
