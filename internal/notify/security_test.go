package notify

import (
	"context"
	"errors"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// Notices of logins, password changes and recoveries, and phone changes (R25.9) are written
// in the event's own transaction: committed with it, gone with it when it rolls back.
func TestR25_9_SecurityEventEnqueuedInTheSameTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		ctx := context.Background()
		errLater := errors.New("a later step of the login failed")
		err := env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
			if err := f.sec.SecurityEvent(ctx, tx, "c1", KindPasswordChanged); err != nil {
				t.Fatal(err)
			}
			return errLater
		})
		if !errors.Is(err, errLater) {
			t.Fatalf("transaction: %v", err)
		}
		if err := env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
			return f.sec.SecurityEvent(ctx, tx, "c1", KindLogin)
		}); err != nil {
			t.Fatal(err)
		}

		var got []Stored
		env.DB.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
			got, err = ForClient(ctx, tx, "c1")
			return err
		})
		if len(got) != 1 {
			t.Fatalf("outbox of c1 holds %d messages, want 1 (the rolled-back notice gone): %+v", len(got), got)
		}
		m := got[0]
		// storetest.Start is 2026-03-02 04:00 UTC: 09:00 in Almaty (UTC+5).
		if m.Kind != "security.login" || m.Channel != SMS || m.Recipient != "+77011234567" || m.Status != Pending ||
			!strings.Contains(m.TextRU, "вход") || !strings.Contains(m.TextRU, "02.03.2026 09:00") || !strings.Contains(m.TextKK, "кіру") {
			t.Fatalf("notice = %+v", m)
		}

		round, err := f.worker(WorkerConfig{}).RunOnce(ctx)
		if err != nil || round.Sent != 1 {
			t.Fatalf("RunOnce = %+v, %v; want one sent", round, err)
		}
		inbox := f.gw.Messages("+77011234567")
		if len(inbox) != 1 || !strings.Contains(inbox[0].Text, "вход в личный кабинет") || !strings.Contains(inbox[0].Text, "жеке кабинетке кіру") {
			t.Fatalf("SMS inbox = %+v, want the bilingual login notice", inbox)
		}
		if s := f.find(t, m.ID); s.Status != Sent || !s.SentAt.Equal(storetest.Start) || s.Attempts != 1 {
			t.Errorf("after sending: %+v", s)
		}
	})
}

func TestR25_9_EveryKindHasBothLanguages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		kinds := []string{KindLogin, KindPasswordChanged, KindPasswordRecovered, KindPhoneChanged, KindDeviceRegistered, KindDeviceRevoked}
		err := env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
			for _, k := range kinds {
				if err := f.sec.SecurityEvent(ctx, tx, "c2", k); err != nil {
					return err
				}
			}
			got, err := ForClient(ctx, tx, "c2")
			if len(got) != len(kinds) {
				t.Errorf("%d notices for %d events (%v)", len(got), len(kinds), err)
			}
			seen := map[string]bool{}
			for _, m := range got {
				if m.TextRU == m.TextKK || !strings.HasPrefix(m.TextRU, "Nesie: ") || !strings.HasPrefix(m.TextKK, "Nesie: ") || seen[m.TextRU] {
					t.Errorf("notice %s: ru %q, kk %q", m.Kind, m.TextRU, m.TextKK)
				}
				seen[m.TextRU] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestR25_9_SecurityEventRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		err := env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
			if err := f.sec.SecurityEvent(ctx, tx, "c1", "coffee_ordered"); !errors.Is(err, fault.ErrInvalid) {
				t.Errorf("unknown kind: %v, want invalid", err)
			}
			if err := f.sec.SecurityEvent(ctx, tx, "nobody", KindLogin); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("unknown client: %v, want the contacts' not found", err)
			}
			bad := NewSecurity(phoneBook{"c3": "+7 727 250 00 00"}, nil)
			if err := bad.SecurityEvent(ctx, tx, "c3", KindLogin); !errors.Is(err, fault.ErrInvalid) {
				t.Errorf("landline on file: %v, want invalid", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestR25_9_WorkerWokenOnlyWhenTheEventCommits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		woken := 0
		sec := NewSecurity(phoneBook{"c1": "+77011234567"}, func() { woken++ })
		ctx := context.Background()
		env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
			if err := sec.SecurityEvent(ctx, tx, "c1", KindLogin); err != nil {
				t.Fatal(err)
			}
			return errors.New("rolled back")
		})
		if woken != 0 {
			t.Errorf("woken %d times by a rolled-back event", woken)
		}
		if err := env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
			return sec.SecurityEvent(ctx, tx, "c1", KindLogin)
		}); err != nil {
			t.Fatal(err)
		}
		if woken != 1 {
			t.Errorf("woken %d times by a committed event, want 1", woken)
		}
	})
}
