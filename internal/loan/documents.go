package loan

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"encoding/hex"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/contract"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/vault"
)

// Direction says whether the MFO sent a document to the client or received it.
type Direction string

// The directions.
const (
	Sent     Direction = "sent"
	Received Direction = "received"
)

// Document kinds of a loan's electronic documents (R34).
const (
	DocContractRu          = "contract_ru"
	DocContractKk          = "contract_kk"
	DocContractSignature   = "contract_signature"
	DocSignatureRevocation = "signature_revocation_evidence"
	DocConsentStatement    = "consent_statement"
	DocConsentSignature    = "consent_signature"
	DocConsentCode         = "consent_otp_confirmation"
	DocGoodsReceived       = "goods_received_confirmation"
	DocReceipt             = "receipt"
	DocReceiptSignature    = "receipt_signature"
)

// Document is one electronic document of a loan, opened.
type Document struct {
	ID, LoanID, Kind string
	Direction        Direction
	ContentType      string
	Content          []byte
	SHA256           []byte
	Size             int64
	At               time.Time
}

func documentAAD(id string) []byte { return vault.AAD("loan_document", "content", id) }

// addDocument keeps a document as sent or received, sealed (R37), with the SHA-256 of the
// bytes themselves (R11, R12).
func (s *Service) addDocument(ctx context.Context, tx *store.Tx, loanID, kind string, dir Direction, contentType string, content []byte) (Document, error) {
	docs, err := s.addDocuments(ctx, tx, loanID, newDocument{kind, dir, contentType, content})
	if err != nil {
		return Document{}, err
	}
	return docs[0], nil
}

// newDocument is a document to keep.
type newDocument struct {
	kind        string
	dir         Direction
	contentType string
	content     []byte
}

// addDocuments keeps documents of loanID as addDocument does, in one statement, which goes
// out with the transaction's next (store.Tx.ExecDeferred).
func (s *Service) addDocuments(ctx context.Context, tx *store.Tx, loanID string, docs ...newDocument) ([]Document, error) {
	out := make([]Document, len(docs))
	q := []byte(`INSERT INTO loan_document (id, loan_id, kind, direction, content_type, content, sha256, size, at) VALUES `)
	args := make([]any, 0, 9*len(docs))
	for i, n := range docs {
		d := Document{ID: newID(), LoanID: loanID, Kind: n.kind, Direction: n.dir, ContentType: n.contentType, Content: n.content,
			Size: int64(len(n.content)), At: tx.Now()}
		sum := sha256.Sum256(n.content)
		d.SHA256 = sum[:]
		sealed, err := s.vault.Seal(n.content, documentAAD(d.ID))
		if err != nil {
			return nil, fmt.Errorf("seal %s: %w", n.kind, err)
		}
		if i > 0 {
			q = append(q, ", "...)
		}
		k := len(args)
		q = fmt.Appendf(q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7, k+8, k+9)
		args = append(args, d.ID, loanID, n.kind, string(n.dir), n.contentType, sealed, d.SHA256, d.Size, d.At.UnixMicro())
		out[i] = d
	}
	what := docs[0].kind
	if err := tx.ExecDeferred(ctx, func(err error) error {
		if err != nil {
			return fmt.Errorf("keep %s: %w", what, err)
		}
		return nil
	}, string(q), args...); err != nil {
		return nil, err
	}
	return out, nil
}

// ErrTampered refuses a document whose bytes no longer match the hash kept when it was made
// (R11): nothing is shown, signed or paid on it.
var ErrTampered = fault.New(fault.ErrConflict, "document_integrity_failed",
	"The document failed its integrity check; the MFO has been alerted. Nothing can be done with it until this is resolved.")

// tamperedError is ErrTampered with what failed, for the alert recorded once the reading
// transaction has ended (on SQLite a second writer inside a transaction would wait for itself).
type tamperedError struct {
	loanID, docID string
	cause         error
}

func (e *tamperedError) Error() string {
	return "document " + e.docID + " failed its integrity check: " + e.cause.Error()
}
func (e *tamperedError) Is(target error) bool { return target == ErrTampered }
func (e *tamperedError) Unwrap() error        { return ErrTampered }

// openDocument reads document id of loanID and checks its integrity: the seal opens (the
// bytes and the row are the ones written) and the bytes hash to the kept SHA-256. A failure
// is a *tamperedError; the caller's refusal records the alert (refused).
func (s *Service) openDocument(ctx context.Context, tx *store.Tx, loanID, id string) (Document, error) {
	d := Document{ID: id}
	var dir string
	var sealed []byte
	var at int64
	err := tx.QueryRowContext(ctx, `SELECT loan_id, kind, direction, content_type, content, sha256, size, at
		FROM loan_document WHERE id = $1`, id).Scan(&d.LoanID, &d.Kind, &dir, &d.ContentType, &sealed, &d.SHA256, &d.Size, &at)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && d.LoanID != loanID) {
		return Document{}, fault.New(fault.ErrNotFound, "document_not_found", "No such document.")
	}
	if err != nil {
		return Document{}, fmt.Errorf("read document: %w", err)
	}
	d.Direction, d.At = Direction(dir), time.UnixMicro(at).UTC()
	plain, err := s.vault.Open(sealed, documentAAD(id))
	if err == nil {
		sum := sha256.Sum256(plain)
		if !bytes.Equal(sum[:], d.SHA256) || int64(len(plain)) != d.Size {
			err = errors.New("hash mismatch")
		}
	}
	if err != nil {
		return Document{}, &tamperedError{loanID: loanID, docID: id, cause: err}
	}
	d.Content = plain
	return d, nil
}

// alertTampered records a failed integrity check in its own transaction, after the one that
// found it ended: that one is rolled back, the alert must stay. It returns err.
func (s *Service) alertTampered(ctx context.Context, err error) error {
	var t *tamperedError
	if !errors.As(err, &t) {
		return err
	}
	if aerr := s.Trail.Refused(ctx, audit.Event{Action: "loan.document_tampered", ObjectType: "loan", ObjectID: t.loanID,
		Reason: "a document failed its integrity check (R11)", Change: map[string]any{"document_id": t.docID, "cause": t.cause.Error()}}, ErrTampered); aerr != nil {
		return errors.Join(err, aerr)
	}
	return err
}

// Documents lists the electronic documents of the client's loan, without their content.
func (s *Service) Documents(ctx context.Context, clientID, id string) ([]Document, error) {
	var out []Document
	err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		if _, err := s.owned(ctx, tx, clientID, id); err != nil {
			return err
		}
		var err error
		out, err = listDocuments(ctx, tx, id)
		return err
	})
	return out, err
}

func listDocuments(ctx context.Context, tx *store.Tx, loanID string) ([]Document, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, kind, direction, content_type, sha256, size, at FROM loan_document
		WHERE loan_id = $1 ORDER BY at, id`, loanID)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d := Document{LoanID: loanID}
		var dir string
		var at int64
		if err := rows.Scan(&d.ID, &d.Kind, &dir, &d.ContentType, &d.SHA256, &d.Size, &at); err != nil {
			return nil, err
		}
		d.Direction, d.At = Direction(dir), time.UnixMicro(at).UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// Contract returns the contract copy in lang ("ru" or "kk") of the client's loan (R7.3). The
// first time a copy is asked for it is rendered from the contract's facts and kept as a sent
// document; every view checks the kept bytes against their hash and, once signed, against
// the hash the client signed (R11).
func (s *Service) Contract(ctx context.Context, clientID, id, lang string) (Document, error) {
	if lang != "ru" && lang != "kk" {
		return Document{}, fault.Field("lang", "must be ru or kk")
	}
	var d Document
	var l Loan
	var rendered contract.Document
	err := s.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if l, err = s.owned(ctx, tx, clientID, id); err != nil {
			return err
		}
		if l.ContractTerms == "" {
			return errNotIssued
		}
		if copyID(l, lang) != "" {
			d, err = s.contractCopy(ctx, tx, l, lang)
			return err
		}
		// The first view: rendered here, outside any transaction, and kept below.
		rendered, err = s.render(ctx, tx, l, contract.Lang(lang))
		return err
	})
	if err == nil && d.ID == "" {
		d, err = s.sendCopy(ctx, l, lang, rendered)
	}
	return d, s.alertTampered(ctx, err)
}

var errNotIssued = fault.New(fault.ErrNotFound, "contract_not_issued", "The contract is issued once the application is approved.")

// copyID is the document id of l's copy in lang; empty until it was sent.
func copyID(l Loan, lang string) string {
	if lang == "kk" {
		return l.ContractDocKk
	}
	return l.ContractDocRu
}

// errCopyKept says that another request kept the copy first, or the contract changed.
var errCopyKept = errors.New("the contract copy was kept meanwhile")

// sendCopy keeps the copy of l's contract in lang, rendered from l's facts, as sent — once:
// the UPDATE keeps it only if no copy was kept meanwhile and the facts are the ones rendered
// from; otherwise the copy kept first is shown.
func (s *Service) sendCopy(ctx context.Context, l Loan, lang string, rendered contract.Document) (Document, error) {
	var d Document
	err := s.guarded(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if d, err = s.addDocument(ctx, tx, l.ID, "contract_"+lang, Sent, pdfType, rendered.Bytes); err != nil {
			return err
		}
		column := "contract_doc_" + lang // one of two fixed names, never input
		if err := tx.ExecExpect(ctx, 1, errCopyKept, `UPDATE loan SET `+column+` = $1, updated_at = $2 WHERE id = $3 AND `+column+` = '' AND contract_terms = $4`,
			d.ID, tx.Now().UnixMicro(), l.ID, l.ContractTerms); err != nil {
			return fmt.Errorf("keep contract copy: %w", err)
		}
		return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.contract_sent", ObjectType: "loan", ObjectID: l.ID,
			Reason: "the client opened the contract (R7.3)", Change: map[string]any{"lang": lang, "document_id": d.ID,
				"sha256": hex.EncodeToString(d.SHA256), "template": rendered.Template}})
	})
	if !errors.Is(err, errCopyKept) {
		return d, err
	}
	err = s.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		cur, err := s.owned(ctx, tx, l.ClientID, l.ID)
		if err != nil {
			return err
		}
		if copyID(cur, lang) == "" {
			return errMoved
		}
		d, err = s.contractCopy(ctx, tx, cur, lang)
		return err
	})
	return d, err
}

// contractCopy opens l's copy in lang, as sent, with every integrity check.
func (s *Service) contractCopy(ctx context.Context, tx *store.Tx, l Loan, lang string) (Document, error) {
	docID := copyID(l, lang)
	if lang != "ru" && lang != "kk" {
		return Document{}, fault.Field("lang", "must be ru or kk")
	}
	if docID == "" {
		return Document{}, fault.New(fault.ErrConflict, "contract_not_shown", "Open the contract in this language before signing it.")
	}
	d, err := s.openDocument(ctx, tx, l.ID, docID)
	if err != nil {
		return Document{}, err
	}
	if l.SignedLang == lang && !bytes.Equal(d.SHA256, l.SignedSHA256) {
		return Document{}, &tamperedError{loanID: l.ID, docID: docID, cause: errors.New("differs from the signed hash")}
	}
	return d, nil
}
