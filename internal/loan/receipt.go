package loan

import (
	"context"
	"crypto/sha256"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/contract"
	"nesie.kz/nesie/internal/org"
	"nesie.kz/nesie/internal/store"
)

// Receipt confirms, signed by the MFO, when each electronic document of the client's loan was
// sent to or received from the client, with its hash (R12). The receipt is itself sent to the
// client, so it is kept among the loan's documents.
func (s *Service) Receipt(ctx context.Context, clientID, id string) (contract.SignedReceipt, error) {
	var out contract.SignedReceipt
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		l, err := s.owned(ctx, tx, clientID, id)
		if err != nil {
			return err
		}
		c, err := s.Clients.Find(ctx, tx, clientID)
		if err != nil {
			return err
		}
		mfo, err := org.Find(ctx, tx)
		if err != nil {
			return err
		}
		docs, err := listDocuments(ctx, tx, id)
		if err != nil {
			return err
		}
		r := contract.Receipt{Number: fmt.Sprintf("%s-R%d", l.Number, len(docs)), IssuedAt: tx.Now(),
			MFO:        contract.Party{Name: mfo.Name, BIN: mfo.BIN.String(), LegalAddress: mfo.LegalAddress, Phones: mfo.Phones, Email: mfo.Email, HeadName: mfo.HeadName},
			ClientName: c.FullName, ClientIIN: c.IIN.String(), ContractNumber: l.Number}
		for _, d := range docs {
			var sum [32]byte
			copy(sum[:], d.SHA256)
			r.Entries = append(r.Entries, contract.ReceiptEntry{DocumentID: d.ID, Kind: d.Kind, Direction: string(d.Direction), At: d.At, SHA256: sum, Size: d.Size})
		}
		if out, err = s.Receipts.Issue(r); err != nil {
			return fmt.Errorf("sign receipt: %w", err)
		}
		doc, err := s.addDocument(ctx, tx, id, DocReceipt, Sent, "application/json", out.JSON)
		if err != nil {
			return err
		}
		if _, err := s.addDocument(ctx, tx, id, DocReceiptSignature, Sent, "application/octet-stream", out.Signature); err != nil {
			return err
		}
		sum := sha256.Sum256(out.JSON)
		return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.receipt_issued", ObjectType: "loan", ObjectID: id,
			Reason: "the client asked to confirm the documents (R12)", Change: map[string]any{"document_id": doc.ID,
				"entries": len(r.Entries), "sha256": fmt.Sprintf("%x", sum)}})
	})
	return out, err
}
