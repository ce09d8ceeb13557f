package api_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"
	"time"

	"nesie.kz/nesie/internal/store/storetest"
)

// phone is the app's side of a device: a key pair in the phone's secure hardware.
type phone struct {
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
	id   string
}

func newPhone(t *testing.T) *phone {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &phone{priv: priv, pub: pub}
}

// sign returns the Nesie-Signature header of a request, built from the protocol's
// description (device.SignatureHeader's doc) rather than with the code under test.
func (p *phone) sign(method, uri string, body []byte, ts time.Time) string {
	var nonce [18]byte
	_, _ = rand.Read(nonce[:])
	n := base64.RawURLEncoding.EncodeToString(nonce[:])
	sum := sha256.Sum256(body)
	msg := "nesie-device-v1\n" + method + "\n" + uri + "\n" + hex.EncodeToString(sum[:]) + "\n" +
		strconv.FormatInt(ts.Unix(), 10) + "\n" + n + "\n" + p.id
	sig := ed25519.Sign(p.priv, []byte(msg))
	return "v=1,device=" + p.id + ",ts=" + strconv.FormatInt(ts.Unix(), 10) + ",nonce=" + n + ",sig=" + base64.RawURLEncoding.EncodeToString(sig)
}

// registerDevice passes biometrics as the person iin and registers p for the signed-in
// client of token.
func (w *world) registerDevice(t *testing.T, token, iin string, p *phone) {
	t.Helper()
	var bs bioSession
	w.call(t, "POST", "/api/v1/biometric", token, nil).decode(t, http.StatusCreated, &bs)
	w.perform(t, bs.ProviderSessionID, bs.Movements, w.face(t, iin))
	var check struct {
		BiometricCheckID string `json:"biometric_check_id"`
		Passed           bool   `json:"passed"`
	}
	w.call(t, "POST", "/api/v1/biometric/"+bs.BiometricSessionID+"/complete", token, nil).decode(t, http.StatusOK, &check)
	if !check.Passed || check.BiometricCheckID == "" {
		t.Fatalf("check %+v", check)
	}
	var dev struct {
		ID string `json:"id"`
	}
	w.call(t, "POST", "/api/v1/devices", token, map[string]any{"name": "my phone", "platform": "android",
		"algorithm": "ed25519", "public_key": []byte(p.pub), "biometric_check_id": check.BiometricCheckID}).decode(t, http.StatusCreated, &dev)
	p.id = dev.ID
}

type deviceList struct {
	Devices []struct {
		ID        string `json:"id"`
		Current   bool   `json:"current"`
		RevokedAt string `json:"revoked_at"`
	} `json:"devices"`
}

func TestR26_2_DeviceRegisteredAndSignedRequestsVerified(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		s := w.login(t)
		p := newPhone(t)
		reg := map[string]any{"name": "my phone", "platform": "android", "algorithm": "ed25519", "public_key": []byte(p.pub)}

		// Without a biometric check passed now, no device.
		reg["biometric_check_id"] = "0123456789abcdef0123456789abcdef"
		w.call(t, "POST", "/api/v1/devices", s.Token, reg).want(t, http.StatusForbidden, "biometrics_required")

		// The client passes biometric identification and registers the key.
		var bs bioSession
		w.call(t, "POST", "/api/v1/biometric", s.Token, nil).decode(t, http.StatusCreated, &bs)
		w.perform(t, bs.ProviderSessionID, bs.Movements, w.face(t, clientIIN))
		var check struct {
			BiometricCheckID string `json:"biometric_check_id"`
			Passed           bool   `json:"passed"`
		}
		w.call(t, "POST", "/api/v1/biometric/"+bs.BiometricSessionID+"/complete", s.Token, nil).decode(t, http.StatusOK, &check)
		if !check.Passed || check.BiometricCheckID == "" {
			t.Fatalf("check %+v", check)
		}
		reg["biometric_check_id"] = check.BiometricCheckID
		var dev struct {
			ID string `json:"id"`
		}
		w.call(t, "POST", "/api/v1/devices", s.Token, reg).decode(t, http.StatusCreated, &dev)
		p.id = dev.ID

		// A signed request is verified and knows its device.
		var list deviceList
		w.call(t, "GET", "/api/v1/devices", s.Token, nil).decode(t, http.StatusOK, &list)
		if len(list.Devices) != 1 || list.Devices[0].ID != p.id || list.Devices[0].Current {
			t.Fatalf("unsigned list %+v", list)
		}
		sig := p.sign("GET", "/api/v1/devices", nil, env.Clock.Now())
		w.call(t, "GET", "/api/v1/devices", s.Token, nil, "Nesie-Signature", sig).decode(t, http.StatusOK, &list)
		if len(list.Devices) != 1 || !list.Devices[0].Current {
			t.Fatalf("signed list %+v: want the signing device marked current", list)
		}

		// The same signed request again (a replay) is refused, token or not.
		w.call(t, "GET", "/api/v1/devices", s.Token, nil, "Nesie-Signature", sig).want(t, http.StatusUnauthorized, "signature_invalid")
		// A signature of another endpoint does not carry over.
		other := p.sign("GET", "/api/v1/sessions", nil, env.Clock.Now())
		w.call(t, "GET", "/api/v1/devices", s.Token, nil, "Nesie-Signature", other).want(t, http.StatusUnauthorized, "signature_invalid")
		// A tampered body: the signature covered another password change, which does not happen.
		signedBody := []byte(`{"current":"` + password + `","new":"Harmless-Change-Of-Mind-5"}`)
		sentBody := `{"current":"` + password + `","new":"Attacker-Chosen-Secret-66"}`
		tampered := p.sign("POST", "/api/v1/password", signedBody, env.Clock.Now())
		w.call(t, "POST", "/api/v1/password", s.Token, sentBody, "Nesie-Signature", tampered).want(t, http.StatusUnauthorized, "signature_invalid")
		w.begin(t, clientPhone, password, "sms") // the password is unchanged
		// A signature made long ago is refused.
		stale := p.sign("GET", "/api/v1/devices", nil, env.Clock.Now().Add(-10*time.Minute))
		w.call(t, "GET", "/api/v1/devices", s.Token, nil, "Nesie-Signature", stale).want(t, http.StatusUnauthorized, "signature_invalid")
		// A second signature beside a good one: which one signed depends on the reader.
		good := p.sign("GET", "/api/v1/devices", nil, env.Clock.Now())
		w.call(t, "GET", "/api/v1/devices", s.Token, nil, "Nesie-Signature", good, "Nesie-Signature", "v=1").want(t, http.StatusUnauthorized, "signature_invalid")
		// A second bearer token beside a good one is no session, whichever comes first.
		w.call(t, "GET", "/api/v1/devices", s.Token, nil, "Authorization", "Bearer forged").want(t, http.StatusUnauthorized, "session_invalid")
		// A good signature does not stand in for a session.
		fresh := p.sign("GET", "/api/v1/devices", nil, env.Clock.Now())
		w.call(t, "GET", "/api/v1/devices", "", nil, "Nesie-Signature", fresh).want(t, http.StatusUnauthorized, "session_invalid")

		// The client revokes the device; its signatures are refused from then on.
		if a := w.call(t, "DELETE", "/api/v1/devices/"+p.id, s.Token, nil); a.status != http.StatusNoContent {
			t.Fatalf("revoke: %d %s", a.status, a.body)
		}
		after := p.sign("GET", "/api/v1/devices", nil, env.Clock.Now())
		w.call(t, "GET", "/api/v1/devices", s.Token, nil, "Nesie-Signature", after).want(t, http.StatusUnauthorized, "signature_invalid")
		w.call(t, "GET", "/api/v1/devices", s.Token, nil).decode(t, http.StatusOK, &list)
		if len(list.Devices) != 1 || list.Devices[0].RevokedAt == "" {
			t.Fatalf("list after revoke %+v", list)
		}
	})
}

func TestR26_2_AnotherClientsDeviceCannotSignForThisSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newWorld(t, env)
		const otherIIN, otherPhone = "780721300566", "+77015550456"
		w.registerClient(t, otherIIN, otherPhone)
		mine, theirs := w.login(t), w.loginAs(t, otherPhone)
		theirPhone := newPhone(t)
		w.registerDevice(t, theirs.Token, otherIIN, theirPhone)
		// Their device's valid signature on a request with my token is refused…
		sig := theirPhone.sign("GET", "/api/v1/me", nil, env.Clock.Now())
		w.call(t, "GET", "/api/v1/me", mine.Token, nil, "Nesie-Signature", sig).want(t, http.StatusUnauthorized, "signature_invalid")
		// …and I cannot revoke their device: it does not exist for me.
		w.call(t, "DELETE", "/api/v1/devices/"+theirPhone.id, mine.Token, nil).want(t, http.StatusNotFound, "device_not_found")
		// With their own token it passes.
		ok := theirPhone.sign("GET", "/api/v1/me", nil, env.Clock.Now())
		w.call(t, "GET", "/api/v1/me", theirs.Token, nil, "Nesie-Signature", ok).decode(t, http.StatusOK, nil)
	})
}
