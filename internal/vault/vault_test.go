package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func testKeys(t testing.TB, ids ...uint32) Keys {
	t.Helper()
	var k Keys
	for _, id := range ids {
		key := Key{ID: id}
		// Deterministic, distinct secrets: the test can rebuild the same key set.
		for i := range key.Secret {
			key.Secret[i] = byte(id*31 + uint32(i))
		}
		k.Data = append(k.Data, key)
	}
	for i := range k.Index {
		k.Index[i] = byte(200 - i)
	}
	return k
}

func mustNew(t testing.TB, keys Keys) *Vault {
	t.Helper()
	v, err := New(keys)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestR37_SealOpenRoundTrip(t *testing.T) {
	v := mustNew(t, testKeys(t, 1))
	aad := AAD("client", "full_name", "row-1")
	for _, pt := range [][]byte{{}, []byte("Айгерим Садыкова"), bytes.Repeat([]byte{0xff}, 1<<16)} {
		ct, err := v.Seal(pt, aad)
		if err != nil {
			t.Fatal(err)
		}
		if len(ct) != len(pt)+Overhead {
			t.Errorf("len(ct) = %d, want %d", len(ct), len(pt)+Overhead)
		}
		if len(pt) > 8 && bytes.Contains(ct, pt[:8]) {
			t.Error("ciphertext contains the plaintext")
		}
		got, err := v.Open(ct, aad)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, pt) {
			t.Errorf("Open = %q, want %q", got, pt)
		}
	}
	a, _ := v.Seal([]byte("same"), aad)
	b, _ := v.Seal([]byte("same"), aad)
	if bytes.Equal(a, b) {
		t.Error("two seals of one value are equal: the encryption is deterministic")
	}
}

// A ciphertext is bound to its row and column: moved anywhere else it does not open.
func TestR37_AADBindsRowAndColumn(t *testing.T) {
	v := mustNew(t, testKeys(t, 1))
	ct, err := v.Seal([]byte("N12345678"), AAD("client", "id_doc_number", "row-1"))
	if err != nil {
		t.Fatal(err)
	}
	for name, aad := range map[string][]byte{
		"other row":    AAD("client", "id_doc_number", "row-2"),
		"other column": AAD("client", "phone", "row-1"),
		"shifted":      AAD("client", "id_doc_numberrow-1"),
		"empty":        nil,
	} {
		if _, err := v.Open(ct, aad); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: Open err = %v, want ErrOpen", name, err)
		}
	}
	for i := range ct {
		bad := bytes.Clone(ct)
		bad[i] ^= 0x01
		if _, err := v.Open(bad, AAD("client", "id_doc_number", "row-1")); !errors.Is(err, ErrOpen) {
			t.Fatalf("byte %d flipped: Open err = %v, want ErrOpen", i, err)
		}
	}
}

func TestR37_KeyRotation(t *testing.T) {
	aad := AAD("t", "c", "r")
	old := mustNew(t, testKeys(t, 1))
	ctOld, _ := old.Seal([]byte("old value"), aad)

	rotated := mustNew(t, testKeys(t, 1, 2))
	if rotated.CurrentKeyID() != 2 {
		t.Fatalf("current key = %d, want 2", rotated.CurrentKeyID())
	}
	ctNew, _ := rotated.Seal([]byte("new value"), aad)
	if id, _ := KeyID(ctNew); id != 2 {
		t.Errorf("new value sealed with key %d, want 2", id)
	}
	if got, err := rotated.Open(ctOld, aad); err != nil || string(got) != "old value" {
		t.Errorf("rotated vault opens old value: %q, %v", got, err)
	}
	if _, err := old.Open(ctNew, aad); !errors.Is(err, ErrOpen) {
		t.Errorf("old vault opened a value under a key it lacks: %v", err)
	}

	moved, err := rotated.Rewrap(ctOld, aad)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := KeyID(moved); id != 2 {
		t.Errorf("rewrapped under key %d, want 2", id)
	}
	if !bytes.Equal(moved[Overhead-nonceLen-tagLen:], ctOld[Overhead-nonceLen-tagLen:]) {
		t.Error("Rewrap re-encrypted the value; only the data key should change")
	}
	onlyNew := mustNew(t, testKeys(t, 2))
	if got, err := onlyNew.Open(moved, aad); err != nil || string(got) != "old value" {
		t.Errorf("after rewrap, key 1 retired: %q, %v", got, err)
	}
	if _, err := onlyNew.Open(ctOld, aad); !errors.Is(err, ErrOpen) {
		t.Errorf("key 1 retired but its ciphertext opened: %v", err)
	}
	if _, err := rotated.Rewrap(ctOld, AAD("t", "c", "other")); !errors.Is(err, ErrOpen) {
		t.Errorf("Rewrap with the wrong row: %v", err)
	}
}

func TestNewRefusesBadKeys(t *testing.T) {
	good := testKeys(t, 1)
	cases := map[string]Keys{
		"no data key": {Index: good.Index},
		"id zero":     {Data: []Key{{ID: 0, Secret: good.Data[0].Secret}}, Index: good.Index},
		"duplicate":   {Data: []Key{good.Data[0], good.Data[0]}, Index: good.Index},
		"zero secret": {Data: []Key{{ID: 3}}, Index: good.Index},
		"zero index":  {Data: good.Data},
	}
	for name, k := range cases {
		if _, err := New(k); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestBlindIndex(t *testing.T) {
	v := mustNew(t, testKeys(t, 1))
	a := v.Index("iin", "850305400120")
	if len(a) != 32 {
		t.Fatalf("index length %d", len(a))
	}
	if !bytes.Equal(a, mustNew(t, testKeys(t, 1, 2)).Index("iin", "850305400120")) {
		t.Error("index changed with a data-key rotation")
	}
	if bytes.Equal(a, v.Index("bin", "850305400120")) {
		t.Error("same value under two kinds has one index")
	}
	if bytes.Equal(v.Index("ii", "n850305400120"), a) {
		t.Error("kind/value boundary is ambiguous")
	}
	other := testKeys(t, 1)
	other.Index[0] ^= 1
	if bytes.Equal(a, mustNew(t, other).Index("iin", "850305400120")) {
		t.Error("index does not depend on the index key")
	}
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.key")
	v, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("created with mode %v, want 0600", st.Mode().Perm())
	}
	aad := AAD("x")
	ct, _ := v.Seal([]byte("kept"), aad)

	again, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open(ct, aad); err != nil || string(got) != "kept" {
		t.Fatalf("reloaded vault: %q, %v (the file was recreated?)", got, err)
	}

	id, err := AddKey(path)
	if err != nil || id != 2 {
		t.Fatalf("AddKey = %d, %v", id, err)
	}
	rotated, err := LoadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if rotated.CurrentKeyID() != 2 || len(rotated.KeyIDs()) != 2 {
		t.Errorf("after AddKey: current %d, ids %v", rotated.CurrentKeyID(), rotated.KeyIDs())
	}
	if got, err := rotated.Open(ct, aad); err != nil || string(got) != "kept" {
		t.Errorf("old value after AddKey: %q, %v", got, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("AddKey left mode %v", st.Mode().Perm())
	}

	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeyFile(path); !errors.Is(err, ErrKeyFilePermissions) {
		t.Errorf("world-readable key file: err = %v", err)
	}
	if _, err := LoadKeyFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing key file accepted by LoadKeyFile")
	}
}

func TestParseKeyFileRefuses(t *testing.T) {
	k := testKeys(t, 1)
	good := EncodeKeyFile(k)
	if _, err := ParseKeyFile(good); err != nil {
		t.Fatal(err)
	}
	short := bytes.Replace(good, []byte("NESIE INDEX KEY-----\n"), []byte("NESIE INDEX KEY-----\nAAAA"), 1)
	noIndex := EncodeKeyFile(Keys{Data: k.Data})
	noIndex = noIndex[:bytes.Index(noIndex, []byte("-----BEGIN NESIE INDEX"))]
	for name, data := range map[string][]byte{
		"empty":       nil,
		"no index":    noIndex,
		"trailing":    append(bytes.Clone(good), "junk"...),
		"bad length":  short,
		"two indexes": append(bytes.Clone(good), good[bytes.Index(good, []byte("-----BEGIN NESIE INDEX")):]...),
		"no id":       bytes.Replace(good, []byte("Key-Id: 1"), []byte("Key-Id: x"), 1),
	} {
		if _, err := ParseKeyFile(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
