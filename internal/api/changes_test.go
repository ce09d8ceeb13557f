package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/ncasim"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// Made-up values with valid check digits (checked by kz.Parse* where used).
const (
	changedPhone = "+77015550777"
	// changedIBAN's check digits are ISO 7064 mod 97-10 worked out by hand for the account.
	changedIBAN = "KZ12125KZT7004100200"
	// otherIIN is another seeded biometric identity, a second client in some tests.
	otherIIN   = "010204600783"
	otherPhone = "+77075550311"
)

// changeStarted is the answer of a change's first step.
type changeStarted struct {
	ChangeID           string   `json:"change_id"`
	BiometricSessionID string   `json:"biometric_session_id"`
	ProviderSessionID  string   `json:"provider_session_id"`
	Movements          []string `json:"movements"`
	Statement          []byte   `json:"statement"`
}

// signAs makes id's EDS signature over doc with a fresh certificate from the НУЦ simulator.
func (w *world) signAs(t *testing.T, id ncasim.Identity, doc []byte) []byte {
	t.Helper()
	cert, key, err := w.nca.Issue(id, ncasim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sig, err := eds.SignCMS(doc, cert, key, w.env.Clock.Now(), true)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// clientSigner is the test client's own EDS identity.
var clientSigner = ncasim.Identity{IIN: clientIIN, Surname: "ПРИМЕРОВА", Name: "АРУЖАН", Patronymic: "ТЕСТОВНА"}

// stored reads a client as the database holds it.
func (w *world) stored(t *testing.T, id string) client.Client {
	t.Helper()
	var c client.Client
	err := w.env.DB.Read(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		var err error
		c, err = w.clients.Find(ctx, tx, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// beginChange starts a change at path with body and performs its movements as the client.
func (w *world) beginChange(t *testing.T, token, path string, body any) changeStarted {
	t.Helper()
	var st changeStarted
	w.call(t, "POST", path, token, body).decode(t, http.StatusCreated, &st)
	if st.ChangeID == "" || len(st.Movements) < 3 || len(st.Statement) == 0 {
		t.Fatalf("started = %+v", st)
	}
	w.perform(t, st.ProviderSessionID, st.Movements, w.face(t, clientIIN))
	return st
}

func TestR6_6_PhoneChangeOverHTTPNeedsBiometricsAndEDS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		s := w.login(t)
		st := w.beginChange(t, s.Token, "/api/v1/phone-change", map[string]string{"phone": changedPhone})
		if !strings.Contains(string(st.Statement), changedPhone) || !strings.Contains(string(st.Statement), clientPhone) {
			t.Fatalf("statement does not name the old and the new number:\n%s", st.Statement)
		}
		complete := "/api/v1/phone-change/" + st.ChangeID + "/complete"

		// Biometrics passed, but no EDS: refused (R6.6).
		w.call(t, "POST", complete, s.Token, map[string]any{"biometric_session_id": st.BiometricSessionID, "phone": changedPhone}).
			want(t, http.StatusForbidden, "eds_required")
		sig := w.signAs(t, clientSigner, st.Statement)

		// Another client cannot complete this client's change, even with its session and signature.
		w.registerClient(t, otherIIN, otherPhone)
		other := w.loginAs(t, otherPhone)
		w.call(t, "POST", complete, other.Token, map[string]any{"biometric_session_id": st.BiometricSessionID, "phone": changedPhone, "signature": sig}).
			want(t, http.StatusNotFound, "flow_not_found")
		// The client id is the session's: the body cannot name one.
		w.call(t, "POST", "/api/v1/phone-change", other.Token, map[string]any{"phone": changedPhone, "client_id": w.clientID}).
			want(t, http.StatusBadRequest, "invalid")

		// A different number than the statement names is refused.
		w.call(t, "POST", complete, s.Token, map[string]any{"biometric_session_id": st.BiometricSessionID, "phone": "+77015550778", "signature": sig}).
			want(t, http.StatusForbidden, "statement_mismatch")
		if got := w.stored(t, w.clientID).Phone; got != clientPhone {
			t.Fatalf("phone after refusals = %s, want unchanged %s", got, clientPhone)
		}

		// Both: the phone changes.
		var changed struct {
			ClientID string `json:"client_id"`
			Phone    string `json:"phone"`
		}
		w.call(t, "POST", complete, s.Token, map[string]any{"biometric_session_id": st.BiometricSessionID, "phone": changedPhone, "signature": sig}).
			decode(t, http.StatusOK, &changed)
		if changed.ClientID != w.clientID || changed.Phone != "+7******0777" {
			t.Fatalf("changed = %+v, want %s with +7******0777", changed, w.clientID)
		}
		if got := w.stored(t, w.clientID).Phone; got != changedPhone {
			t.Fatalf("stored phone %s, want %s", got, changedPhone)
		}
		// The same change cannot be completed twice.
		w.call(t, "POST", complete, s.Token, map[string]any{"biometric_session_id": st.BiometricSessionID, "phone": changedPhone, "signature": sig}).
			want(t, http.StatusConflict, "flow_completed")

		// The security notice reaches the OLD number, through the outbox and the SMS gateway.
		if _, err := w.worker.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		if !hasText(w.inbox(t, clientPhone), "номер телефона изменён") {
			t.Fatalf("old number's messages %+v: want the phone-change notice", w.inbox(t, clientPhone))
		}
		if hasText(w.inbox(t, changedPhone), "номер телефона изменён") {
			t.Fatal("the phone-change notice went to the new number")
		}

		// Login now works with the new number, and no longer with the old one.
		w.call(t, "POST", "/api/v1/login", "", map[string]any{"login": clientPhone, "password": password, "factor": "sms"}).
			want(t, http.StatusUnauthorized, "invalid_credentials")
		again := w.loginAs(t, changedPhone)
		var me struct {
			ClientID string `json:"client_id"`
			Phone    string `json:"phone"`
		}
		w.call(t, "GET", "/api/v1/me", again.Token, nil).decode(t, http.StatusOK, &me)
		if me.ClientID != w.clientID || me.Phone != "+7******0777" {
			t.Fatalf("me = %+v", me)
		}
	})
}

// hasText reports whether any message contains text.
func hasText(msgs []smsMessage, text string) bool {
	for _, m := range msgs {
		if strings.Contains(m.Text, text) {
			return true
		}
	}
	return false
}

func TestR6_6_BankAccountChangeOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		want, err := kz.ParseIBAN(changedIBAN)
		if err != nil {
			t.Fatalf("test IBAN: %v", err)
		}
		s := w.login(t)
		// A malformed account is refused naming the field; one check digit off is malformed.
		if a := w.call(t, "POST", "/api/v1/bank-account-change", s.Token, map[string]string{"iban": "KZ13125KZT7004100200"}); a.status != http.StatusBadRequest || a.field() != "iban" {
			t.Fatalf("bad IBAN: %d %s", a.status, a.body)
		}
		st := w.beginChange(t, s.Token, "/api/v1/bank-account-change", map[string]string{"iban": changedIBAN})
		complete := "/api/v1/bank-account-change/" + st.ChangeID + "/complete"
		// A phone-change endpoint does not complete a bank-account change.
		w.call(t, "POST", "/api/v1/phone-change/"+st.ChangeID+"/complete", s.Token,
			map[string]any{"biometric_session_id": st.BiometricSessionID, "phone": changedPhone, "signature": []byte("x")}).
			want(t, http.StatusNotFound, "flow_not_found")
		w.call(t, "POST", complete, s.Token, map[string]any{"biometric_session_id": st.BiometricSessionID, "iban": changedIBAN}).
			want(t, http.StatusForbidden, "eds_required")
		// Another person's EDS is not the client's.
		stranger := ncasim.Identity{IIN: otherIIN, Surname: "ПРИМЕРОВА", Name: "ДАНА"}
		w.call(t, "POST", complete, s.Token, map[string]any{"biometric_session_id": st.BiometricSessionID, "iban": changedIBAN,
			"signature": w.signAs(t, stranger, st.Statement)}).want(t, http.StatusForbidden, "eds_subject_mismatch")
		if got := w.stored(t, w.clientID).BankAccount; !got.IsZero() {
			t.Fatalf("account after refusals = %s, want none", got)
		}

		var changed struct {
			ClientID    string `json:"client_id"`
			BankAccount string `json:"bank_account"`
		}
		w.call(t, "POST", complete, s.Token, map[string]any{"biometric_session_id": st.BiometricSessionID, "iban": changedIBAN,
			"signature": w.signAs(t, clientSigner, st.Statement)}).decode(t, http.StatusOK, &changed)
		if changed.ClientID != w.clientID || changed.BankAccount != want.Masked() || strings.Contains(changed.BankAccount, "7004100200") {
			t.Fatalf("changed = %+v, want the account masked as %s", changed, want.Masked())
		}
		if got := w.stored(t, w.clientID).BankAccount; got.String() != changedIBAN {
			t.Fatalf("stored account %s, want %s", got, changedIBAN)
		}
	})
}

func TestR36_CompromisedClientClearsWithFreshBiometricsAndPhoneOwnership(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		staff := reqctx.With(context.Background(), reqctx.Info{RequestID: "staff-req", IP: "10.0.0.5",
			Actor: reqctx.Actor{Kind: reqctx.Staff, ID: "staff-officer-1"}})
		err := env.DB.Transact(staff, func(ctx context.Context, tx *store.Tx) error {
			_, err := w.clients.MarkCompromised(ctx, tx, w.clientID, "data leak reported by the client")
			return err
		})
		if err != nil {
			t.Fatalf("mark compromised: %v", err)
		}
		s := w.login(t)
		var me struct {
			FreshVerificationRequired bool `json:"fresh_verification_required"`
		}
		w.call(t, "GET", "/api/v1/me", s.Token, nil).decode(t, http.StatusOK, &me)
		if !me.FreshVerificationRequired {
			t.Fatal("me does not say fresh verification is required")
		}
		// A sensitive change is refused until the fresh checks pass.
		w.call(t, "POST", "/api/v1/phone-change", s.Token, map[string]string{"phone": changedPhone}).
			want(t, http.StatusForbidden, "fresh_verification_required")

		var v struct {
			VerificationID     string   `json:"verification_id"`
			BiometricSessionID string   `json:"biometric_session_id"`
			ProviderSessionID  string   `json:"provider_session_id"`
			Movements          []string `json:"movements"`
		}
		w.call(t, "POST", "/api/v1/verification", s.Token, nil).decode(t, http.StatusCreated, &v)
		w.perform(t, v.ProviderSessionID, v.Movements, w.face(t, clientIIN))
		complete := "/api/v1/verification/" + v.VerificationID + "/complete"
		body := map[string]string{"biometric_session_id": v.BiometricSessionID}

		// The registry does not know the phone as the client's: refused.
		w.call(t, "POST", complete, s.Token, body).want(t, http.StatusForbidden, "phone_not_owned")
		// The registry knows it but cannot answer: refused (fail closed).
		w.phones.Register(clientPhone, clientIIN)
		w.phoneSrv.SetMode(sim.Fail)
		w.call(t, "POST", complete, s.Token, body).want(t, http.StatusServiceUnavailable, "phone_registry_unavailable")
		w.call(t, "GET", "/api/v1/me", s.Token, nil).decode(t, http.StatusOK, &me)
		if !me.FreshVerificationRequired {
			t.Fatal("the mark was lifted although the registry did not answer")
		}
		// Another client cannot complete this clearance.
		w.registerClient(t, otherIIN, otherPhone)
		w.phoneSrv.SetMode(sim.Normal)
		w.call(t, "POST", complete, w.loginAs(t, otherPhone).Token, body).want(t, http.StatusNotFound, "flow_not_found")

		// The registry answers yes: the same flow clears the mark with its passed check.
		var cleared struct {
			ClientID                  string `json:"client_id"`
			FreshVerificationRequired bool   `json:"fresh_verification_required"`
		}
		w.call(t, "POST", complete, s.Token, body).decode(t, http.StatusOK, &cleared)
		if cleared.ClientID != w.clientID || cleared.FreshVerificationRequired {
			t.Fatalf("cleared = %+v", cleared)
		}
		w.call(t, "POST", "/api/v1/verification", s.Token, nil).want(t, http.StatusConflict, "not_compromised")

		// Now the phone change works.
		st := w.beginChange(t, s.Token, "/api/v1/phone-change", map[string]string{"phone": changedPhone})
		w.call(t, "POST", "/api/v1/phone-change/"+st.ChangeID+"/complete", s.Token, map[string]any{
			"biometric_session_id": st.BiometricSessionID, "phone": changedPhone, "signature": w.signAs(t, clientSigner, st.Statement),
		}).decode(t, http.StatusOK, nil)
		if got := w.stored(t, w.clientID).Phone; got != changedPhone {
			t.Fatalf("phone %s, want %s", got, changedPhone)
		}
	})
}
