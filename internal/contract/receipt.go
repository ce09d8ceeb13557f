package contract

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/strictjson"
)

// R12: on the client's request the MFO confirms when each e-document of a credit was sent to
// or received from the client. The confirmation is a canonical JSON document signed with the
// MFO's Ed25519 key, plus a PDF rendering of it for people; the JSON and its signature are
// what proves anything, the PDF only shows them.

// ReceiptEntry is one e-document sent to the client or received from them.
type ReceiptEntry struct {
	DocumentID string
	Kind       string // e.g. contract_ru, contract_kk, consent, application
	Direction  string // "sent" | "received"
	At         time.Time
	SHA256     [32]byte
	Size       int64
}

// Receipt is the confirmation before it is signed.
type Receipt struct {
	Number         string
	IssuedAt       time.Time
	MFO            Party
	ClientName     string
	ClientIIN      string
	ContractNumber string
	Entries        []ReceiptEntry
}

// SignedReceipt is the receipt as issued: JSON is the signed text, Signature the Ed25519
// signature over exactly those bytes, KeyID the key that made it.
type SignedReceipt struct {
	JSON      []byte
	Signature []byte
	KeyID     string
	PDF       []byte // a rendering in Russian and Kazakh for the client; not itself signed
}

// receiptFormat names the JSON layout; a change of layout is a new name.
const receiptFormat = "nesie.receipt.v1"

// wireReceipt fixes the field order of the canonical JSON (encoding/json writes struct fields
// in declaration order).
type wireReceipt struct {
	Format         string      `json:"format"`
	KeyID          string      `json:"key_id"`
	Number         string      `json:"number"`
	IssuedAt       string      `json:"issued_at"`
	MFO            wireParty   `json:"mfo"`
	ClientName     string      `json:"client_name"`
	ClientIIN      string      `json:"client_iin"`
	ContractNumber string      `json:"contract_number"`
	Entries        []wireEntry `json:"entries"`
}

type wireParty struct {
	Name         string `json:"name"`
	BIN          string `json:"bin"`
	LegalAddress string `json:"legal_address"`
	Phones       string `json:"phones"`
	Email        string `json:"email"`
	HeadName     string `json:"head_name"`
}

type wireEntry struct {
	DocumentID string `json:"document_id"`
	Kind       string `json:"kind"`
	Direction  string `json:"direction"`
	At         string `json:"at"`
	SHA256     string `json:"sha256"`
	Size       int64  `json:"size"`
}

// Signer issues receipts with the MFO's key.
type Signer struct {
	key   ed25519.PrivateKey
	keyID string
}

// NewSigner returns a signer with key; keyID "" means KeyID of its public half.
func NewSigner(key ed25519.PrivateKey, keyID string) *Signer {
	if keyID == "" && len(key) == ed25519.PrivateKeySize {
		keyID = KeyID(key.Public().(ed25519.PublicKey))
	}
	return &Signer{key: key, keyID: keyID}
}

// Issue checks r, orders its entries by time (a stable sort: entries at the same instant keep
// the order given), signs its canonical JSON and renders the PDF.
func (s *Signer) Issue(r Receipt) (SignedReceipt, error) {
	if s == nil || len(s.key) != ed25519.PrivateKeySize || s.keyID == "" {
		return SignedReceipt{}, errors.New("receipt signer: no usable Ed25519 key")
	}
	r.Entries = slices.Clone(r.Entries)
	slices.SortStableFunc(r.Entries, func(a, b ReceiptEntry) int { return a.At.Compare(b.At) })
	if err := r.validate(); err != nil {
		return SignedReceipt{}, err
	}
	js, err := canonicalJSON(r, s.keyID)
	if err != nil {
		return SignedReceipt{}, err
	}
	sig := ed25519.Sign(s.key, js)
	pdf, err := renderReceipt(r, s.keyID, js, sig)
	if err != nil {
		return SignedReceipt{}, err
	}
	return SignedReceipt{JSON: js, Signature: sig, KeyID: s.keyID, PDF: pdf}, nil
}

func (r Receipt) validate() error {
	for _, f := range []struct{ name, v string }{
		{"number", r.Number}, {"client_name", r.ClientName}, {"client_iin", r.ClientIIN},
		{"contract_number", r.ContractNumber}, {"mfo.name", r.MFO.Name}, {"mfo.bin", r.MFO.BIN},
		{"mfo.legal_address", r.MFO.LegalAddress}, {"mfo.phones", r.MFO.Phones},
		{"mfo.email", r.MFO.Email}, {"mfo.head_name", r.MFO.HeadName},
	} {
		if err := checkText(f.name, f.v); err != nil {
			return err
		}
	}
	if r.IssuedAt.IsZero() {
		return fault.Field("issued_at", "is required")
	}
	if len(r.Entries) == 0 {
		return fault.Field("entries", "must list at least one document")
	}
	for i, e := range r.Entries {
		name := fmt.Sprintf("entries[%d]", i)
		if err := checkText(name+".document_id", e.DocumentID); err != nil {
			return err
		}
		if err := checkText(name+".kind", e.Kind); err != nil {
			return err
		}
		if e.Direction != "sent" && e.Direction != "received" {
			return fault.Field(name+".direction", "must be sent or received")
		}
		if e.At.IsZero() {
			return fault.Field(name+".at", "is required")
		}
		if e.At.After(r.IssuedAt) {
			return fault.Field(name+".at", "is after the receipt was issued")
		}
		if e.Size < 0 {
			return fault.Field(name+".size", "must not be negative")
		}
		if e.SHA256 == ([32]byte{}) {
			return fault.Field(name+".sha256", "is required")
		}
	}
	return nil
}

// checkText refuses empty text and text that would not survive JSON unchanged.
func checkText(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return fault.Field(field, "is required")
	}
	if !utf8.ValidString(v) {
		return fault.Field(field, "is not valid UTF-8")
	}
	return nil
}

// rfc3339 is the one time form of the JSON: UTC, RFC 3339, fractional seconds only as needed.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func canonicalJSON(r Receipt, keyID string) ([]byte, error) {
	w := wireReceipt{
		Format: receiptFormat, KeyID: keyID, Number: r.Number, IssuedAt: rfc3339(r.IssuedAt),
		MFO:        wireParty{r.MFO.Name, r.MFO.BIN, r.MFO.LegalAddress, r.MFO.Phones, r.MFO.Email, r.MFO.HeadName},
		ClientName: r.ClientName, ClientIIN: r.ClientIIN, ContractNumber: r.ContractNumber,
		Entries: make([]wireEntry, len(r.Entries)),
	}
	for i, e := range r.Entries {
		w.Entries[i] = wireEntry{e.DocumentID, e.Kind, e.Direction, rfc3339(e.At), hex.EncodeToString(e.SHA256[:]), e.Size}
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("receipt json: %w", err)
	}
	return b, nil
}

// errReceipt is every refusal of VerifyReceipt: the client or an auditor gets no more detail
// than "this is not a receipt we signed".
func errReceipt(why string) error {
	return fault.New(fault.ErrInvalid, "receipt_invalid", "The receipt is not valid: "+why+".")
}

// VerifyReceipt checks the signature of r with pub and returns the receipt it signs. It refuses
// anything but the canonical JSON the signer writes, so one receipt has exactly one text.
func VerifyReceipt(pub ed25519.PublicKey, r SignedReceipt) (Receipt, error) {
	if len(pub) != ed25519.PublicKeySize {
		return Receipt{}, errReceipt("no usable public key")
	}
	if len(r.Signature) != ed25519.SignatureSize || !ed25519.Verify(pub, r.JSON, r.Signature) {
		return Receipt{}, errReceipt("the signature does not match")
	}
	var w wireReceipt
	if err := strictjson.Decode(r.JSON, &w, strictjson.RefuseUnknown); err != nil {
		return Receipt{}, errReceipt("the JSON is malformed")
	}
	if w.Format != receiptFormat {
		return Receipt{}, errReceipt("unknown format")
	}
	if w.KeyID != KeyID(pub) || r.KeyID != "" && r.KeyID != w.KeyID {
		return Receipt{}, errReceipt("signed with another key")
	}
	out := Receipt{
		Number: w.Number, MFO: Party{w.MFO.Name, w.MFO.BIN, w.MFO.LegalAddress, w.MFO.Phones, w.MFO.Email, w.MFO.HeadName},
		ClientName: w.ClientName, ClientIIN: w.ClientIIN, ContractNumber: w.ContractNumber,
	}
	var err error
	if out.IssuedAt, err = time.Parse(time.RFC3339Nano, w.IssuedAt); err != nil {
		return Receipt{}, errReceipt("bad issued_at")
	}
	for _, e := range w.Entries {
		at, err := time.Parse(time.RFC3339Nano, e.At)
		if err != nil {
			return Receipt{}, errReceipt("bad entry time")
		}
		h, err := hex.DecodeString(e.SHA256)
		if err != nil || len(h) != 32 {
			return Receipt{}, errReceipt("bad entry hash")
		}
		var sum [32]byte
		copy(sum[:], h)
		out.Entries = append(out.Entries, ReceiptEntry{e.DocumentID, e.Kind, e.Direction, at, sum, e.Size})
	}
	if !slices.IsSortedFunc(out.Entries, func(a, b ReceiptEntry) int { return a.At.Compare(b.At) }) {
		return Receipt{}, errReceipt("entries out of order")
	}
	if err := out.validate(); err != nil {
		return Receipt{}, errReceipt("content: " + err.Error())
	}
	// Canonical form: re-encoding what was read must give the very bytes that were signed.
	again, err := canonicalJSON(out, w.KeyID)
	if err != nil || !bytes.Equal(again, r.JSON) {
		return Receipt{}, errReceipt("the JSON is not in canonical form")
	}
	return out, nil
}
