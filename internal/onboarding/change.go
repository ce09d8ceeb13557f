package onboarding

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/notify"
	"nesie.kz/nesie/internal/store"
)

// BeginPhoneChange starts the change of an active client's mobile number to phone (R6.6):
// a biometric session for the client and the change statement to sign.
func (s *Service) BeginPhoneChange(ctx context.Context, clientID, phone string) (Started, error) {
	return s.beginChange(ctx, purposePhoneChange, clientID, phone)
}

// BeginBankAccountChange starts the change of an active client's bank account to iban (R6.6).
func (s *Service) BeginBankAccountChange(ctx context.Context, clientID, iban string) (Started, error) {
	return s.beginChange(ctx, purposeBankAccountChange, clientID, iban)
}

// changeValue normalises the new value as the client package will store it, so that the
// statement names exactly what changes.
func changeValue(p purpose, value string) (string, error) {
	if p == purposeBankAccountChange {
		acc, err := kz.ParseIBAN(value)
		if err != nil {
			return "", fault.Field("bank_account", "%v", err)
		}
		return acc.String(), nil
	}
	return client.NormalisePhone("phone", value)
}

// findClient loads the client a flow is for.
func (s *Service) findClient(ctx context.Context, clientID string) (client.Client, error) {
	if clientID == "" {
		return client.Client{}, fault.Field("client_id", "is required")
	}
	var c client.Client
	err := s.cfg.DB.Read(ctx, func(ctx context.Context, tx *store.Tx) (err error) {
		c, err = s.cfg.Clients.Find(ctx, tx, clientID)
		return err
	})
	return c, err
}

// changeTarget loads the client a change is for and refuses early what client.Change* would
// refuse at the end: no client, not active, a leak pending fresh checks (R36).
func (s *Service) changeTarget(ctx context.Context, clientID string) (client.Client, error) {
	c, err := s.findClient(ctx, clientID)
	if err != nil {
		return client.Client{}, err
	}
	if c.Status != client.Active {
		return client.Client{}, fault.New(fault.ErrConflict, "client_not_active", "Only an active client can change their details.")
	}
	if client.RequiresFreshVerification(c) {
		return client.Client{}, fault.New(fault.ErrForbidden, "fresh_verification_required",
			"Your personal data may have leaked: confirm your identity with biometrics and your phone number first.")
	}
	return c, nil
}

func (s *Service) beginChange(ctx context.Context, p purpose, clientID, value string) (Started, error) {
	id := newID()
	out, err := func() (Started, error) {
		v, err := changeValue(p, value)
		if err != nil {
			return Started{}, err
		}
		c, err := s.changeTarget(ctx, clientID)
		if err != nil {
			return Started{}, err
		}
		sess, err := s.cfg.Biometrics.Start(ctx, c.IIN)
		if err != nil {
			return Started{}, err
		}
		return s.startFlow(ctx, flow{ID: id, Purpose: p, ClientID: c.ID, BiometricSessionID: sess.ID}, sess,
			func(f flow) ([]byte, error) { return changeStatement(f.ID, sess.ID, f.CreatedAt, p, c, v) })
	}()
	if err != nil {
		return Started{}, s.refused(ctx, "onboarding.change_refused", id, err)
	}
	return out, nil
}

// ChangeRequest completes a phone or bank-account change.
type ChangeRequest struct {
	// ClientID is the signed-in client completing the change: a flow of any other client is
	// answered as unknown, so nobody can finish (or spend the attempts of) another's change.
	ClientID string
	// Kind is the change the caller means; a flow of the other kind is answered as unknown.
	Kind               ChangeKind
	ChangeID           string
	BiometricSessionID string
	// Value is the new phone or IBAN given to the Begin call, again.
	Value string
	// Signature is the CMS over Started.Statement made with the client's EDS. Required:
	// a change without EDS is refused (R6.6).
	Signature []byte
}

// ChangeKind is which sensitive detail a change flow changes.
type ChangeKind string

// The kinds of change.
const (
	PhoneChange       = ChangeKind(purposePhoneChange)
	BankAccountChange = ChangeKind(purposeBankAccountChange)
)

// CompleteChange finishes a phone or bank-account change: the biometric check must pass for
// the client, the EDS must verify over the exact change statement, and then one transaction
// stores the statement and signature, sends the phone-change notice to the old number
// (R25.9), makes the change and audits it.
func (s *Service) CompleteChange(ctx context.Context, req ChangeRequest) (client.Client, error) {
	c, err := s.completeChange(ctx, req)
	if err != nil {
		return client.Client{}, s.refused(ctx, "onboarding.change_refused", req.ChangeID, err)
	}
	return c, nil
}

func (s *Service) completeChange(ctx context.Context, req ChangeRequest) (client.Client, error) {
	if req.ChangeID == "" {
		return client.Client{}, fault.Field("change_id", "is required")
	}
	var p purpose
	var flowClient string
	err := s.cfg.DB.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		f, err := loadFlow(ctx, tx, req.ChangeID)
		p, flowClient = f.Purpose, f.ClientID
		return err
	})
	if err != nil {
		return client.Client{}, err
	}
	if p != purpose(req.Kind) || (p != purposePhoneChange && p != purposeBankAccountChange) || flowClient != req.ClientID || req.ClientID == "" {
		return client.Client{}, errFlowNotFound
	}
	f, err := s.openFlow(ctx, req.ChangeID, p, req.BiometricSessionID)
	if err != nil {
		return client.Client{}, err
	}
	v, err := changeValue(p, req.Value)
	if err != nil {
		return client.Client{}, err
	}
	c, err := s.changeTarget(ctx, f.ClientID)
	if err != nil {
		return client.Client{}, err
	}
	statement, err := changeStatement(f.ID, f.BiometricSessionID, f.CreatedAt, p, c, v)
	if err != nil {
		return client.Client{}, err
	}
	if err := matchStatement(f, statement); err != nil {
		return client.Client{}, err
	}
	if len(req.Signature) == 0 {
		// Before the biometric result is fetched: a change without EDS is refused whatever
		// else passed (R6.6).
		return client.Client{}, fault.New(fault.ErrForbidden, "eds_required",
			"Changing the phone number or bank account needs your EDS signature.")
	}
	check, err := s.passedCheck(ctx, f.BiometricSessionID, c.IIN)
	if err != nil {
		return client.Client{}, err
	}
	want := eds.SignerExpectation{IIN: c.IIN.String()}
	if c.Kind == client.LegalEntity {
		want.BIN = c.BIN.String()
	}
	ev, err := s.verifySignature(ctx, req.Signature, statement, want)
	if err != nil {
		return client.Client{}, err
	}
	statementKind := PhoneChangeStatement
	if p == purposeBankAccountChange {
		statementKind = BankAccountChangeStatement
	}
	var out client.Client
	err = s.cfg.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		if err := closeFlow(ctx, tx, f.ID, c.ID); err != nil {
			return err
		}
		docs, err := s.storeSigned(ctx, tx, c.ID, statementKind, ChangeStatementSignature, statement, req.Signature, ev)
		if err != nil {
			return err
		}
		proof := client.SensitiveChangeProof{BiometricCheckID: check.ID, SignatureEvidenceID: docs.Signature}
		if p == purposePhoneChange {
			// The notice is enqueued while the old number is still the registered one: it
			// goes to the number an intruder who changed it does not hold.
			if err := s.cfg.Security.SecurityEvent(ctx, tx, c.ID, notify.KindPhoneChanged); err != nil {
				return err
			}
			out, err = s.cfg.Clients.ChangePhone(ctx, tx, c.ID, v, proof)
		} else {
			out, err = s.cfg.Clients.ChangeBankAccount(ctx, tx, c.ID, v, proof)
		}
		if err != nil {
			return err
		}
		return s.cfg.Trail.Record(ctx, tx, audit.Event{Action: "onboarding.change_completed", ObjectType: "onboarding_flow", ObjectID: f.ID,
			Change: map[string]any{"client_id": c.ID, "purpose": p, "biometric_check_id": check.ID,
				"statement_document_id": docs.Statement, "signature_document_id": docs.Signature,
				"revocation_document_id": docs.Revocation, "eds_backend": ev.Backend}})
	})
	if err != nil {
		return client.Client{}, fmt.Errorf("change: %w", err)
	}
	return out, nil
}
