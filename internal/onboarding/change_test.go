package onboarding_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/onboarding"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// activeClient registers an individual through the whole flow.
func (w *world) activeClient(t *testing.T, iin, phone string) client.Client {
	t.Helper()
	app := individual(client.Individual, iin, phone)
	st := w.begin(t, app)
	w.perform(t, st, iin)
	c, err := w.complete(st, app, w.signAs(t, person(iin), st.Statement))
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	return c
}

func (w *world) find(t *testing.T, id string) client.Client {
	t.Helper()
	var c client.Client
	if err := w.env.DB.Read(w.ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		c, err = w.clients.Find(ctx, tx, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestR6_6_PhoneChangeWithBiometricsAndEDS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		c := w.activeClient(t, personIIN, personPhone)
		st, err := w.svc.BeginPhoneChange(w.ctx, c.ID, "8 705 987 65 43")
		if err != nil {
			t.Fatalf("begin: %v", err)
		}
		for _, s := range []string{"ИЗМЕНЕНИИ НОМЕРА", personPhone, newPhone, personIIN, c.ID} {
			if !strings.Contains(string(st.Statement), s) {
				t.Fatalf("change statement lacks %q:\n%s", s, st.Statement)
			}
		}
		w.perform(t, st, personIIN)
		req := onboarding.ChangeRequest{ClientID: c.ID, Kind: onboarding.PhoneChange, ChangeID: st.ID, BiometricSessionID: st.BiometricSessionID, Value: newPhone,
			Signature: w.signAs(t, person(personIIN), st.Statement)}
		// Another number than the one the statement names is refused.
		other := req
		other.Value = otherPhone
		_, err = w.svc.CompleteChange(w.ctx, other)
		wantRefused(t, err, fault.ErrForbidden, "statement_mismatch")
		// A stranger's EDS over the right statement is refused.
		foreign := req
		foreign.Signature = w.signAs(t, person(strangerIIN), st.Statement)
		_, err = w.svc.CompleteChange(w.ctx, foreign)
		wantRefused(t, err, fault.ErrForbidden, "eds_subject_mismatch")
		// Another client, or the other kind of change, cannot complete this flow.
		stranger := req
		stranger.ClientID = "another-client"
		_, err = w.svc.CompleteChange(w.ctx, stranger)
		wantRefused(t, err, fault.ErrNotFound, "flow_not_found")
		wrongKind := req
		wrongKind.Kind = onboarding.BankAccountChange
		_, err = w.svc.CompleteChange(w.ctx, wrongKind)
		wantRefused(t, err, fault.ErrNotFound, "flow_not_found")
		if got := w.find(t, c.ID); got.Phone != personPhone {
			t.Fatalf("phone changed to %s by a refused change", got.Phone)
		}
		if n := w.count(t, `SELECT count(*) FROM notify_outbox WHERE client_id = $1`, c.ID); n != 0 {
			t.Fatalf("%d notices of a change that did not happen", n)
		}

		changed, err := w.svc.CompleteChange(w.ctx, req)
		if err != nil {
			t.Fatalf("complete: %v", err)
		}
		if changed.Phone != newPhone || w.find(t, c.ID).Phone != newPhone {
			t.Fatalf("phone %s, want %s", changed.Phone, newPhone)
		}
		if n := w.audited(t, "client.phone_changed", c.ID); n != 1 {
			t.Fatalf("%d client.phone_changed events, want 1", n)
		}
		if n := w.audited(t, "onboarding.change_completed", st.ID); n != 1 {
			t.Fatalf("%d onboarding.change_completed events, want 1", n)
		}
		if n := w.count(t, `SELECT count(*) FROM client_document WHERE client_id = $1 AND kind IN ($2, $3)`, c.ID,
			string(onboarding.PhoneChangeStatement), string(onboarding.ChangeStatementSignature)); n != 2 {
			t.Fatalf("%d change documents kept, want the statement and its signature", n)
		}
		// The notice goes out through the SMS gateway to the OLD number (R25.9).
		if _, err := w.worker.RunOnce(w.ctx); err != nil {
			t.Fatal(err)
		}
		old, fresh := w.sms.Messages(personPhone), w.sms.Messages(newPhone)
		if len(old) != 1 || !strings.Contains(old[0].Text, "номер телефона изменён") || len(fresh) != 0 {
			t.Fatalf("messages: %d to the old number, %d to the new, want 1 and 0", len(old), len(fresh))
		}
		// The flow is spent.
		_, err = w.svc.CompleteChange(w.ctx, req)
		wantRefused(t, err, fault.ErrConflict, "flow_completed")
	})
}

func TestR6_6_PhoneChangeWithoutEDSRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		c := w.activeClient(t, personIIN, personPhone)
		st, err := w.svc.BeginPhoneChange(w.ctx, c.ID, newPhone)
		if err != nil {
			t.Fatalf("begin: %v", err)
		}
		w.perform(t, st, personIIN)
		_, err = w.svc.CompleteChange(w.ctx, onboarding.ChangeRequest{ClientID: c.ID, Kind: onboarding.PhoneChange, ChangeID: st.ID, BiometricSessionID: st.BiometricSessionID, Value: newPhone})
		wantRefused(t, err, fault.ErrForbidden, "eds_required")
		if got := w.find(t, c.ID); got.Phone != personPhone {
			t.Fatalf("phone changed without EDS")
		}
		if n := w.audited(t, "onboarding.change_refused", st.ID); n != 1 {
			t.Fatalf("%d change_refused events, want 1", n)
		}
		if n := w.count(t, `SELECT count(*) FROM notify_outbox`); n != 0 {
			t.Fatalf("%d notices of a refused change", n)
		}
	})
}

func TestR6_6_BankAccountChangeWithBiometricsAndEDS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		c := w.activeClient(t, personIIN, personPhone)
		if !c.BankAccount.IsZero() {
			t.Fatal("a new client has a bank account")
		}
		_, err := w.svc.BeginBankAccountChange(w.ctx, c.ID, "KZ00125KZT5004100100")
		if !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("bad IBAN: %v, want a field error", err)
		}
		st, err := w.svc.BeginBankAccountChange(w.ctx, c.ID, newIBAN)
		if err != nil {
			t.Fatalf("begin: %v", err)
		}
		if !strings.Contains(string(st.Statement), newIBAN) {
			t.Fatalf("statement lacks the IBAN:\n%s", st.Statement)
		}
		// Biometrics not performed: refused, nothing changed.
		req := onboarding.ChangeRequest{ClientID: c.ID, Kind: onboarding.BankAccountChange, ChangeID: st.ID, BiometricSessionID: st.BiometricSessionID, Value: newIBAN,
			Signature: w.signAs(t, person(personIIN), st.Statement)}
		if _, err := w.svc.CompleteChange(w.ctx, req); err == nil {
			t.Fatal("completed without biometrics")
		}
		if !w.find(t, c.ID).BankAccount.IsZero() {
			t.Fatal("account set without biometrics")
		}
		w.perform(t, st, personIIN)
		got, err := w.svc.CompleteChange(w.ctx, req)
		if err != nil {
			t.Fatalf("complete: %v", err)
		}
		if got.BankAccount.String() != newIBAN {
			t.Fatalf("account %s", got.BankAccount)
		}
		if n := w.audited(t, "client.bank_account_changed", c.ID); n != 1 {
			t.Fatalf("%d client.bank_account_changed events, want 1", n)
		}
	})
}
