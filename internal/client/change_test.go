package client

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestR6_6_PhoneChangeNeedsBiometricsAndEDS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		c := f.registerActive(t, individual(iinA, "+77012345678"))
		for name, proof := range map[string]SensitiveChangeProof{
			"nothing":         {},
			"biometrics only": {BiometricCheckID: "bio-9"},
			"EDS only":        {SignatureEvidenceID: "sig-9"},
		} {
			err := f.try(func(ctx context.Context, tx *store.Tx) error {
				_, err := f.svc.ChangePhone(ctx, tx, c.ID, "+77779998877", proof)
				return err
			})
			wantCode(t, err, fault.ErrForbidden, "biometrics_and_eds_required")
			err = f.try(func(ctx context.Context, tx *store.Tx) error {
				_, err := f.svc.ChangeBankAccount(ctx, tx, c.ID, "KZ86125KZT5004100100", proof)
				return err
			})
			if !errors.Is(err, fault.ErrForbidden) {
				t.Errorf("bank account with %s: err = %v", name, err)
			}
		}
		err := f.try(func(ctx context.Context, tx *store.Tx) error {
			_, err := f.svc.ChangePhone(ctx, tx, c.ID, "+7 9", SensitiveChangeProof{"bio-9", "sig-9"})
			return err
		})
		wantField(t, err, "phone")
		err = f.try(func(ctx context.Context, tx *store.Tx) error {
			_, err := f.svc.ChangeBankAccount(ctx, tx, c.ID, "KZ86125KZT5004100101", SensitiveChangeProof{"bio-9", "sig-9"})
			return err
		})
		wantField(t, err, "bank_account")

		var changed Client
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			var err error
			if changed, err = f.svc.ChangePhone(ctx, tx, c.ID, "8 777 999 88 77", SensitiveChangeProof{"bio-9", "sig-9"}); err != nil {
				return err
			}
			changed, err = f.svc.ChangeBankAccount(ctx, tx, c.ID, "KZ86 125K ZT50 0410 0100", SensitiveChangeProof{"bio-9", "sig-9"})
			return err
		})
		if changed.Phone != "+77779998877" || changed.BankAccount.String() != "KZ86125KZT5004100100" {
			t.Errorf("after change: %s %s", changed.Phone, changed.BankAccount)
		}
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			if got, err := f.svc.FindByPhone(ctx, tx, "+77779998877"); err != nil || got.ID != c.ID {
				t.Errorf("FindByPhone(new) = %q, %v", got.ID, err)
			}
			if _, err := f.svc.FindByPhone(ctx, tx, "+77012345678"); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("FindByPhone(old) err = %v, want not found", err)
			}
			return nil
		})
		// The audit trail shows the change masked.
		var details string
		if err := env.Admin.QueryRow(`SELECT details FROM audit_pending WHERE action = 'client.phone_changed'`).Scan(&details); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(details, "+7701*****78") || !strings.Contains(details, "+7777*****77") || strings.Contains(details, "9998877") {
			t.Errorf("phone change audited as %s", details)
		}
	})
}

func TestR36_CompromisedClientNeedsFreshChecksAndACallTask(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		c := f.registerActive(t, individual(iinA, "+77012345678"))
		proof := SensitiveChangeProof{"bio-1", "sig-1"}

		// Only staff mark a leak.
		err := f.try(func(ctx context.Context, tx *store.Tx) error {
			_, err := f.svc.MarkCompromised(ctx, tx, c.ID, "seen in a leaked database")
			return err
		})
		wantCode(t, err, fault.ErrForbidden, "staff_only")

		env.Clock.Advance(time.Hour)
		markedAt := storetest.Start.Add(time.Hour)
		staffCtx := asStaff(f.ctx, "staff-7")
		var taskID string
		if err := env.DB.Transact(staffCtx, func(ctx context.Context, tx *store.Tx) error {
			var err error
			taskID, err = f.svc.MarkCompromised(ctx, tx, c.ID, "seen in a leaked database")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			got, err := f.svc.Find(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			if !RequiresFreshVerification(got) || !got.CompromisedAt.Equal(markedAt) {
				t.Errorf("after marking: requires fresh verification %v, at %v", RequiresFreshVerification(got), got.CompromisedAt)
			}
			tasks, err := f.svc.OpenCallTasks(ctx, tx, 10)
			if err != nil {
				return err
			}
			if len(tasks) != 1 || tasks[0].ID != taskID || tasks[0].ClientID != c.ID || tasks[0].CreatedBy != "staff-7" || !tasks[0].Open {
				t.Errorf("open call tasks %+v", tasks)
			}
			return nil
		})
		var actor string
		if err := env.Admin.QueryRow(`SELECT actor_kind || ':' || actor_id FROM audit_pending WHERE action = 'client.marked_compromised'`).Scan(&actor); err != nil || actor != "staff:staff-7" {
			t.Errorf("marking audited as %q, %v", actor, err)
		}

		// The next sensitive operation is refused even with biometrics and EDS.
		err = f.try(func(ctx context.Context, tx *store.Tx) error {
			_, err := f.svc.ChangePhone(ctx, tx, c.ID, "+77770001122", proof)
			return err
		})
		wantCode(t, err, fault.ErrForbidden, "fresh_verification_required")

		// Checks made before the leak was reported prove nothing; both checks are needed.
		before, after := markedAt.Add(-time.Minute), markedAt.Add(time.Minute)
		for field, p := range map[string]FreshVerificationProof{
			"biometric_check_id":       {BiometricCheckID: "bio-old", BiometricCheckedAt: before, PhoneOwnershipCheckID: "ph-1", PhoneCheckedAt: after},
			"phone_ownership_check_id": {BiometricCheckID: "bio-2", BiometricCheckedAt: after, PhoneOwnershipCheckID: "ph-old", PhoneCheckedAt: before},
		} {
			err := f.try(func(ctx context.Context, tx *store.Tx) error {
				_, err := f.svc.ClearCompromise(ctx, tx, c.ID, p)
				return err
			})
			wantField(t, err, field)
		}
		err = f.try(func(ctx context.Context, tx *store.Tx) error {
			_, err := f.svc.ClearCompromise(ctx, tx, c.ID, FreshVerificationProof{BiometricCheckID: "bio-2", BiometricCheckedAt: after})
			return err
		})
		wantField(t, err, "phone_ownership_check_id")

		f.tx(t, func(ctx context.Context, tx *store.Tx) error {
			got, err := f.svc.ClearCompromise(ctx, tx, c.ID, FreshVerificationProof{"bio-2", after, "ph-1", after})
			if err != nil {
				return err
			}
			if RequiresFreshVerification(got) {
				t.Error("still requires fresh verification after both checks")
			}
			_, err = f.svc.ChangePhone(ctx, tx, c.ID, "+77770001122", proof)
			return err
		})

		// Staff record the call and the recommendation (R36.3), once.
		complete := func(ctx context.Context, outcome CallOutcome, rec bool) (CallTask, error) {
			var task CallTask
			err := env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
				var err error
				task, err = f.svc.CompleteCallTask(ctx, tx, taskID, outcome, rec)
				return err
			})
			return task, err
		}
		_, err = complete(f.ctx, Reached, true)
		wantCode(t, err, fault.ErrForbidden, "staff_only")
		_, err = complete(staffCtx, NotReached, true)
		wantField(t, err, "refusal_recommended")
		task, err := complete(asStaff(f.ctx, "staff-8"), Reached, true)
		if err != nil {
			t.Fatal(err)
		}
		if task.Open || task.Outcome != Reached || !task.RefusalRecommended || task.CompletedBy != "staff-8" || task.CompletedAt.IsZero() {
			t.Errorf("completed task %+v", task)
		}
		_, err = complete(staffCtx, Reached, false)
		wantCode(t, err, fault.ErrConflict, "call_task_done")
		if n := f.count(t, `SELECT count(*) FROM call_task WHERE status = 'open'`); n != 0 {
			t.Errorf("%d open call tasks left", n)
		}
		want := []string{"client.registered", "client.activated", "client.marked_compromised", "client.compromise_cleared", "client.phone_changed", "client.call_task_completed"}
		if got := f.auditActions(t, c.ID); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("audited %v\nwant %v", got, want)
		}
	})
}
