package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/vault"
)

// DocumentKind says what a client document is.
type DocumentKind string

// The document kinds. The lead's flows add the registration statement and its signature
// through AddDocument.
const (
	FacePhoto             DocumentKind = "face_photo"
	HeadAppointmentOrder  DocumentKind = "head_appointment_order"
	PowerOfAttorney       DocumentKind = "power_of_attorney"
	RegistrationStatement DocumentKind = "registration_statement"
	StatementSignature    DocumentKind = "registration_statement_signature"
)

// DocumentInfo describes a stored document without its content.
type DocumentInfo struct {
	ID          string
	ClientID    string
	Kind        DocumentKind
	ContentType string
	// SHA256 is the digest of the original bytes.
	SHA256     [32]byte
	Size       int64
	ReceivedAt time.Time
}

// Document is a stored document with its content exactly as received (R34).
type Document struct {
	DocumentInfo
	Content []byte
}

func documentAAD(id, clientID string) []byte {
	return vault.AAD("client_document", "content", id, clientID)
}

// insertDocument encrypts and stores u for clientID, received now.
func (s *Service) insertDocument(ctx context.Context, tx *store.Tx, clientID string, kind DocumentKind, u Upload) (DocumentInfo, error) {
	info := DocumentInfo{
		ID: newID(), ClientID: clientID, Kind: kind, ContentType: u.ContentType,
		SHA256: sha256.Sum256(u.Content), Size: int64(len(u.Content)), ReceivedAt: tx.Now(),
	}
	enc, err := s.vault.Seal(u.Content, documentAAD(info.ID, clientID))
	if err != nil {
		return DocumentInfo{}, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO client_document
		(id, client_id, kind, content_type, content_enc, sha256, size, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		info.ID, clientID, string(kind), u.ContentType, enc, info.SHA256[:], info.Size, info.ReceivedAt.UnixMicro())
	if err != nil {
		return DocumentInfo{}, fmt.Errorf("store document: %w", err)
	}
	return info, nil
}

// AddDocument stores a document a client sent after registration began — the registration
// statement and its signature, say — exactly as received, and audits it. Any non-empty content
// of any declared type is kept: what is checked is the lead's concern (a CMS signature is not
// an image); what is stored is what arrived.
func (s *Service) AddDocument(ctx context.Context, tx *store.Tx, clientID string, kind DocumentKind, u Upload) (DocumentInfo, error) {
	if kind == "" {
		return DocumentInfo{}, fault.Field("kind", "is required")
	}
	if u.ContentType == "" {
		return DocumentInfo{}, fault.Field("content_type", "is required")
	}
	if len(u.Content) == 0 || len(u.Content) > MaxDocumentSize {
		return DocumentInfo{}, fault.Field("content", "must hold 1 byte to %d MB", MaxDocumentSize>>20)
	}
	if _, err := s.Find(ctx, tx, clientID); err != nil {
		return DocumentInfo{}, err
	}
	info, err := s.insertDocument(ctx, tx, clientID, kind, u)
	if err != nil {
		return DocumentInfo{}, err
	}
	return info, s.trail.Record(ctx, tx, audit.Event{
		Action: "client.document_received", ObjectType: "client", ObjectID: clientID,
		Change: map[string]any{"document_id": info.ID, "kind": kind, "content_type": u.ContentType, "size": info.Size, "sha256": fmt.Sprintf("%x", info.SHA256)},
	})
}

// Documents lists a client's documents, oldest first.
func (s *Service) Documents(ctx context.Context, tx *store.Tx, clientID string) ([]DocumentInfo, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, client_id, kind, content_type, sha256, size, received_at
		FROM client_document WHERE client_id = $1 ORDER BY received_at, id`, clientID)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	var out []DocumentInfo
	for rows.Next() {
		var d DocumentInfo
		var sum []byte
		var kind string
		var at int64
		if err := rows.Scan(&d.ID, &d.ClientID, &kind, &d.ContentType, &sum, &d.Size, &at); err != nil {
			return nil, fmt.Errorf("list documents: %w", err)
		}
		d.Kind, d.ReceivedAt = DocumentKind(kind), time.UnixMicro(at).UTC()
		copy(d.SHA256[:], sum)
		out = append(out, d)
	}
	return out, rows.Err()
}

// OpenDocument returns a document with its content decrypted. The content is checked against
// the stored digest of the original: a mismatch (tampering, a wrong key) is an error, never a
// silently different document.
func (s *Service) OpenDocument(ctx context.Context, tx *store.Tx, id string) (Document, error) {
	var d Document
	var sum, enc []byte
	var kind string
	var at int64
	err := tx.QueryRowContext(ctx, `SELECT id, client_id, kind, content_type, sha256, size, received_at, content_enc
		FROM client_document WHERE id = $1`, id).Scan(&d.ID, &d.ClientID, &kind, &d.ContentType, &sum, &d.Size, &at, &enc)
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, fault.New(fault.ErrNotFound, "document_not_found", "No such document.")
	}
	if err != nil {
		return Document{}, fmt.Errorf("read document: %w", err)
	}
	d.Kind, d.ReceivedAt = DocumentKind(kind), time.UnixMicro(at).UTC()
	copy(d.SHA256[:], sum)
	content, err := s.vault.Open(enc, documentAAD(d.ID, d.ClientID))
	if err != nil {
		return Document{}, fmt.Errorf("document %s: %w", d.ID, err)
	}
	if got := sha256.Sum256(content); !bytes.Equal(got[:], sum) || int64(len(content)) != d.Size {
		return Document{}, fmt.Errorf("document %s: content does not match its digest", d.ID)
	}
	d.Content = content
	return d, nil
}
