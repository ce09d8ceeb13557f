package merchant

import (
	"context"
	"errors"
	"testing"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const staff = "staff-registrar"

type fixture struct {
	env *storetest.Env
	svc *Service
	ctx context.Context
}

func newFixture(env *storetest.Env) *fixture {
	ctx := reqctx.With(context.Background(), reqctx.Info{RequestID: "req-merchant", IP: "127.0.0.1",
		Actor: reqctx.Actor{Kind: reqctx.Staff, ID: staff}})
	return &fixture{env: env, svc: New(env.DB, audit.NewTrail(env.DB, nil)), ctx: ctx}
}

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

func wantCode(t *testing.T, err error, kind error, code string) {
	t.Helper()
	var k *fault.Kinded
	if !errors.Is(err, kind) || !errors.As(err, &k) || k.Code != code {
		t.Fatalf("error = %v, want %v with code %q", err, kind, code)
	}
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var fe *fault.FieldError
	if !errors.As(err, &fe) || fe.Field != field {
		t.Fatalf("error = %v, want a field error on %q", err, field)
	}
}

// TestDemoMerchantsHaveValidIdentifiers parses every demo BIN and IBAN from its digits (a
// zero field would mean the literal did not parse) and checks the bank code is one the
// directory knows, so demo loans can be paid to them.
func TestDemoMerchantsHaveValidIdentifiers(t *testing.T) {
	t.Parallel()
	ms := DemoMerchants()
	if len(ms) == 0 {
		t.Fatal("no demo merchants")
	}
	for _, m := range ms {
		if m.BIN.IsZero() || m.IBAN.IsZero() {
			t.Fatalf("%s: a demo identifier did not parse", m.Name)
		}
		if _, err := kz.ParseBIN(m.BIN.String()); err != nil || m.BIN.Type() != kz.ResidentLegalEntity {
			t.Errorf("%s: BIN %v, type %s", m.Name, err, m.BIN.Type())
		}
		if _, err := kz.DefaultBanks().Check(m.IBAN); err != nil {
			t.Errorf("%s: %v", m.Name, err)
		}
	}
}

func TestAddFindSuspend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(env)
		var added []Merchant
		for _, m := range DemoMerchants() {
			got, err := f.svc.Add(f.ctx, staff, m)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID == "" || got.Status != StatusActive || got.AddedBy != staff || !got.AddedAt.Equal(env.Clock.Now().Truncate(time.Microsecond)) {
				t.Fatalf("added = %+v", got)
			}
			added = append(added, got)
		}
		f.read(t, func(ctx context.Context, tx *store.Tx) error {
			got, err := f.svc.Find(ctx, tx, added[0].ID)
			if err != nil {
				return err
			}
			if got != added[0] {
				t.Errorf("found %+v, want %+v", got, added[0])
			}
			act, err := f.svc.Active(ctx, tx)
			if err != nil || len(act) != 2 || act[0].Name > act[1].Name {
				t.Errorf("active = %+v, %v", act, err)
			}
			return nil
		})
		wantField(t, f.svc.Suspend(f.ctx, added[0].ID, staff, ""), "reason")
		env.Clock.Advance(time.Hour)
		if err := f.svc.Suspend(f.ctx, added[0].ID, staff, "contract ended"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.svc.Suspend(f.ctx, added[0].ID, staff, "again"), fault.ErrConflict, "merchant_not_active")
		wantCode(t, f.svc.Suspend(f.ctx, "no-such-id", staff, "x"), fault.ErrNotFound, "merchant_not_found")
		f.read(t, func(ctx context.Context, tx *store.Tx) error {
			got, err := f.svc.Find(ctx, tx, added[0].ID)
			if err != nil || got.Status != StatusSuspended || got.SuspendedBy != staff || got.SuspendReason != "contract ended" ||
				!got.SuspendedAt.Equal(env.Clock.Now().Truncate(time.Microsecond)) {
				t.Errorf("suspended = %+v, %v", got, err)
			}
			act, err := f.svc.Active(ctx, tx)
			if err != nil || len(act) != 1 || act[0].ID != added[1].ID {
				t.Errorf("active after suspension = %+v, %v", act, err)
			}
			return nil
		})
		if n := f.count(t, `SELECT (SELECT COUNT(*) FROM audit_pending WHERE action IN ('merchant.added', 'merchant.suspended'))
			+ (SELECT COUNT(*) FROM audit_event WHERE action IN ('merchant.added', 'merchant.suspended'))`); n != 3 {
			t.Errorf("%d audit events, want 2 additions and 1 suspension", n)
		}
	})
}

func TestAddRefusesDuplicatesAndBadFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(env)
		m := DemoMerchants()[0]
		if _, err := f.svc.Add(f.ctx, staff, m); err != nil {
			t.Fatal(err)
		}
		other := DemoMerchants()[1]
		other.BIN = m.BIN
		_, err := f.svc.Add(f.ctx, staff, other)
		wantCode(t, err, fault.ErrConflict, "merchant_exists")

		// A joint-entrepreneurship BIN (type 6) is not a legal entity's: 1803 6 0 00421, check digit 5.
		jointBIN, err := kz.ParseBIN("180360004215")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			field  string
			change func(*Merchant)
		}{
			{"bin", func(m *Merchant) { m.BIN = kz.BIN{} }},
			{"bin", func(m *Merchant) { m.BIN = jointBIN }},
			{"iban", func(m *Merchant) { m.IBAN = kz.IBAN{} }},
			{"name", func(m *Merchant) { m.Name = "   " }},
			{"name", func(m *Merchant) { m.Name = "ТОО\x00" }},
			{"contract_ref", func(m *Merchant) { m.ContractRef = "" }},
		} {
			bad := DemoMerchants()[1]
			c.change(&bad)
			_, err := f.svc.Add(f.ctx, staff, bad)
			wantField(t, err, c.field)
		}
		_, err = f.svc.Add(f.ctx, " ", DemoMerchants()[1])
		wantField(t, err, "staff_id")
		if n := f.count(t, `SELECT COUNT(*) FROM merchant`); n != 1 {
			t.Errorf("%d merchants, want 1", n)
		}
		// The database refuses a malformed IBAN whatever writes it.
		_, err = env.Admin.Exec(`INSERT INTO merchant (id, bin, name, iban, contract_ref, status, added_by, added_at)
			VALUES ('x', '211140007333', 'n', 'KZ20 601A', 'c', 'active', 's', 1)`)
		if err == nil {
			t.Error("a malformed IBAN was stored")
		}
	})
}
