package client

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
)

// SensitiveChangeProof is what the lead's flow fills in after the client passed biometric
// identification and signed the change with their EDS in the same flow (R6.6): the ids of the
// biometric check and of the verified signature.
type SensitiveChangeProof struct {
	BiometricCheckID    string
	SignatureEvidenceID string
}

// check refuses a proof without both parts.
func (p SensitiveChangeProof) check() error {
	if p.BiometricCheckID == "" || p.SignatureEvidenceID == "" {
		return fault.New(fault.ErrForbidden, "biometrics_and_eds_required",
			"Changing the phone number or bank account needs biometric identification and your EDS.")
	}
	return nil
}

// sensitiveTarget loads the client a sensitive change is for and refuses it unless the client
// is active, the proof is whole, and no leak is pending fresh checks (R36).
func (s *Service) sensitiveTarget(ctx context.Context, tx *store.Tx, clientID string, proof SensitiveChangeProof) (Client, error) {
	if err := proof.check(); err != nil {
		return Client{}, err
	}
	c, err := s.Find(ctx, tx, clientID)
	if err != nil {
		return Client{}, err
	}
	if c.Status != Active {
		return Client{}, fault.New(fault.ErrConflict, "client_not_active", "Only an active client can change their details.")
	}
	if RequiresFreshVerification(c) {
		return Client{}, errFreshVerification
	}
	return c, nil
}

// ChangePhone sets the client's mobile number (R6.6).
func (s *Service) ChangePhone(ctx context.Context, tx *store.Tx, clientID, phone string, proof SensitiveChangeProof) (Client, error) {
	p, why := normalisePhone(phone)
	if why != "" {
		return Client{}, fault.Field("phone", "%s", why)
	}
	c, err := s.sensitiveTarget(ctx, tx, clientID, proof)
	if err != nil {
		return Client{}, err
	}
	if p == c.Phone {
		return Client{}, fault.Field("phone", "is the number already registered")
	}
	var taken int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM client WHERE phone_index = $1 AND status <> 'rejected'`,
		s.vault.Index(indexPhone, p)).Scan(&taken); err != nil {
		return Client{}, fmt.Errorf("look for phone: %w", err)
	}
	if taken > 0 {
		return Client{}, fault.New(fault.ErrConflict, "phone_taken", "This phone number belongs to another client.")
	}
	enc, err := s.seal(clientID, "phone", p)
	if err != nil {
		return Client{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE client SET phone_index = $1, phone_enc = $2 WHERE id = $3`,
		s.vault.Index(indexPhone, p), enc, clientID); err != nil {
		if store.IsUniqueViolation(err) {
			return Client{}, fault.New(fault.ErrConflict, "phone_taken", "This phone number belongs to another client.")
		}
		return Client{}, fmt.Errorf("change phone: %w", err)
	}
	if err := s.trail.Record(ctx, tx, audit.Event{Action: "client.phone_changed", ObjectType: "client", ObjectID: clientID,
		Change: map[string]any{"phone": map[string]string{"from": maskPhone(c.Phone), "to": maskPhone(p)},
			"biometric_check_id": proof.BiometricCheckID, "signature_evidence_id": proof.SignatureEvidenceID}}); err != nil {
		return Client{}, err
	}
	return s.Find(ctx, tx, clientID)
}

// ChangeBankAccount sets the account the client receives money on (R6.6).
func (s *Service) ChangeBankAccount(ctx context.Context, tx *store.Tx, clientID, iban string, proof SensitiveChangeProof) (Client, error) {
	acc, err := kz.ParseIBAN(iban)
	if err != nil {
		return Client{}, fault.Field("bank_account", "%v", err)
	}
	c, err := s.sensitiveTarget(ctx, tx, clientID, proof)
	if err != nil {
		return Client{}, err
	}
	enc, err := s.seal(clientID, "bank_account", acc.String())
	if err != nil {
		return Client{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE client SET bank_account_enc = $1 WHERE id = $2`, enc, clientID); err != nil {
		return Client{}, fmt.Errorf("change bank account: %w", err)
	}
	if err := s.trail.Record(ctx, tx, audit.Event{Action: "client.bank_account_changed", ObjectType: "client", ObjectID: clientID,
		Change: map[string]any{"bank_account": map[string]string{"from": c.BankAccount.Masked(), "to": acc.Masked()},
			"biometric_check_id": proof.BiometricCheckID, "signature_evidence_id": proof.SignatureEvidenceID}}); err != nil {
		return Client{}, err
	}
	return s.Find(ctx, tx, clientID)
}
