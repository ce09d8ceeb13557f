package contract

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
)

func testKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	seed := sha256.Sum256([]byte("receipt test key"))
	return ed25519.NewKeyFromSeed(seed[:])
}

func testReceipt() Receipt {
	at := time.Date(2026, 1, 14, 5, 0, 0, 0, time.UTC)
	return Receipt{
		Number: "R-2026-000007", IssuedAt: at.Add(48 * time.Hour),
		MFO: Party{Name: "ТОО «МФО Пример»", BIN: "150340012340", LegalAddress: "г. Алматы, пр. Примерный, 1",
			Phones: "+7 727 000 00 00", Email: "info@example.kz", HeadName: "Директор Примеров"},
		ClientName: "Тестова Әсем Қанатқызы", ClientIIN: "850305400120", ContractNumber: "MK-2026-000123",
		Entries: []ReceiptEntry{
			{DocumentID: "d1", Kind: "contract_ru", Direction: "sent", At: at, SHA256: sha256.Sum256([]byte("ru")), Size: 144464},
			{DocumentID: "d2", Kind: "contract_kk", Direction: "sent", At: at, SHA256: sha256.Sum256([]byte("kk")), Size: 144454},
			{DocumentID: "d3", Kind: "signature", Direction: "received", At: at.Add(7*time.Minute + 250*time.Millisecond), SHA256: sha256.Sum256([]byte("cms")), Size: 5120},
		},
	}
}

func sameReceipt(a, b Receipt) bool {
	if a.Number != b.Number || !a.IssuedAt.Equal(b.IssuedAt) || a.MFO != b.MFO || a.ClientName != b.ClientName ||
		a.ClientIIN != b.ClientIIN || a.ContractNumber != b.ContractNumber || len(a.Entries) != len(b.Entries) {
		return false
	}
	for i := range a.Entries {
		x, y := a.Entries[i], b.Entries[i]
		if x.DocumentID != y.DocumentID || x.Kind != y.Kind || x.Direction != y.Direction || !x.At.Equal(y.At) ||
			x.SHA256 != y.SHA256 || x.Size != y.Size {
			return false
		}
	}
	return true
}

func TestR12_IssueAndVerifyRoundTrip(t *testing.T) {
	key := testKey(t)
	in := testReceipt()
	sr, err := NewSigner(key, "").Issue(in)
	if err != nil {
		t.Fatal(err)
	}
	pub := key.Public().(ed25519.PublicKey)
	if !ed25519.Verify(pub, sr.JSON, sr.Signature) {
		t.Fatal("the signature does not verify with the standard library")
	}
	if sr.KeyID != KeyID(pub) {
		t.Fatalf("key id %s, want %s", sr.KeyID, KeyID(pub))
	}
	out, err := VerifyReceipt(pub, sr)
	if err != nil {
		t.Fatal(err)
	}
	if !sameReceipt(in, out) {
		t.Fatalf("round trip changed the receipt:\n in %+v\nout %+v", in, out)
	}
	// The JSON carries hex hashes and RFC 3339 UTC times, as an outside verifier reads them.
	var raw map[string]any
	if err := json.Unmarshal(sr.JSON, &raw); err != nil {
		t.Fatal(err)
	}
	e0 := raw["entries"].([]any)[0].(map[string]any)
	if e0["sha256"] != hex.EncodeToString(in.Entries[0].SHA256[:]) || e0["at"] != "2026-01-14T05:00:00Z" {
		t.Fatalf("entry 0 as written: %v", e0)
	}
	if raw["issued_at"] != "2026-01-16T05:00:00Z" {
		t.Fatalf("issued_at %v", raw["issued_at"])
	}
	// The PDF for the client shows every hash and the signature.
	text := compact(strings.Join(pageTexts(t, sr.PDF), ""))
	for _, e := range in.Entries {
		if !strings.Contains(text, hex.EncodeToString(e.SHA256[:])) {
			t.Errorf("the PDF lacks the hash of %s", e.DocumentID)
		}
	}
	if !strings.Contains(text, hex.EncodeToString(sr.Signature)) || !strings.Contains(text, compact("Электрондық құжаттардың")) {
		t.Error("the PDF lacks the signature or the Kazakh title")
	}
}

func TestR12_IssueIsDeterministic(t *testing.T) {
	a, err := NewSigner(testKey(t), "").Issue(testReceipt())
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewSigner(testKey(t), "").Issue(testReceipt())
	if err != nil {
		t.Fatal(err)
	}
	if string(a.JSON) != string(b.JSON) || string(a.Signature) != string(b.Signature) || string(a.PDF) != string(b.PDF) {
		t.Fatal("the same receipt was issued differently")
	}
}

func TestR12_AnyFlippedByteIsRefused(t *testing.T) {
	key := testKey(t)
	pub := key.Public().(ed25519.PublicKey)
	sr, err := NewSigner(key, "").Issue(testReceipt())
	if err != nil {
		t.Fatal(err)
	}
	for i := range sr.JSON {
		bad := sr
		bad.JSON = []byte(string(sr.JSON))
		bad.JSON[i] ^= 0x01
		if _, err := VerifyReceipt(pub, bad); err == nil || !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("JSON byte %d flipped: accepted (%v)", i, err)
		}
	}
	for i := range sr.Signature {
		bad := sr
		bad.Signature = []byte(string(sr.Signature))
		bad.Signature[i] ^= 0x80
		if _, err := VerifyReceipt(pub, bad); err == nil {
			t.Fatalf("signature byte %d flipped: accepted", i)
		}
	}
	other := ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey)
	if _, err := VerifyReceipt(other, sr); err == nil {
		t.Fatal("verified with another MFO's key")
	}
	if _, err := VerifyReceipt(pub, SignedReceipt{JSON: sr.JSON, Signature: sr.Signature[:10]}); err == nil {
		t.Fatal("a short signature was accepted")
	}
}

func TestR12_EntriesInTimeOrder(t *testing.T) {
	key := testKey(t)
	in := testReceipt()
	in.Entries[0], in.Entries[2] = in.Entries[2], in.Entries[0] // latest first
	sr, err := NewSigner(key, "").Issue(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := VerifyReceipt(key.Public().(ed25519.PublicKey), sr)
	if err != nil {
		t.Fatal(err)
	}
	// Sorted by time; d2 and d1 share an instant and keep the order they were given in.
	var ids []string
	for _, e := range out.Entries {
		ids = append(ids, e.DocumentID)
	}
	if strings.Join(ids, ",") != "d2,d1,d3" {
		t.Fatalf("entries %v, want d2,d1,d3", ids)
	}
	// A correctly signed JSON whose entries run backwards is still refused.
	var w wireReceipt
	if err := json.Unmarshal(sr.JSON, &w); err != nil {
		t.Fatal(err)
	}
	w.Entries[0], w.Entries[2] = w.Entries[2], w.Entries[0]
	js, _ := json.Marshal(w)
	forged := SignedReceipt{JSON: js, Signature: ed25519.Sign(key, js)}
	if _, err := VerifyReceipt(key.Public().(ed25519.PublicKey), forged); err == nil {
		t.Fatal("entries out of order were accepted")
	}
}

func TestR12_BadReceiptsNameTheField(t *testing.T) {
	for _, c := range []struct {
		field string
		edit  func(*Receipt)
	}{
		{"number", func(r *Receipt) { r.Number = "" }},
		{"entries", func(r *Receipt) { r.Entries = nil }},
		{"entries[0].direction", func(r *Receipt) { r.Entries[0].Direction = "lost" }},
		{"entries[2].at", func(r *Receipt) { r.Entries[2].At = r.IssuedAt.Add(time.Second) }},
		{"entries[1].sha256", func(r *Receipt) { r.Entries[1].SHA256 = [32]byte{} }},
		{"client_name", func(r *Receipt) { r.ClientName = "\xff" }},
		{"issued_at", func(r *Receipt) { r.IssuedAt = time.Time{} }},
	} {
		r := testReceipt()
		c.edit(&r)
		_, err := NewSigner(testKey(t), "").Issue(r)
		var fe *fault.FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("want a field error on %q, got %v", c.field, err)
		}
	}
	if _, err := NewSigner(nil, "").Issue(testReceipt()); err == nil {
		t.Error("a signer without a key issued a receipt")
	}
}

func TestR12_SigningKeyFileIsTheAuditFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "receipt.pem")
	k1, err := LoadOrCreateSigningKey(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, err %v", st.Mode().Perm(), err)
	}
	k2, err := LoadOrCreateSigningKey(path)
	if err != nil || !k1.Equal(k2) {
		t.Fatalf("reloading gave another key (%v)", err)
	}
	ak, err := audit.LoadKey(path) // the audit package reads the same file
	if err != nil {
		t.Fatal(err)
	}
	if ak.ID != KeyID(k1.Public().(ed25519.PublicKey)) {
		t.Fatalf("key ids differ: audit %s, contract %s", ak.ID, KeyID(k1.Public().(ed25519.PublicKey)))
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateSigningKey(path); err == nil {
		t.Fatal("a key file others can read was accepted")
	}
}

// FuzzVerifyReceipt feeds arbitrary JSON and signatures. Nothing may panic, and whatever is
// accepted must be exactly what the signer issues for the receipt returned: re-issuing it
// reproduces the very bytes and signature.
func FuzzVerifyReceipt(f *testing.F) {
	key := testKey(f)
	pub := key.Public().(ed25519.PublicKey)
	signer := NewSigner(key, "")
	sr, err := signer.Issue(testReceipt())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sr.JSON, sr.Signature, true)
	f.Add([]byte(`{}`), sr.Signature, true)
	f.Add([]byte(`{"format":"nesie.receipt.v1","entries":[{"at":"x"}]}`), []byte{}, true)
	f.Fuzz(func(t *testing.T, js, sig []byte, resign bool) {
		if resign {
			sig = ed25519.Sign(key, js) // let the fuzzer reach the parser behind the signature
		}
		got, err := VerifyReceipt(pub, SignedReceipt{JSON: js, Signature: sig})
		if err != nil {
			return
		}
		again, err := signer.Issue(got)
		if err != nil {
			t.Fatalf("accepted a receipt the signer refuses: %v", err)
		}
		if string(again.JSON) != string(js) || string(again.Signature) != string(sig) {
			t.Fatalf("accepted a text the signer would not write:\n%s\n%s", js, again.JSON)
		}
	})
}
