package client

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// Register validates app and writes the client, pending verification, with its documents,
// in the caller's transaction tx. The lead's flow runs biometrics and EDS around it and then
// calls Activate or Reject in the same transaction — or abandons the transaction, leaving
// nothing behind. Invalid input is a fault.Field naming the field, and nothing is written. A
// person (individual or entrepreneur), legal entity or phone that already belongs to a
// living client is a conflict.
func (s *Service) Register(ctx context.Context, tx *store.Tx, app Application) (Client, error) {
	v, err := validate(app, tx.Now())
	if err != nil {
		return Client{}, err
	}
	if err := s.refuseDuplicate(ctx, tx, v); err != nil {
		return Client{}, err
	}
	id := newID()
	cols := map[string]string{"iin": v.iin.String(), "full_name": v.name, "id_doc_number": v.idDoc.Number, "phone": v.phone}
	if v.kind == LegalEntity {
		cols["bin"] = v.bin.String()
	}
	enc := make(map[string][]byte, len(cols))
	for col, val := range cols {
		if enc[col], err = s.seal(id, col, val); err != nil {
			return Client{}, err
		}
	}
	var binIndex []byte
	if v.kind == LegalEntity {
		binIndex = s.vault.Index(indexBIN, v.bin.String())
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO client (id, kind, status, iin_index, iin_enc, bin_index, bin_enc,
		full_name_enc, id_doc_kind, id_doc_number_enc, id_doc_expires, phone_index, phone_enc, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		id, string(v.kind), string(PendingVerification), s.vault.Index(indexIIN, v.iin.String()), enc["iin"],
		binIndex, enc["bin"], enc["full_name"], string(v.idDoc.Kind), enc["id_doc_number"], v.idDoc.Expires.String(),
		s.vault.Index(indexPhone, v.phone), enc["phone"], tx.Now().UnixMicro())
	if err != nil && store.IsUniqueViolation(err) {
		// A concurrent registration won the race the check above could not see.
		return Client{}, duplicate(v.kind)
	}
	if err != nil {
		return Client{}, fmt.Errorf("store client: %w", err)
	}
	docIDs := make([]string, 0, len(v.docs))
	for i, u := range v.docs {
		info, err := s.insertDocument(ctx, tx, id, v.docKinds[i], u)
		if err != nil {
			return Client{}, err
		}
		docIDs = append(docIDs, info.ID)
	}
	change := map[string]any{"kind": v.kind, "iin": v.iin.Masked(), "phone": maskPhone(v.phone), "documents": docIDs}
	if v.kind == LegalEntity {
		change["bin"] = v.bin.String() // a BIN names an organisation, not a person
	}
	if err := s.trail.Record(ctx, tx, audit.Event{Action: "client.registered", ObjectType: "client", ObjectID: id, Change: change}); err != nil {
		return Client{}, err
	}
	return s.Find(ctx, tx, id)
}

// refuseDuplicate looks the new client's identity and phone up through the blind indexes,
// before the INSERT: on PostgreSQL a unique violation would abort the caller's whole
// transaction, and the caller may want to answer without starting over.
func (s *Service) refuseDuplicate(ctx context.Context, tx *store.Tx, v valid) error {
	var n int
	q := `SELECT count(*) FROM client WHERE status <> 'rejected' AND `
	var err error
	if v.kind == LegalEntity {
		err = tx.QueryRowContext(ctx, q+`bin_index = $1`, s.vault.Index(indexBIN, v.bin.String())).Scan(&n)
	} else {
		err = tx.QueryRowContext(ctx, q+`iin_index = $1 AND kind IN ('individual', 'entrepreneur')`, s.vault.Index(indexIIN, v.iin.String())).Scan(&n)
	}
	if err != nil {
		return fmt.Errorf("look for duplicate client: %w", err)
	}
	if n > 0 {
		return duplicate(v.kind)
	}
	if err := tx.QueryRowContext(ctx, q+`phone_index = $1`, s.vault.Index(indexPhone, v.phone)).Scan(&n); err != nil {
		return fmt.Errorf("look for duplicate phone: %w", err)
	}
	if n > 0 {
		return fault.New(fault.ErrConflict, "phone_taken", "This phone number belongs to another client.")
	}
	return nil
}

func duplicate(k Kind) error {
	if k == LegalEntity {
		return fault.New(fault.ErrConflict, "client_exists", "A client with this BIN is already registered.")
	}
	return fault.New(fault.ErrConflict, "client_exists", "A client with this IIN is already registered.")
}

// Evidence is what activation rests on (R6.3, R6.4): the ids of the biometric check that
// confirmed the person (their full name, IIN and photo against the state reference) and of the
// EDS verification of the registration statement. An individual entrepreneur needs no EDS.
type Evidence struct {
	BiometricCheckID    string
	SignatureEvidenceID string
}

// Activate moves a pending client to active on evidence.
func (s *Service) Activate(ctx context.Context, tx *store.Tx, clientID string, ev Evidence) (Client, error) {
	c, err := s.Find(ctx, tx, clientID)
	if err != nil {
		return Client{}, err
	}
	if ev.BiometricCheckID == "" {
		return Client{}, fault.Field("biometric_check_id", "is required: registration needs biometric identification (R6.4)")
	}
	var sig any
	if c.Kind.NeedsEDS() {
		if ev.SignatureEvidenceID == "" {
			return Client{}, fault.Field("signature_evidence_id", "is required: registration needs the client's EDS (R6.4)")
		}
		sig = ev.SignatureEvidenceID
	} else if ev.SignatureEvidenceID != "" {
		sig = ev.SignatureEvidenceID
	}
	if err := transition(ctx, tx, clientID, c.Status, Active,
		`activated_at = $4, activation_biometric = $5, activation_signature = $6`,
		tx.Now().UnixMicro(), ev.BiometricCheckID, sig); err != nil {
		return Client{}, err
	}
	if err := s.trail.Record(ctx, tx, audit.Event{Action: "client.activated", ObjectType: "client", ObjectID: clientID,
		Change: map[string]any{"status": map[string]Status{"from": c.Status, "to": Active}, "biometric_check_id": ev.BiometricCheckID, "signature_evidence_id": ev.SignatureEvidenceID}}); err != nil {
		return Client{}, err
	}
	return s.Find(ctx, tx, clientID)
}

// Reject ends a pending registration (verification under R6.3 failed); reason is kept in the
// audit trail. The IIN, BIN and phone are free again.
func (s *Service) Reject(ctx context.Context, tx *store.Tx, clientID, reason string) error {
	if reason == "" {
		return fault.Field("reason", "is required")
	}
	c, err := s.Find(ctx, tx, clientID)
	if err != nil {
		return err
	}
	if err := transition(ctx, tx, clientID, c.Status, Rejected, `rejected_at = $4`, tx.Now().UnixMicro()); err != nil {
		return err
	}
	return s.trail.Record(ctx, tx, audit.Event{Action: "client.rejected", ObjectType: "client", ObjectID: clientID, Reason: reason,
		Change: map[string]any{"status": map[string]Status{"from": c.Status, "to": Rejected}}})
}
