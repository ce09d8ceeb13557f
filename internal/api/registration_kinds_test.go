package api_test

import (
	"maps"
	"net/http"
	"testing"

	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/sim/ncasim"
	"nesie.kz/nesie/internal/store/storetest"
)

// Made-up values with valid check digits (checked by kz.Parse* in the tests).
const (
	companyBIN   = "100540001234"
	companyPhone = "+77075550422"
)

// registered is the answer of a completed registration.
type registered struct {
	ClientID string `json:"client_id"`
	Kind     string `json:"kind"`
	Status   string `json:"status"`
}

// applicationOf returns a made-up application of kind for the seeded identity iin.
func applicationOf(kind, iin, phone string) map[string]any {
	return map[string]any{
		"kind": kind,
		"person": map[string]any{
			"full_name":   "Дана Айдаровна Примерова",
			"iin":         iin,
			"id_document": map[string]any{"kind": "id_card", "number": "N03322110", "expires": "2033-09-30"},
		},
		"phone":      phone,
		"face_photo": map[string]any{"content_type": "image/jpeg", "data": append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, "selfie-"+iin...)},
	}
}

// startRegistration begins a registration of app and performs its movements as iin's owner.
func (w *world) startRegistration(t *testing.T, app map[string]any, iin string) registrationStarted {
	t.Helper()
	var st registrationStarted
	w.call(t, "POST", "/api/v1/registrations", "", app).decode(t, http.StatusCreated, &st)
	w.perform(t, st.ProviderSessionID, st.Movements, w.face(t, iin))
	return st
}

// completeRegistration sends the completion of st with the biometric session bio.
func (w *world) completeRegistration(t *testing.T, st registrationStarted, app map[string]any, bio string, sig []byte) answer {
	t.Helper()
	body := map[string]any{"application": app, "biometric_session_id": bio, "password": "Aral-Sea-Sunrise-2031"}
	if sig != nil {
		body["signature"] = sig
	}
	return w.call(t, "POST", "/api/v1/registrations/"+st.RegistrationID+"/complete", "", body)
}

// cannotLogIn fails unless the phone's owner has no account: nothing was registered.
func (w *world) cannotLogIn(t *testing.T, phone string) {
	t.Helper()
	w.call(t, "POST", "/api/v1/login", "", map[string]any{"login": phone, "password": "Aral-Sea-Sunrise-2031", "factor": "sms"}).
		want(t, http.StatusUnauthorized, "invalid_credentials")
}

func TestR6_4_EntrepreneurRegistersOverHTTPWithoutEDS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		// An individual must sign: without EDS the completion is refused, naming the field.
		person := applicationOf("individual", otherIIN, otherPhone)
		pst := w.startRegistration(t, person, otherIIN)
		if a := w.completeRegistration(t, pst, person, pst.BiometricSessionID, nil); a.status != http.StatusBadRequest || a.field() != "signature" {
			t.Fatalf("individual without EDS: %d %s", a.status, a.body)
		}
		w.cannotLogIn(t, otherPhone)

		// An individual entrepreneur registers with biometrics alone (R6.4).
		app := applicationOf("entrepreneur", newcomerIIN, newcomerPhone)
		st := w.startRegistration(t, app, newcomerIIN)
		var got registered
		w.completeRegistration(t, st, app, st.BiometricSessionID, nil).decode(t, http.StatusCreated, &got)
		if got.Kind != "entrepreneur" || got.Status != "active" {
			t.Fatalf("registered = %+v", got)
		}
		c := w.stored(t, got.ClientID)
		if c.IIN.String() != newcomerIIN || c.Phone != newcomerPhone {
			t.Fatalf("stored client %s %s", c.IIN, c.Phone)
		}
		s := w.loginAsWith(t, newcomerPhone, "Aral-Sea-Sunrise-2031")
		var me struct {
			ClientID string `json:"client_id"`
			Kind     string `json:"kind"`
		}
		w.call(t, "GET", "/api/v1/me", s.Token, nil).decode(t, http.StatusOK, &me)
		if me.ClientID != got.ClientID || me.Kind != "entrepreneur" {
			t.Fatalf("me = %+v", me)
		}
	})
}

func TestR6_2_LegalEntityRegistersOverHTTPWithSignatoryEDS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		if _, err := kz.ParseBIN(companyBIN); err != nil {
			t.Fatalf("test BIN: %v", err)
		}
		app := applicationOf("legal_entity", otherIIN, companyPhone)
		// Without the authority scan the application is refused, naming the field.
		if a := w.call(t, "POST", "/api/v1/registrations", "", app); a.status != http.StatusBadRequest || a.field() == "" {
			t.Fatalf("legal entity without BIN and authority: %d %s", a.status, a.body)
		}
		app["bin"] = companyBIN
		app["authority"] = map[string]any{"content_type": "application/pdf", "data": []byte("%PDF-1.7\nORDER-APPOINTING-THE-HEAD-api-3310\n%%EOF")}
		app["authority_kind"] = "head_appointment_order"
		st := w.startRegistration(t, app, otherIIN)

		// The signatory's personal certificate does not sign for the entity.
		personal := ncasim.Identity{IIN: otherIIN, Surname: "ПРИМЕРОВА", Name: "ДАНА"}
		if a := w.completeRegistration(t, st, app, st.BiometricSessionID, w.signAs(t, personal, st.Statement)); a.status != http.StatusForbidden {
			t.Fatalf("personal certificate for a legal entity: %d %s", a.status, a.body)
		}
		// Nor does the head's certificate of another company.
		elsewhere := ncasim.Identity{IIN: otherIIN, Surname: "ПРИМЕРОВА", Name: "ДАНА", BIN: "100540001244",
			Organization: "ТОО «ДРУГАЯ КОМПАНИЯ»", Roles: []eds.Role{eds.RoleHead}}
		if _, err := kz.ParseBIN(elsewhere.BIN); err != nil {
			t.Fatalf("test BIN: %v", err)
		}
		w.completeRegistration(t, st, app, st.BiometricSessionID, w.signAs(t, elsewhere, st.Statement)).
			want(t, http.StatusForbidden, "eds_subject_mismatch")
		w.cannotLogIn(t, companyPhone)

		head := ncasim.Identity{IIN: otherIIN, Surname: "ПРИМЕРОВА", Name: "ДАНА", BIN: companyBIN,
			Organization: "ТОО «ТЕСТОВАЯ КОМПАНИЯ»", Roles: []eds.Role{eds.RoleHead}}
		var got registered
		w.completeRegistration(t, st, app, st.BiometricSessionID, w.signAs(t, head, st.Statement)).decode(t, http.StatusCreated, &got)
		if got.Kind != "legal_entity" || got.Status != "active" {
			t.Fatalf("registered = %+v", got)
		}
		c := w.stored(t, got.ClientID)
		if c.BIN.String() != companyBIN || c.IIN.String() != otherIIN {
			t.Fatalf("stored BIN %s, signatory %s", c.BIN, c.IIN)
		}
		s := w.loginAsWith(t, companyPhone, "Aral-Sea-Sunrise-2031")
		var me struct {
			ClientID string `json:"client_id"`
			Kind     string `json:"kind"`
		}
		w.call(t, "GET", "/api/v1/me", s.Token, nil).decode(t, http.StatusOK, &me)
		if me.ClientID != got.ClientID || me.Kind != "legal_entity" {
			t.Fatalf("me = %+v", me)
		}
	})
}

func TestR35_ReplayedBiometricSessionRefusedOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		mine := applicationOf("entrepreneur", newcomerIIN, newcomerPhone)
		theirs := applicationOf("entrepreneur", otherIIN, otherPhone)
		a := w.startRegistration(t, mine, newcomerIIN)
		b := w.startRegistration(t, theirs, otherIIN)
		if a.BiometricSessionID == b.BiometricSessionID {
			t.Fatal("two registrations share a biometric session")
		}
		// Another registration's passed session does not complete this one.
		w.completeRegistration(t, a, mine, b.BiometricSessionID, nil).want(t, http.StatusForbidden, "biometric_session_foreign")
		// Someone on the wire answers this session with the other's genuine, signed result.
		if err := w.bio.ReplayResult(a.ProviderSessionID, b.ProviderSessionID); err != nil {
			t.Fatal(err)
		}
		w.completeRegistration(t, a, mine, a.BiometricSessionID, nil).want(t, http.StatusForbidden, "biometric_result_replayed")
		w.cannotLogIn(t, newcomerPhone)
		// The other registration, with its own session, is unaffected.
		var got registered
		w.completeRegistration(t, b, theirs, b.BiometricSessionID, nil).decode(t, http.StatusCreated, &got)
		if c := w.stored(t, got.ClientID); c.IIN.String() != otherIIN {
			t.Fatalf("registered IIN %s, want %s", c.IIN, otherIIN)
		}
	})
}

func TestR6_7_IINCannotChangeOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		s := w.login(t)
		var before struct {
			ClientID string `json:"client_id"`
		}
		w.call(t, "GET", "/api/v1/me", s.Token, nil).decode(t, http.StatusOK, &before)

		// A registration whose application swaps the IIN between the two calls is refused.
		app := newcomerApplication(w, t)
		st := w.startRegistration(t, app, newcomerIIN)
		sig := w.signAs(t, ncasim.Identity{IIN: newcomerIIN, Surname: "МЫСАЛОВ", Name: "ЕРЛАН"}, st.Statement)
		swapped := maps.Clone(app)
		person := maps.Clone(app["person"].(map[string]any))
		person["iin"] = clientIIN
		swapped["person"] = person
		w.completeRegistration(t, st, swapped, st.BiometricSessionID, sig).want(t, http.StatusForbidden, "statement_mismatch")

		// No client endpoint takes an IIN: a change body naming one is refused as unknown,
		// and /me takes no writes.
		w.call(t, "POST", "/api/v1/phone-change", s.Token, map[string]any{"phone": changedPhone, "iin": newcomerIIN}).
			want(t, http.StatusBadRequest, "invalid")
		for _, method := range []string{"PUT", "PATCH", "POST"} {
			if a := w.call(t, method, "/api/v1/me", s.Token, map[string]any{"iin": newcomerIIN}); a.status != http.StatusNotFound && a.status != http.StatusMethodNotAllowed {
				t.Fatalf("%s /me: %d %s, want no such route", method, a.status, a.body)
			}
		}

		var after struct {
			ClientID string `json:"client_id"`
		}
		w.call(t, "GET", "/api/v1/me", s.Token, nil).decode(t, http.StatusOK, &after)
		if after.ClientID != before.ClientID || after.ClientID != w.clientID {
			t.Fatalf("me %s, before %s", after.ClientID, before.ClientID)
		}
		if got := w.stored(t, w.clientID).IIN.String(); got != clientIIN {
			t.Fatalf("stored IIN %s, want %s", got, clientIIN)
		}
		w.cannotLogIn(t, newcomerPhone)
	})
}
