package client

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/vault"
)

// Client is a client as stored, decrypted.
type Client struct {
	ID     string
	Kind   Kind
	Status Status
	// FullName, IIN and ID are the client's (individual, entrepreneur) or the legal entity's
	// signatory's.
	FullName   string
	IIN        kz.IIN
	IDDocument IDDocument
	// BIN is the legal entity's; zero for the other kinds.
	BIN kz.BIN
	// Phone is the mobile number in E.164 ("+77012345678").
	Phone string
	// BankAccount is zero until the client sets one.
	BankAccount kz.IBAN
	CreatedAt   time.Time
	ActivatedAt time.Time // zero unless active
	// CompromisedAt is when staff marked the client's personal data leaked; zero if not.
	CompromisedAt time.Time
}

// Blind-index kinds.
const (
	indexIIN   = "iin"
	indexBIN   = "bin"
	indexPhone = "phone"
)

func fieldAAD(id, column string) []byte { return vault.AAD("client", column, id) }

// seal encrypts value for column of row id.
func (s *Service) seal(id, column, value string) ([]byte, error) {
	return s.vault.Seal([]byte(value), fieldAAD(id, column))
}

// open decrypts column of row id.
func (s *Service) open(id, column string, enc []byte) (string, error) {
	b, err := s.vault.Open(enc, fieldAAD(id, column))
	if err != nil {
		return "", fmt.Errorf("client %s %s: %w", id, column, err)
	}
	return string(b), nil
}

const selectClient = `SELECT id, kind, status, iin_index, iin_enc, bin_index, bin_enc, full_name_enc,
	id_doc_kind, id_doc_number_enc, id_doc_expires, phone_enc, bank_account_enc,
	created_at, activated_at, compromised_at FROM client `

// row is a scanned client row before decryption.
type row struct {
	id, kind, status, docKind, expires   string
	iinIndex, iinEnc, binIndex, binEnc   []byte
	nameEnc, docNumEnc, phoneEnc, accEnc []byte
	createdAt                            int64
	activatedAt, compromisedAt           sql.NullInt64
}

// queryOne runs selectClient + where and decrypts the one row, or reports not found.
func (s *Service) queryOne(ctx context.Context, tx *store.Tx, where string, args ...any) (Client, error) {
	return s.scanOne(tx.QueryRowContext(ctx, selectClient+where, args...))
}

// scanOne reads and decrypts a row of selectClient, or reports not found.
func (s *Service) scanOne(one store.Row) (Client, error) {
	var r row
	err := one.Scan(&r.id, &r.kind, &r.status,
		&r.iinIndex, &r.iinEnc, &r.binIndex, &r.binEnc, &r.nameEnc, &r.docKind, &r.docNumEnc,
		&r.expires, &r.phoneEnc, &r.accEnc, &r.createdAt, &r.activatedAt, &r.compromisedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Client{}, fault.New(fault.ErrNotFound, "client_not_found", "No such client.")
	}
	if err != nil {
		return Client{}, fmt.Errorf("read client: %w", err)
	}
	return s.decrypt(r)
}

// decrypt opens a row's personal data and checks that the IIN and BIN still match the blind
// indexes the database guards (R6.7): a ciphertext swapped in from elsewhere would not open,
// and one re-encrypted by someone holding the keys would not match.
func (s *Service) decrypt(r row) (Client, error) {
	c := Client{ID: r.id, Kind: Kind(r.kind), Status: Status(r.status), CreatedAt: time.UnixMicro(r.createdAt).UTC()}
	iin, err := s.open(r.id, "iin", r.iinEnc)
	if err != nil {
		return Client{}, err
	}
	if !bytes.Equal(s.vault.Index(indexIIN, iin), r.iinIndex) {
		return Client{}, fmt.Errorf("client %s: IIN does not match its index", r.id)
	}
	if c.IIN, err = kz.ParseIIN(iin); err != nil {
		return Client{}, fmt.Errorf("client %s: stored IIN: %w", r.id, err)
	}
	if r.binEnc != nil {
		bin, err := s.open(r.id, "bin", r.binEnc)
		if err != nil {
			return Client{}, err
		}
		if !bytes.Equal(s.vault.Index(indexBIN, bin), r.binIndex) {
			return Client{}, fmt.Errorf("client %s: BIN does not match its index", r.id)
		}
		if c.BIN, err = kz.ParseBIN(bin); err != nil {
			return Client{}, fmt.Errorf("client %s: stored BIN: %w", r.id, err)
		}
	}
	if c.FullName, err = s.open(r.id, "full_name", r.nameEnc); err != nil {
		return Client{}, err
	}
	c.IDDocument.Kind = IDDocumentKind(r.docKind)
	if c.IDDocument.Number, err = s.open(r.id, "id_doc_number", r.docNumEnc); err != nil {
		return Client{}, err
	}
	if c.IDDocument.Expires, err = date.Parse(r.expires); err != nil {
		return Client{}, fmt.Errorf("client %s: id_doc_expires: %w", r.id, err)
	}
	if c.Phone, err = s.open(r.id, "phone", r.phoneEnc); err != nil {
		return Client{}, err
	}
	if r.accEnc != nil {
		acc, err := s.open(r.id, "bank_account", r.accEnc)
		if err != nil {
			return Client{}, err
		}
		if c.BankAccount, err = kz.ParseIBAN(acc); err != nil {
			return Client{}, fmt.Errorf("client %s: stored bank account: %w", r.id, err)
		}
	}
	if r.activatedAt.Valid {
		c.ActivatedAt = time.UnixMicro(r.activatedAt.Int64).UTC()
	}
	if r.compromisedAt.Valid {
		c.CompromisedAt = time.UnixMicro(r.compromisedAt.Int64).UTC()
	}
	return c, nil
}

// Find returns the client with id.
func (s *Service) Find(ctx context.Context, tx *store.Tx, id string) (Client, error) {
	return s.queryOne(ctx, tx, `WHERE id = $1`, id)
}

// Lookup is Find as one read of a batch (store.Tx.QueryBatch), for a caller that reads the
// client together with what does not depend on it: into is filled when the batch runs.
func (s *Service) Lookup(id string, into *Client) store.Query {
	return store.Query{SQL: selectClient + `WHERE id = $1`, Args: []any{id}, Row: func(one store.Row) (err error) {
		*into, err = s.scanOne(one)
		return err
	}}
}

// FindByIIN returns the individual or entrepreneur with iin (not rejected), found through
// the blind index. A legal entity is found by its BIN.
func (s *Service) FindByIIN(ctx context.Context, tx *store.Tx, iin kz.IIN) (Client, error) {
	return s.queryOne(ctx, tx, `WHERE iin_index = $1 AND kind IN ('individual', 'entrepreneur') AND status <> 'rejected'`,
		s.vault.Index(indexIIN, iin.String()))
}

// FindByBIN returns the legal entity with bin (not rejected).
func (s *Service) FindByBIN(ctx context.Context, tx *store.Tx, bin kz.BIN) (Client, error) {
	return s.queryOne(ctx, tx, `WHERE bin_index = $1 AND status <> 'rejected'`, s.vault.Index(indexBIN, bin.String()))
}

// FindByPhone returns the client (not rejected) whose mobile number is phone, written in any
// form normalisePhone accepts.
func (s *Service) FindByPhone(ctx context.Context, tx *store.Tx, phone string) (Client, error) {
	p, why := normalisePhone(phone)
	if why != "" {
		return Client{}, fault.Field("phone", "%s", why)
	}
	return s.queryOne(ctx, tx, `WHERE phone_index = $1 AND status <> 'rejected'`, s.vault.Index(indexPhone, p))
}

// NormalisePhone returns phone in E.164 ("+77012345678") or a fault.Field error naming field.
// It is what Register and ChangePhone apply, exported so that callers compare like with like.
func NormalisePhone(field, phone string) (string, error) {
	p, why := normalisePhone(phone)
	if why != "" {
		return "", fault.Field(field, "%s", why)
	}
	return p, nil
}

// Phone returns the client's registered mobile number in E.164, read in tx: where security
// notices go (it makes a Service a notify.Contacts).
func (s *Service) Phone(ctx context.Context, tx *store.Tx, clientID string) (string, error) {
	c, err := s.Find(ctx, tx, clientID)
	return c.Phone, err
}
