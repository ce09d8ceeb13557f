package api_test

import (
	"crypto/x509"
	"net/http"
	"testing"

	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/ncasim"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// newcomerIIN is a made-up person the biometric simulator knows (a seeded identity with a
// reference photo) who is not yet a client.
const (
	newcomerIIN   = "780721300566"
	newcomerPhone = "+77075550188"
)

func newcomerApplication(w *world, t *testing.T) map[string]any {
	return map[string]any{
		"kind": "individual",
		"person": map[string]any{
			"full_name":   "Ерлан Тестович Мысалов",
			"iin":         newcomerIIN,
			"id_document": map[string]any{"kind": "id_card", "number": "N07788990", "expires": "2032-01-15"},
		},
		"phone":      newcomerPhone,
		"face_photo": map[string]any{"content_type": "image/jpeg", "data": append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, "selfie"...)},
	}
}

type registrationStarted struct {
	RegistrationID     string   `json:"registration_id"`
	BiometricSessionID string   `json:"biometric_session_id"`
	ProviderSessionID  string   `json:"provider_session_id"`
	Movements          []string `json:"movements"`
	Statement          []byte   `json:"statement"`
}

// sign makes the newcomer's EDS signature over the statement with a certificate the НУЦ
// simulator issues for opts, as NCALayer would on the client's computer.
func (w *world) sign(t *testing.T, iin string, statement []byte, opts ncasim.Options) ([]byte, *x509.Certificate) {
	t.Helper()
	cert, key, err := w.nca.Issue(ncasim.Identity{IIN: iin, Surname: "МЫСАЛОВ", Name: "ЕРЛАН", Patronymic: "ТЕСТОВИЧ"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := eds.SignCMS(statement, cert, key, w.env.Clock.Now(), true)
	if err != nil {
		t.Fatal(err)
	}
	return sig, cert
}

// TestR6_4_RegistrationOverHTTPThenLogin walks a newcomer through registration over the API —
// the application, the movements at the biometric provider, the EDS over the statement's
// exact bytes, a password — and then logs in with the password and an SMS code.
func TestR6_4_RegistrationOverHTTPThenLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		app := newcomerApplication(w, t)
		var started registrationStarted
		w.call(t, "POST", "/api/v1/registrations", "", app).decode(t, http.StatusCreated, &started)
		if len(started.Movements) < 3 || len(started.Statement) == 0 {
			t.Fatalf("started = %+v", started)
		}
		w.perform(t, started.ProviderSessionID, started.Movements, w.face(t, newcomerIIN))
		sig, _ := w.sign(t, newcomerIIN, started.Statement, ncasim.Options{})

		complete := map[string]any{"application": app, "biometric_session_id": started.BiometricSessionID,
			"signature": sig, "password": "Aral-Sea-Sunrise-2031"}
		// A weak password is refused before anything is registered.
		weak := map[string]any{"application": app, "biometric_session_id": started.BiometricSessionID, "signature": sig, "password": "qwerty123"}
		if a := w.call(t, "POST", "/api/v1/registrations/"+started.RegistrationID+"/complete", "", weak); a.status != http.StatusBadRequest || a.field() != "password" {
			t.Fatalf("weak password: %d %s", a.status, a.body)
		}
		var registered struct {
			ClientID string `json:"client_id"`
			Status   string `json:"status"`
		}
		w.call(t, "POST", "/api/v1/registrations/"+started.RegistrationID+"/complete", "", complete).decode(t, http.StatusCreated, &registered)
		if registered.Status != "active" || registered.ClientID == "" {
			t.Fatalf("registered = %+v", registered)
		}
		// The new client logs in with the password and the code sent to the phone.
		s := w.loginAsWith(t, newcomerPhone, "Aral-Sea-Sunrise-2031")
		var me struct {
			ClientID string `json:"client_id"`
		}
		w.call(t, "GET", "/api/v1/me", s.Token, nil).decode(t, http.StatusOK, &me)
		if me.ClientID != registered.ClientID {
			t.Fatalf("me = %+v, want %s", me, registered.ClientID)
		}
	})
}

// TestR6_4_RevokedCertificateRefusedOverHTTP: a signature by a revoked certificate is
// refused with its code, and the newcomer cannot log in — nothing was registered.
func TestR6_4_RevokedCertificateRefusedOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		app := newcomerApplication(w, t)
		var started registrationStarted
		w.call(t, "POST", "/api/v1/registrations", "", app).decode(t, http.StatusCreated, &started)
		w.perform(t, started.ProviderSessionID, started.Movements, w.face(t, newcomerIIN))
		sig, cert := w.sign(t, newcomerIIN, started.Statement, ncasim.Options{})
		if err := w.nca.Revoke(cert.SerialNumber, 1); err != nil {
			t.Fatal(err)
		}
		a := w.call(t, "POST", "/api/v1/registrations/"+started.RegistrationID+"/complete", "",
			map[string]any{"application": app, "biometric_session_id": started.BiometricSessionID, "signature": sig, "password": "Aral-Sea-Sunrise-2031"})
		if a.status < 400 || a.status >= 500 || a.code() != "eds_revoked" {
			t.Fatalf("revoked certificate: %d %s", a.status, a.body)
		}
		w.call(t, "POST", "/api/v1/login", "", map[string]any{"login": newcomerPhone, "password": "Aral-Sea-Sunrise-2031"}).
			want(t, http.StatusUnauthorized, "invalid_credentials")
	})
}

// TestR6_4_CertificateRefusalsOverHTTP completes a registration with each kind of bad
// certificate, and with the НУЦ's revocation services down: each is refused with its code
// and nothing is registered (the newcomer cannot log in).
func TestR6_4_CertificateRefusalsOverHTTP(t *testing.T) {
	cases := []struct {
		name   string
		iin    string
		opts   ncasim.Options
		ncaOff bool
		code   string
	}{
		{"expired", newcomerIIN, ncasim.Options{Expired: true}, false, "eds_certificate_not_valid"},
		{"authentication key used to sign", newcomerIIN, ncasim.Options{Purpose: eds.PurposeAuth}, false, "eds_wrong_key_usage"},
		{"untrusted root", newcomerIIN, ncasim.Options{Untrusted: true}, false, "eds_untrusted_chain"},
		{"another person's certificate", "850305400120", ncasim.Options{}, false, "eds_subject_mismatch"},
		{"OCSP and CRL unreachable", newcomerIIN, ncasim.Options{}, true, "eds_revocation_unknown"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := storetest.New(t, store.SQLite)
			w := newWorld(t, env)
			app := newcomerApplication(w, t)
			var started registrationStarted
			w.call(t, "POST", "/api/v1/registrations", "", app).decode(t, http.StatusCreated, &started)
			w.perform(t, started.ProviderSessionID, started.Movements, w.face(t, newcomerIIN))
			sig, _ := w.sign(t, c.iin, started.Statement, c.opts)
			if c.ncaOff {
				w.ncaSrv.SetMode(sim.Fail)
			}
			a := w.call(t, "POST", "/api/v1/registrations/"+started.RegistrationID+"/complete", "",
				map[string]any{"application": app, "biometric_session_id": started.BiometricSessionID, "signature": sig, "password": "Aral-Sea-Sunrise-2031"})
			if a.status < 400 || a.code() != c.code {
				t.Fatalf("got %d %s, want code %s", a.status, a.body, c.code)
			}
			w.ncaSrv.SetMode(sim.Normal)
			w.call(t, "POST", "/api/v1/login", "", map[string]any{"login": newcomerPhone, "password": "Aral-Sea-Sunrise-2031"}).
				want(t, http.StatusUnauthorized, "invalid_credentials")
		})
	}
}

// TestR35_MovementsOutOfOrderRefusedOverHTTP: the newcomer performs the movements in another
// order than asked; the registration is refused and nothing is registered.
func TestR35_MovementsOutOfOrderRefusedOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		app := newcomerApplication(w, t)
		var started registrationStarted
		w.call(t, "POST", "/api/v1/registrations", "", app).decode(t, http.StatusCreated, &started)
		moves := append([]string(nil), started.Movements...)
		moves[0], moves[1] = moves[1], moves[0]
		w.perform(t, started.ProviderSessionID, moves, w.face(t, newcomerIIN))
		sig, _ := w.sign(t, newcomerIIN, started.Statement, ncasim.Options{})
		a := w.call(t, "POST", "/api/v1/registrations/"+started.RegistrationID+"/complete", "",
			map[string]any{"application": app, "biometric_session_id": started.BiometricSessionID, "signature": sig, "password": "Aral-Sea-Sunrise-2031"})
		if a.status != http.StatusForbidden || a.code() != "biometric_movements_mismatch" {
			t.Fatalf("got %d %s", a.status, a.body)
		}
		w.call(t, "POST", "/api/v1/login", "", map[string]any{"login": newcomerPhone, "password": "Aral-Sea-Sunrise-2031"}).
			want(t, http.StatusUnauthorized, "invalid_credentials")
	})
}
