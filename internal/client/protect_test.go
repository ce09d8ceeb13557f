package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"reflect"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestR6_7_IINCannotChange(t *testing.T) {
	// The domain: no exported method changes an IIN or BIN. Each method that names one only
	// finds by it.
	typ := reflect.TypeOf(&Service{})
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		if (strings.Contains(name, "IIN") || strings.Contains(name, "BIN")) && !strings.HasPrefix(name, "Find") {
			t.Errorf("Service.%s looks like it changes an IIN or BIN", name)
		}
	}
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		person := f.registerActive(t, individual(iinA, "+77012345678"))
		entity := f.registerActive(t, legalEntity(binA, iinB, "+77012345600"))
		other := f.register(t, individual(iinC, "+77012345699"))

		// The database: every role is refused, the application's and the owner's.
		updates := []struct{ name, sql, id string }{
			{"iin index", `UPDATE client SET iin_index = (SELECT iin_index FROM client WHERE id = $2) WHERE id = $1`, person.ID},
			{"bin index", `UPDATE client SET bin_index = $2 WHERE id = $1`, entity.ID},
			{"bin removed", `UPDATE client SET bin_index = NULL, bin_enc = NULL, kind = 'individual' WHERE id = $1 AND $2 <> ''`, entity.ID},
			{"kind", `UPDATE client SET kind = 'entrepreneur' WHERE id = $1 AND $2 <> ''`, person.ID},
		}
		for _, u := range updates {
			var arg any = other.ID
			if u.name == "bin index" {
				arg = bytes.Repeat([]byte{7}, 32)
			}
			if _, err := env.Admin.Exec(u.sql, u.id, arg); err == nil || !strings.Contains(err.Error(), "R6.7") {
				t.Errorf("owner: %s: err = %v, want the R6.7 trigger", u.name, err)
			}
			err := env.DB.Transact(f.ctx, func(ctx context.Context, tx *store.Tx) error {
				_, err := tx.ExecContext(ctx, u.sql, u.id, arg)
				return err
			})
			if err == nil || !strings.Contains(err.Error(), "R6.7") {
				t.Errorf("application: %s: err = %v, want the R6.7 trigger", u.name, err)
			}
		}
		// Updating other columns, or writing the same IIN index back, is not refused.
		if _, err := env.Admin.Exec(`UPDATE client SET iin_index = iin_index, retain_until = 1 WHERE id = $1`, person.ID); err != nil {
			t.Errorf("harmless update refused: %v", err)
		}
		// Swapping in another client's encrypted IIN (the only column the trigger lets a key
		// rotation rewrite) does not change the IIN either: it no longer opens.
		if _, err := env.Admin.Exec(`UPDATE client SET iin_enc = (SELECT iin_enc FROM client WHERE id = $2) WHERE id = $1`, person.ID, other.ID); err != nil {
			t.Fatal(err)
		}
		err := f.try(func(ctx context.Context, tx *store.Tx) error { _, err := f.svc.Find(ctx, tx, person.ID); return err })
		if err == nil {
			t.Error("a client with a swapped IIN ciphertext was read")
		}
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			got, err := f.svc.Find(ctx, tx, entity.ID)
			if err != nil || got.BIN.String() != binA || got.IIN.String() != iinB {
				t.Errorf("entity after refused updates: %s %s %v", got.BIN, got.IIN, err)
			}
			return nil
		})
	})
}

func TestR37_PersonalDataEncryptedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		app := legalEntity(binA, iinA, "+7 701 234 56 78")
		c := f.registerActive(t, app)
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			_, err := f.svc.ChangeBankAccount(ctx, tx, c.ID, "KZ86125KZT5004100100", SensitiveChangeProof{"bio-2", "sig-2"})
			return err
		})
		clientRows := f.rawBytes(t, "client")
		docRows := f.rawBytes(t, "client_document")
		auditRows := f.rawBytes(t, "audit_pending")
		all := append(append(append([]byte{}, clientRows...), docRows...), auditRows...)
		if len(clientRows) == 0 || len(docRows) == 0 {
			t.Fatal("nothing read")
		}
		for _, secret := range []string{
			"Аружан", "Примерова", iinA, "7012345678", "N04455667", "125KZT5004100100",
			string(jpegBytes[4:20]), "ORDER-APPOINTING",
		} {
			if bytes.Contains(all, []byte(secret)) {
				t.Errorf("%q is stored in clear", secret)
			}
		}
		// The BIN names an organisation, not a person: the audit trail may show it, the client
		// row keeps it encrypted all the same.
		if bytes.Contains(clientRows, []byte(binA)) {
			t.Error("BIN stored in clear in client")
		}
	})
}

// A ciphertext is bound to its row: copied into another client's row it does not open.
func TestR37_CiphertextCopiedToAnotherRowDoesNotOpen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		a := f.register(t, individual(iinA, "+77012345678"))
		b := f.register(t, individual(iinB, "+77012345679"))
		if _, err := env.Admin.Exec(`UPDATE client SET full_name_enc = (SELECT full_name_enc FROM client WHERE id = $2) WHERE id = $1`, b.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		err := f.try(func(ctx context.Context, tx *store.Tx) error { _, err := f.svc.Find(ctx, tx, b.ID); return err })
		if err == nil {
			t.Fatal("another row's ciphertext opened")
		}
		// And within one row, a value moved to another column does not open either.
		if _, err := env.Admin.Exec(`UPDATE client SET phone_enc = id_doc_number_enc WHERE id = $1`, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.try(func(ctx context.Context, tx *store.Tx) error { _, err := f.svc.Find(ctx, tx, a.ID); return err }); err == nil {
			t.Fatal("a ciphertext moved to another column opened")
		}
	})
}

func TestR34_DocumentKeptAsReceived(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		c := f.register(t, legalEntity(binA, iinA, "+77012345678"))
		// A signature as the client's browser sent it: arbitrary bytes, kept exactly.
		sig := []byte{0x30, 0x82, 0x00, 0x00, 0xFF, 0x00, '\r', '\n', 0x80}
		var sigInfo DocumentInfo
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			var err error
			sigInfo, err = f.svc.AddDocument(ctx, tx, c.ID, StatementSignature, Upload{ContentType: "application/pkcs7-signature", Content: sig})
			return err
		})
		var docs []DocumentInfo
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			var err error
			docs, err = f.svc.Documents(ctx, tx, c.ID)
			return err
		})
		want := map[DocumentKind][]byte{FacePhoto: jpegBytes, HeadAppointmentOrder: pdfBytes, StatementSignature: sig}
		if len(docs) != len(want) {
			t.Fatalf("%d documents, want %d", len(docs), len(want))
		}
		for _, info := range docs {
			f.tx(t, func(ctx context.Context, tx *store.Tx) error {
				d, err := f.svc.OpenDocument(ctx, tx, info.ID)
				if err != nil {
					return err
				}
				if !bytes.Equal(d.Content, want[d.Kind]) {
					t.Errorf("%s: content %x, want %x", d.Kind, d.Content, want[d.Kind])
				}
				if d.SHA256 != sha256.Sum256(want[d.Kind]) || d.Size != int64(len(want[d.Kind])) {
					t.Errorf("%s: digest or size does not describe the original", d.Kind)
				}
				if !d.ReceivedAt.Equal(storetest.Start) {
					t.Errorf("%s: received at %v", d.Kind, d.ReceivedAt)
				}
				return nil
			})
		}
		// What a document is never changes (trigger); its ciphertext swapped for another
		// document's does not open.
		if _, err := env.Admin.Exec(`UPDATE client_document SET sha256 = $1 WHERE id = $2`, make([]byte, 32), sigInfo.ID); err == nil || !strings.Contains(err.Error(), "R34") {
			t.Errorf("digest update: err = %v, want the R34 trigger", err)
		}
		if _, err := env.Admin.Exec(`UPDATE client_document SET retain_until = 1 WHERE id = $1`, sigInfo.ID); err != nil {
			t.Errorf("setting retain_until refused: %v", err)
		}
		if _, err := env.Admin.Exec(`UPDATE client_document SET content_enc = (SELECT content_enc FROM client_document WHERE kind = 'face_photo') WHERE id = $1`, sigInfo.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.try(func(ctx context.Context, tx *store.Tx) error {
			_, err := f.svc.OpenDocument(ctx, tx, sigInfo.ID)
			return err
		}); err == nil {
			t.Error("another document's ciphertext opened")
		}
	})
}
