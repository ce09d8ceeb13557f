package org

import (
	"context"
	"errors"
	"testing"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestR7_2_DemoOrganizationSeededOnceAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		ctx := context.Background()
		trail := audit.NewTrail(env.DB, nil)
		for i, want := range []bool{true, false} {
			created, err := EnsureDemo(ctx, env.DB, trail)
			if err != nil || created != want {
				t.Fatalf("run %d: created=%v err=%v", i, created, err)
			}
		}
		var got Organization
		err := env.DB.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
			var err error
			got, err = Find(ctx, tx)
			return err
		})
		if err != nil || got != Demo() {
			t.Fatalf("found %+v, %v", got, err)
		}
		var n int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM audit_pending WHERE action = 'organization.created'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("audit events = %d, %v", n, err)
		}
	})
}

func TestCreateRefusesMissingDetailsAndWritesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		trail := audit.NewTrail(env.DB, nil)
		o := Demo()
		o.HeadName = " "
		err := env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
			return Create(ctx, tx, trail, o)
		})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "head_name" {
			t.Fatalf("err = %v, want a field error naming head_name", err)
		}
		var n int
		if err := env.Admin.QueryRow(`SELECT (SELECT count(*) FROM organization) + (SELECT count(*) FROM audit_pending)`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("rows left behind: %d, %v", n, err)
		}
	})
}
