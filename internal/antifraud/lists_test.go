package antifraud_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"nesie.kz/nesie/internal/antifraud"
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const (
	clientIIN = "850305400120"
	otherIIN  = "860101300116"
	phone     = "+7 701 123 45 67"
	iban      = "KZ86125KZT5004100100"
	officer   = "staff-fraud-1"
)

type harness struct {
	env   *storetest.Env
	lists *antifraud.Lists
	vault *vault.Vault
	ctx   context.Context
}

func setup(t *testing.T, env *storetest.Env) *harness {
	t.Helper()
	keys, err := vault.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{env: env, lists: antifraud.New(env.DB, audit.NewTrail(env.DB, nil), v), vault: v, ctx: context.Background()}
}

func mustIIN(t *testing.T, s string) kz.IIN {
	t.Helper()
	n, err := kz.ParseIIN(s)
	if err != nil {
		t.Fatalf("test IIN %s: %v", s, err)
	}
	return n
}

func (h *harness) add(t *testing.T, kind antifraud.ListKind, value string, deny bool) antifraud.Entry {
	t.Helper()
	e, err := h.lists.Add(h.ctx, officer, antifraud.Entry{Kind: kind, Value: value, Reason: "test: confirmed fraud", Deny: deny})
	if err != nil {
		t.Fatalf("add %s: %v", kind, err)
	}
	return e
}

func (h *harness) decide(t *testing.T, s antifraud.Subject) antifraud.Decision {
	t.Helper()
	if s.Stage == "" {
		s.Stage = antifraud.StageApplication
	}
	d, err := h.lists.Decide(h.ctx, s)
	if err != nil {
		t.Fatalf("decide: %v", err)
	}
	return d
}

func subject(t *testing.T) antifraud.Subject {
	return antifraud.Subject{ClientID: "c1", IIN: mustIIN(t, clientIIN), Phone: "87011234567", IBAN: "kz86 125k zt50 0410 0100",
		Stage: antifraud.StagePayout}
}

func TestR8_2_5_CleanClientIsAllowed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		h.add(t, antifraud.KindIIN, otherIIN, true)
		if d := h.decide(t, subject(t)); d.Outcome != antifraud.Allow || len(d.Reasons) != 0 || len(d.ListEntryIDs) != 0 {
			t.Errorf("clean client: %+v", d)
		}
	})
}

func TestR8_2_5_IINOnTheListIsDenied(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		e := h.add(t, antifraud.KindIIN, " "+clientIIN, true)
		if e.Value != clientIIN || e.AddedBy != officer || e.AddedAt.IsZero() || e.Source != antifraud.SourceInternal {
			t.Errorf("entry as stored: %+v", e)
		}
		d := h.decide(t, subject(t))
		if d.Outcome != antifraud.Deny || !slices.Equal(d.ListEntryIDs, []string{e.ID}) || !slices.Equal(d.Reasons, []string{"list_iin"}) {
			t.Errorf("listed IIN: %+v", d)
		}
		// R37: the value is not in clear anywhere in the row.
		var n int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM antifraud_list_entry WHERE id = $1 AND value_sealed <> $2 AND value_index = $3`,
			e.ID, []byte(clientIIN), h.vault.Index("iin", clientIIN)).Scan(&n); err != nil || n != 1 {
			t.Errorf("stored row: %d (%v)", n, err)
		}
	})
}

func TestR8_2_5_PhoneAndIBANOnTheListAreDenied(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		p := h.add(t, antifraud.KindPhone, phone, true)
		if d := h.decide(t, subject(t)); d.Outcome != antifraud.Deny || !slices.Equal(d.ListEntryIDs, []string{p.ID}) ||
			!slices.Equal(d.Reasons, []string{"list_phone"}) {
			t.Errorf("listed phone (written differently): %+v", d)
		}
		i := h.add(t, antifraud.KindIBAN, iban, true)
		if d := h.decide(t, subject(t)); d.Outcome != antifraud.Deny || len(d.ListEntryIDs) != 2 ||
			!slices.Contains(d.ListEntryIDs, i.ID) || !slices.Equal(d.Reasons, []string{"list_iban", "list_phone"}) {
			t.Errorf("listed phone and IBAN: %+v", d)
		}
		// Without the phone and IBAN in the subject, the IIN alone is clean.
		s := subject(t)
		s.Phone, s.IBAN = "", ""
		if d := h.decide(t, s); d.Outcome != antifraud.Allow {
			t.Errorf("IIN only: %+v", d)
		}
	})
}

func TestR8_2_5_ReviewEntryGoesToReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		h.add(t, antifraud.KindPhone, phone, false)
		if d := h.decide(t, subject(t)); d.Outcome != antifraud.Review {
			t.Errorf("review entry: %+v", d)
		}
		h.add(t, antifraud.KindIIN, clientIIN, true)
		if d := h.decide(t, subject(t)); d.Outcome != antifraud.Deny {
			t.Errorf("review and deny entries: %+v", d)
		}
	})
}

func TestR8_2_5_RemovedEntryAllows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		e := h.add(t, antifraud.KindIIN, clientIIN, true)
		if err := h.lists.Remove(h.ctx, e.ID, officer, "listed in error"); err != nil {
			t.Fatal(err)
		}
		if d := h.decide(t, subject(t)); d.Outcome != antifraud.Allow {
			t.Errorf("after removal: %+v", d)
		}
		if err := h.lists.Remove(h.ctx, e.ID, officer, "again"); !errors.Is(err, fault.ErrConflict) {
			t.Errorf("second removal: %v", err)
		}
		if err := h.lists.Remove(h.ctx, "nope", officer, "x"); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("unknown entry: %v", err)
		}
		var n int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM antifraud_list_entry WHERE id = $1 AND removed_by = $2 AND removed_at IS NOT NULL`,
			e.ID, officer).Scan(&n); err != nil || n != 1 {
			t.Errorf("removed entry kept and stamped: %d (%v)", n, err)
		}
	})
}

func TestR8_2_5_UnconsumedSignalGoesToReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		insert := func(id, iin string, consumed any) {
			if _, err := env.Admin.Exec(`INSERT INTO antifraud_signal (id, kind, iin_index, iin_sealed, object_type, object_id, details, raised_at, consumed_at)
				VALUES ($1, 'biometric_failed', $2, $3, 'biometric_session', 's1', '{}', 1, $4)`,
				id, h.vault.Index("iin", iin), []byte("sealed"), consumed); err != nil {
				t.Fatal(err)
			}
		}
		insert("sig-consumed", clientIIN, int64(2))
		insert("sig-other", otherIIN, nil)
		if d := h.decide(t, subject(t)); d.Outcome != antifraud.Allow {
			t.Errorf("consumed or other person's signal: %+v", d)
		}
		insert("sig-open", clientIIN, nil)
		d := h.decide(t, subject(t))
		if d.Outcome != antifraud.Review || !slices.Equal(d.Reasons, []string{"signal_biometric_failed"}) {
			t.Errorf("open signal: %+v", d)
		}
	})
}

func TestR8_2_5_DatabaseErrorIsAnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		if _, err := env.Admin.Exec(`ALTER TABLE antifraud_list_entry RENAME TO antifraud_list_entry_gone`); err != nil {
			t.Fatal(err)
		}
		d, err := h.lists.Decide(h.ctx, subject(t))
		if err == nil || d.Outcome == antifraud.Allow {
			t.Errorf("with the list unreadable: %+v, %v", d, err)
		}
	})
}

func TestR8_2_5_BadInputNamesTheField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		cases := []struct {
			field string
			err   error
		}{
			{"value", func() error {
				_, err := h.lists.Add(h.ctx, officer, antifraud.Entry{Kind: antifraud.KindIIN, Value: "850305400121", Reason: "r"})
				return err
			}()},
			{"kind", func() error {
				_, err := h.lists.Add(h.ctx, officer, antifraud.Entry{Kind: "email", Value: "x", Reason: "r"})
				return err
			}()},
			{"reason", func() error {
				_, err := h.lists.Add(h.ctx, officer, antifraud.Entry{Kind: antifraud.KindPhone, Value: phone})
				return err
			}()},
			{"source", func() error {
				_, err := h.lists.Add(h.ctx, officer, antifraud.Entry{Kind: antifraud.KindPhone, Value: phone, Reason: "r", Source: "web"})
				return err
			}()},
			{"actor", func() error {
				_, err := h.lists.Add(h.ctx, "", antifraud.Entry{Kind: antifraud.KindPhone, Value: phone, Reason: "r"})
				return err
			}()},
			{"stage", func() error {
				s := subject(t)
				s.Stage = "later"
				_, err := h.lists.Decide(h.ctx, s)
				return err
			}()},
			{"phone", func() error {
				s := subject(t)
				s.Phone = "+1 555 0100"
				_, err := h.lists.Decide(h.ctx, s)
				return err
			}()},
		}
		for _, c := range cases {
			var fe *fault.FieldError
			if !errors.As(c.err, &fe) || fe.Field != c.field {
				t.Errorf("%s: %v", c.field, c.err)
			}
		}
	})
}
