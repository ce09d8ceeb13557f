package api_test

import (
	"net/http"
	"testing"

	"nesie.kz/nesie/internal/store/storetest"
)

func TestR6_5_PasswordRecoveryNeedsBiometricsAndCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		old := w.login(t)
		const newPassword = "Fresh-Aurora-Sunrise-93"

		var bs bioSession
		w.call(t, "POST", "/api/v1/recovery/biometric", "", map[string]string{"login": clientPhone}).decode(t, http.StatusCreated, &bs)
		if bs.BiometricSessionID == "" || bs.ProviderSessionID == "" || len(bs.Movements) < 3 || len(bs.Movements) > 5 {
			t.Fatalf("biometric session %+v: want ids and 3 to 5 movements", bs)
		}
		begin := map[string]string{"login": clientPhone, "biometric_session_id": bs.BiometricSessionID}

		// Someone else's face (any other picture) does not pass, and no code is sent.
		sent := len(w.inbox(t, clientPhone))
		w.perform(t, bs.ProviderSessionID, bs.Movements, []byte("\x89PNG not the client's face"))
		a := w.call(t, "POST", "/api/v1/recovery", "", begin)
		if a.status != http.StatusForbidden {
			t.Fatalf("recovery on a failed identification: %d %s", a.status, a.body)
		}
		if n := len(w.inbox(t, clientPhone)); n != sent {
			t.Fatalf("a failed identification got %d codes sent", n-sent)
		}

		// The client performs again, in front of the camera: the identification passes and
		// the code comes by SMS.
		w.perform(t, bs.ProviderSessionID, bs.Movements, w.face(t, clientIIN))
		var ch challenge
		w.call(t, "POST", "/api/v1/recovery", "", begin).decode(t, http.StatusCreated, &ch)
		if ch.Factor != "sms" || ch.SentTo == "" {
			t.Fatalf("recovery challenge %+v", ch)
		}
		code := w.lastCode(t, clientPhone)

		// The same identification cannot open a second recovery (R11).
		if a := w.call(t, "POST", "/api/v1/recovery", "", begin); a.status < 400 {
			t.Fatalf("a spent identification opened another recovery: %d %s", a.status, a.body)
		}

		done := "/api/v1/recovery/" + ch.ChallengeID + "/complete"
		// The code alone with a bad password is refused before the code is spent.
		w.call(t, "POST", done, "", map[string]string{"code": code, "new_password": "short"}).want(t, http.StatusBadRequest, "invalid")
		w.call(t, "POST", done, "", map[string]string{"code": otherCode(code), "new_password": newPassword}).want(t, http.StatusUnauthorized, "code_invalid")
		if a := w.call(t, "POST", done, "", map[string]string{"code": code, "new_password": newPassword}); a.status != http.StatusNoContent {
			t.Fatalf("complete recovery: %d %s", a.status, a.body)
		}

		// Every session ended; the old password is dead, the new one signs in.
		w.call(t, "GET", "/api/v1/me", old.Token, nil).want(t, http.StatusUnauthorized, "session_invalid")
		w.call(t, "POST", "/api/v1/login", "", map[string]string{"login": clientPhone, "password": password, "factor": "sms"}).
			want(t, http.StatusUnauthorized, "invalid_credentials")
		ch2 := w.begin(t, clientPhone, newPassword, "sms")
		w.call(t, "POST", "/api/v1/login/"+ch2.ChallengeID+"/complete", "", map[string]string{"code": w.lastCode(t, clientPhone)}).decode(t, http.StatusCreated, nil)
	})
}

func TestR6_5_RecoveryWithAnotherPersonsBiometricsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		// A second client, also a seeded identity, passes their own identification…
		const otherIIN, otherPhone = "780721300566", "+77015550456"
		w.registerClient(t, otherIIN, otherPhone)
		var bs bioSession
		w.call(t, "POST", "/api/v1/recovery/biometric", "", map[string]string{"login": otherPhone}).decode(t, http.StatusCreated, &bs)
		w.perform(t, bs.ProviderSessionID, bs.Movements, w.face(t, otherIIN))
		// …and tries it on the first client's login: refused, no code sent.
		sent := len(w.inbox(t, clientPhone))
		w.call(t, "POST", "/api/v1/recovery", "", map[string]string{"login": clientPhone, "biometric_session_id": bs.BiometricSessionID}).
			want(t, http.StatusForbidden, "biometric_proof_refused")
		if n := len(w.inbox(t, clientPhone)); n != sent {
			t.Fatalf("%d codes sent on another person's biometrics", n-sent)
		}
		// An unknown login learns nothing more than a wrong password would.
		w.call(t, "POST", "/api/v1/recovery/biometric", "", map[string]string{"login": "+77019998877"}).
			want(t, http.StatusUnauthorized, "invalid_credentials")
	})
}

// otherCode returns a six-digit code that differs from code in its last digit.
func otherCode(code string) string {
	last := code[len(code)-1]
	return code[:len(code)-1] + string('0'+(last-'0'+1)%10)
}
