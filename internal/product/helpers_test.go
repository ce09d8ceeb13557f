package product

import (
	"context"
	"errors"
	"testing"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/legalcap"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// Made-up staff ids.
const (
	alice = "staff-proposer"
	bob   = "staff-approver"
	carol = "staff-third"
)

type fixture struct {
	env *storetest.Env
	svc *Service
	ctx context.Context
}

func newFixture(t *testing.T, env *storetest.Env) *fixture {
	return newFixtureWith(t, env, legalcap.DefaultBook())
}

func newFixtureWith(t *testing.T, env *storetest.Env, caps *legalcap.Book) *fixture {
	t.Helper()
	ctx := reqctx.With(context.Background(), reqctx.Info{RequestID: "req-product", IP: "127.0.0.1",
		Actor: reqctx.Actor{Kind: reqctx.Staff, ID: alice}})
	return &fixture{env: env, svc: New(env.DB, audit.NewTrail(env.DB, nil), caps, kz.DefaultMRP()), ctx: ctx}
}

// read runs fn in a read transaction and fails the test on error.
func (f *fixture) read(t *testing.T, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	if err := f.env.DB.Read(f.ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.env.Admin.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// events counts the audit events with action, sealed or still in the inbox.
func (f *fixture) events(t *testing.T, action string) int {
	t.Helper()
	return f.count(t, `SELECT (SELECT COUNT(*) FROM audit_pending WHERE action = $1) + (SELECT COUNT(*) FROM audit_event WHERE action = $1)`, action)
}

func (f *fixture) propose(t *testing.T, staff string, s Spec) Version {
	t.Helper()
	v, err := f.svc.Propose(f.ctx, staff, s)
	if err != nil {
		t.Fatalf("propose %s: %v", s.Code, err)
	}
	return v
}

func (f *fixture) approve(t *testing.T, id, staff string) Version {
	t.Helper()
	v, err := f.svc.Approve(f.ctx, id, staff)
	if err != nil {
		t.Fatalf("approve %s: %v", id, err)
	}
	return v
}

// wantCode fails unless err is a fault of kind with the stable code.
func wantCode(t *testing.T, err error, kind error, code string) {
	t.Helper()
	var k *fault.Kinded
	if !errors.Is(err, kind) || !errors.As(err, &k) || k.Code != code {
		t.Fatalf("error = %v, want %v with code %q", err, kind, code)
	}
}

// wantField fails unless err is a fault.Field naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var fe *fault.FieldError
	if !errors.As(err, &fe) || fe.Field != field {
		t.Fatalf("error = %v, want a field error on %q", err, field)
	}
}

// consumer is a valid spec to vary: the demo's consumer loan.
func consumer() Spec { return DemoSpecs()[0] }
