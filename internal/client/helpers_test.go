package client

import (
	"context"
	"errors"
	"testing"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// Made-up identities with valid check digits (each checked by kz.Parse* in the code under
// test; a wrong one would fail every registration).
const (
	iinA = "850305400120"
	iinB = "921112600342"
	iinC = "780723400563"
	binA = "100540001234"
	binB = "151140004563"
)

// Fake files that begin as the real formats do, with a distinctive body to look for in raw
// rows.
var (
	jpegBytes = append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, []byte("FACE-PHOTO-BODY-\x00\x01\x02-unique-7781")...)
	pdfBytes  = []byte("%PDF-1.7\nORDER-APPOINTING-THE-HEAD-unique-5512\n%%EOF")
)

func testVault(t testing.TB) *vault.Vault {
	t.Helper()
	keys, err := vault.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

type fixture struct {
	env *storetest.Env
	svc *Service
	ctx context.Context
}

func newFixture(t *testing.T, env *storetest.Env) *fixture {
	return &fixture{env: env, svc: NewService(testVault(t), audit.NewTrail(env.DB, nil)),
		ctx: reqctx.With(context.Background(), reqctx.Info{RequestID: "req-1", IP: "127.0.0.1", Actor: reqctx.Actor{Kind: reqctx.Anonymous}})}
}

// tx runs fn in a committed transaction and fails the test on error.
func (f *fixture) tx(t *testing.T, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	if err := f.env.DB.Transact(f.ctx, fn); err != nil {
		t.Fatal(err)
	}
}

// try runs fn in a transaction and returns its error (the transaction rolls back on error).
func (f *fixture) try(fn func(ctx context.Context, tx *store.Tx) error) error {
	return f.env.DB.Transact(f.ctx, fn)
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.env.Admin.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func expires() date.Date { return date.Of(2031, 5, 20) }

func individual(iin, phone string) Application {
	return Application{
		Kind:      Individual,
		Person:    Person{FullName: "Аружан Тестовна Примерова", IIN: iin, IDDocument: IDDocument{Kind: IDCard, Number: "N04455667", Expires: expires()}},
		Phone:     phone,
		FacePhoto: Upload{ContentType: "image/jpeg", Content: jpegBytes},
	}
}

func legalEntity(bin, iin, phone string) Application {
	app := individual(iin, phone)
	app.Kind, app.BIN = LegalEntity, bin
	app.Authority, app.AuthorityKind = Upload{ContentType: "application/pdf", Content: pdfBytes}, HeadAppointmentOrder
	return app
}

func (f *fixture) register(t *testing.T, app Application) Client {
	t.Helper()
	var c Client
	f.tx(t, func(ctx context.Context, tx *store.Tx) error {
		var err error
		c, err = f.svc.Register(ctx, tx, app)
		return err
	})
	return c
}

func (f *fixture) registerActive(t *testing.T, app Application) Client {
	t.Helper()
	var c Client
	f.tx(t, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if c, err = f.svc.Register(ctx, tx, app); err != nil {
			return err
		}
		c, err = f.svc.Activate(ctx, tx, c.ID, Evidence{BiometricCheckID: "bio-1", SignatureEvidenceID: "sig-1"})
		return err
	})
	return c
}

func asStaff(ctx context.Context, id string) context.Context {
	return reqctx.WithActor(ctx, reqctx.Actor{Kind: reqctx.Staff, ID: id})
}

// wantField fails unless err is a fault.FieldError naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var fe *fault.FieldError
	if !errors.As(err, &fe) || fe.Field != field {
		t.Fatalf("err = %v, want a field error on %q", err, field)
	}
}

// wantCode fails unless err is a fault.Kinded of kind with code.
func wantCode(t *testing.T, err error, kind error, code string) {
	t.Helper()
	var k *fault.Kinded
	if !errors.Is(err, kind) || !errors.As(err, &k) || k.Code != code {
		t.Fatalf("err = %v, want %v/%s", err, kind, code)
	}
}

// auditActions lists the actions recorded for a client, in order.
func (f *fixture) auditActions(t *testing.T, clientID string) []string {
	t.Helper()
	rows, err := f.env.Admin.Query(`SELECT action FROM audit_pending WHERE object_id = $1 ORDER BY id`, clientID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// rawBytes returns every value of every row of table, for searching.
func (f *fixture) rawBytes(t *testing.T, table string) []byte {
	t.Helper()
	return storetest.RawRows(t, f.env.Admin, `SELECT * FROM `+table)
}
