package client

import (
	"context"
	"errors"
	"slices"
	"testing"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestR6_1_RegisterIndividual(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		app := individual(iinA, "8 (701) 234-56-78")
		app.Person.FullName = "  Аружан   Тестовна Примерова "
		c := f.register(t, app)
		if c.Status != PendingVerification || c.Kind != Individual {
			t.Fatalf("registered as %s/%s", c.Kind, c.Status)
		}
		if c.FullName != "Аружан Тестовна Примерова" || c.IIN.String() != iinA || c.Phone != "+77012345678" {
			t.Errorf("stored %q %s %s", c.FullName, c.IIN, c.Phone)
		}
		if c.IDDocument != (IDDocument{Kind: IDCard, Number: "N04455667", Expires: date.Of(2031, 5, 20)}) {
			t.Errorf("id document %+v", c.IDDocument)
		}
		if !c.CreatedAt.Equal(storetest.Start) {
			t.Errorf("created at %v, want the transaction's %v", c.CreatedAt, storetest.Start)
		}

		// An individual needs both biometrics and EDS to become active (R6.4).
		err := f.try(func(ctx context.Context, tx *store.Tx) error {
			_, err := f.svc.Activate(ctx, tx, c.ID, Evidence{BiometricCheckID: "bio-1"})
			return err
		})
		wantField(t, err, "signature_evidence_id")
		err = f.try(func(ctx context.Context, tx *store.Tx) error {
			_, err := f.svc.Activate(ctx, tx, c.ID, Evidence{SignatureEvidenceID: "sig-1"})
			return err
		})
		wantField(t, err, "biometric_check_id")

		env.Clock.Advance(90e9)
		var active Client
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			var err error
			active, err = f.svc.Activate(ctx, tx, c.ID, Evidence{BiometricCheckID: "bio-1", SignatureEvidenceID: "sig-1"})
			return err
		})
		if active.Status != Active || !active.ActivatedAt.Equal(storetest.Start.Add(90e9)) {
			t.Errorf("after Activate: %s at %v", active.Status, active.ActivatedAt)
		}
		var found Client
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			var err error
			iin, _ := kz.ParseIIN(iinA)
			found, err = f.svc.FindByIIN(ctx, tx, iin)
			return err
		})
		if found.ID != c.ID {
			t.Errorf("FindByIIN found %q, want %q", found.ID, c.ID)
		}
		var docs []DocumentInfo
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			var err error
			docs, err = f.svc.Documents(ctx, tx, c.ID)
			return err
		})
		if len(docs) != 1 || docs[0].Kind != FacePhoto || docs[0].ContentType != "image/jpeg" {
			t.Errorf("documents %+v, want the face photo", docs)
		}
		if got := f.auditActions(t, c.ID); !slices.Equal(got, []string{"client.registered", "client.activated"}) {
			t.Errorf("audited %v", got)
		}
		// Activating twice is refused by the state machine.
		err = f.try(func(ctx context.Context, tx *store.Tx) error {
			_, err := f.svc.Activate(ctx, tx, c.ID, Evidence{BiometricCheckID: "bio-2", SignatureEvidenceID: "sig-2"})
			return err
		})
		wantCode(t, err, fault.ErrConflict, "client_status")
	})
}

func TestR6_4_EntrepreneurRegistersWithoutEDS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		app := individual(iinB, "+7 702 111 22 33")
		app.Kind = Entrepreneur
		c := f.register(t, app)
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			var err error
			c, err = f.svc.Activate(ctx, tx, c.ID, Evidence{BiometricCheckID: "bio-ie"})
			return err
		})
		if c.Kind != Entrepreneur || c.Status != Active {
			t.Errorf("entrepreneur is %s/%s", c.Kind, c.Status)
		}
		if Entrepreneur.NeedsEDS() || !Individual.NeedsEDS() || !LegalEntity.NeedsEDS() {
			t.Error("NeedsEDS disagrees with R6.4")
		}
	})
}

func TestR6_2_RegisterLegalEntity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		c := f.registerActive(t, legalEntity(binA, iinC, "+77051234567"))
		if c.Kind != LegalEntity || c.BIN.String() != binA || c.IIN.String() != iinC || c.Status != Active {
			t.Fatalf("legal entity stored as %s %s signatory %s %s", c.Kind, c.BIN, c.IIN, c.Status)
		}
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			bin, _ := kz.ParseBIN(binA)
			got, err := f.svc.FindByBIN(ctx, tx, bin)
			if err != nil || got.ID != c.ID {
				t.Errorf("FindByBIN = %q, %v", got.ID, err)
			}
			// The signatory's IIN does not make the entity an individual client.
			iin, _ := kz.ParseIIN(iinC)
			if _, err := f.svc.FindByIIN(ctx, tx, iin); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("FindByIIN(signatory) err = %v, want not found", err)
			}
			docs, err := f.svc.Documents(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			var kinds []DocumentKind
			for _, d := range docs {
				kinds = append(kinds, d.Kind)
			}
			slices.Sort(kinds)
			if !slices.Equal(kinds, []DocumentKind{FacePhoto, HeadAppointmentOrder}) {
				t.Errorf("documents %v", kinds)
			}
			return nil
		})
		// The same person may sign for a second entity and be an individual client too.
		f.register(t, legalEntity(binB, iinC, "+77051234568"))
		f.register(t, individual(iinC, "+77051234569"))

		// A legal entity must hand in the authority document.
		app := legalEntity(binB, iinA, "+77009998877")
		app.Authority = Upload{}
		err := f.try(func(ctx context.Context, tx *store.Tx) error { _, err := f.svc.Register(ctx, tx, app); return err })
		wantField(t, err, "authority")
	})
}

func TestR6_1_BadInputNamesTheFieldAndWritesNothing(t *testing.T) {
	yesterday := date.In(storetest.Start).AddDays(-1)
	today := date.In(storetest.Start)
	cases := []struct {
		field string
		edit  func(*Application)
	}{
		{"kind", func(a *Application) { a.Kind = "person" }},
		{"person.full_name", func(a *Application) { a.Person.FullName = "   " }},
		{"person.full_name", func(a *Application) { a.Person.FullName = "Agent 007" }},
		{"person.iin", func(a *Application) { a.Person.IIN = "850305400121" }},
		{"person.iin", func(a *Application) { a.Person.IIN = "" }},
		{"person.id_document.kind", func(a *Application) { a.Person.IDDocument.Kind = "birth_certificate" }},
		{"person.id_document.number", func(a *Application) { a.Person.IDDocument.Number = " " }},
		{"person.id_document.number", func(a *Application) { a.Person.IDDocument.Number = "N0-44" }},
		{"person.id_document.expires", func(a *Application) { a.Person.IDDocument.Expires = yesterday }},
		{"person.id_document.expires", func(a *Application) { a.Person.IDDocument.Expires = today }},
		{"phone", func(a *Application) { a.Phone = "+7 912 345 67 89" }},
		{"phone", func(a *Application) { a.Phone = "" }},
		{"bin", func(a *Application) { a.BIN = binA }},
		{"face_photo", func(a *Application) { a.FacePhoto.Content = nil }},
		{"face_photo", func(a *Application) { a.FacePhoto.Content = pdfBytes }},
		{"face_photo.content_type", func(a *Application) { a.FacePhoto.ContentType = "application/pdf" }},
		{"authority", func(a *Application) { a.Authority = Upload{ContentType: "application/pdf", Content: pdfBytes} }},
	}
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		for _, tc := range cases {
			app := individual(iinA, "+77012345678")
			tc.edit(&app)
			var err error
			// The transaction commits whatever Register did: it must have done nothing.
			f.tx(t, func(ctx context.Context, tx *store.Tx) error {
				_, err = f.svc.Register(ctx, tx, app)
				return nil
			})
			wantField(t, err, tc.field)
		}
		le := legalEntity("100540001235", iinA, "+77012345678")
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			_, err := f.svc.Register(ctx, tx, le)
			wantField(t, err, "bin")
			return nil
		})
		for _, table := range []string{"client", "client_document", "audit_pending"} {
			if n := f.count(t, `SELECT count(*) FROM `+table); n != 0 {
				t.Errorf("%s has %d rows after refused registrations", table, n)
			}
		}
	})
}

func TestR6_DuplicateClientRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		first := f.register(t, individual(iinA, "+77012345678"))
		for name, app := range map[string]Application{
			"same IIN":                   individual(iinA, "+77010000000"),
			"same IIN as entrepreneur":   func() Application { a := individual(iinA, "+77010000001"); a.Kind = Entrepreneur; return a }(),
			"same phone, another person": individual(iinB, "+7 701 234 56 78"),
		} {
			err := f.try(func(ctx context.Context, tx *store.Tx) error { _, err := f.svc.Register(ctx, tx, app); return err })
			if !errors.Is(err, fault.ErrConflict) {
				t.Errorf("%s: err = %v, want conflict", name, err)
			}
		}
		// The database refuses it too, should the check be raced past.
		_, err := env.Admin.Exec(`INSERT INTO client (id, kind, status, iin_index, iin_enc, full_name_enc, id_doc_kind,
			id_doc_number_enc, id_doc_expires, phone_index, phone_enc, created_at)
			SELECT 'copy', kind, status, iin_index, iin_enc, full_name_enc, id_doc_kind, id_doc_number_enc,
			id_doc_expires, $1, phone_enc, created_at FROM client WHERE id = $2`, make([]byte, 32), first.ID)
		if err == nil || !store.IsUniqueViolation(err) {
			t.Errorf("raw duplicate IIN insert: err = %v, want a unique violation", err)
		}
		// A rejected registration frees the IIN and phone.
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			return f.svc.Reject(ctx, tx, first.ID, "R6.3: the photo does not match the state reference")
		})
		again := f.register(t, individual(iinA, "+77012345678"))
		if again.ID == first.ID {
			t.Error("re-registration reused the rejected id")
		}
		err = f.try(func(ctx context.Context, tx *store.Tx) error {
			_, err := f.svc.Activate(ctx, tx, first.ID, Evidence{BiometricCheckID: "b", SignatureEvidenceID: "s"})
			return err
		})
		wantCode(t, err, fault.ErrConflict, "client_status")
	})
}
