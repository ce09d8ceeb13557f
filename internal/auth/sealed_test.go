package auth

import (
	"bytes"
	"encoding/base32"
	"errors"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

// sealedTOTP reads a client's two TOTP columns as the database holds them.
func sealedTOTP(t *testing.T, f *fixture, clientID string) (secret, pending []byte) {
	t.Helper()
	if err := f.env.Admin.QueryRow(`SELECT totp_secret_sealed, totp_pending_sealed FROM auth_account WHERE client_id = $1`, clientID).
		Scan(&secret, &pending); err != nil {
		t.Fatal(err)
	}
	return secret, pending
}

// wantSealed checks that stored holds secret (given in base32, as the client was shown it)
// only as a vault ciphertext bound to column and clientID: neither the base32 text nor the
// raw bytes appear in it, and it opens under that binding — and under no other client's.
func wantSealed(t *testing.T, f *fixture, stored []byte, secret, column, clientID string) {
	t.Helper()
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil || len(raw) != 20 {
		t.Fatalf("secret %q: %v", secret, err)
	}
	if len(stored) < vault.Overhead+len(raw) {
		t.Fatalf("%s of %s is %d bytes: not a ciphertext", column, clientID, len(stored))
	}
	if bytes.Contains(stored, raw) || bytes.Contains(stored, []byte(secret)) ||
		strings.Contains(strings.ToUpper(string(stored)), secret) {
		t.Fatalf("%s of %s holds the secret in clear", column, clientID)
	}
	got, err := f.vault.Open(stored, vault.AAD("auth_account", column, clientID))
	if err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("%s of %s does not open to the secret: %v", column, clientID, err)
	}
	if _, err := f.vault.Open(stored, vault.AAD("auth_account", column, clientID+"x")); !errors.Is(err, vault.ErrOpen) {
		t.Fatalf("%s of %s opens for another client: %v", column, clientID, err)
	}
}

// TestR37_TOTPSecretSealedAtRest: TOTP secrets, pending and confirmed, are stored only sealed
// by the vault and bound to their row and column; a sealed secret copied into another client's
// row, or a pending one moved into the confirmed column, makes the login fail closed; and TOTP
// login still works end to end.
func TestR37_TOTPSecretSealedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		a := f.client(t, "c-seal-a", "+77010000071", 71)
		b := f.client(t, "c-seal-b", "+77010000072", 72)
		c := f.client(t, "c-seal-c", "+77010000073", 73)

		// A pending enrolment is sealed too, and nothing is confirmed yet.
		eb, err := f.svc.EnrollTOTP(f.ctx, b.ClientID)
		if err != nil {
			t.Fatal(err)
		}
		secret, pending := sealedTOTP(t, f, b.ClientID)
		if secret != nil {
			t.Fatalf("a confirmed secret before confirmation: %d bytes", len(secret))
		}
		wantSealed(t, f, pending, eb.Secret, "totp_pending_sealed", b.ClientID)
		if err := f.svc.ConfirmTOTP(f.ctx, b.ClientID, totpNow(t, eb.Secret, env.Clock.Now())); err != nil {
			t.Fatal(err)
		}
		secretA := enrolTOTP(t, f, a.ClientID)
		for _, x := range []struct{ id, secret string }{{a.ClientID, secretA}, {b.ClientID, eb.Secret}} {
			secret, pending := sealedTOTP(t, f, x.id)
			if pending != nil {
				t.Fatalf("%s: pending kept after confirmation", x.id)
			}
			wantSealed(t, f, secret, x.secret, "totp_secret_sealed", x.id)
		}
		// The schema itself refuses a secret written in clear.
		raw, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secretA)
		if _, err := env.Admin.Exec(`UPDATE auth_account SET totp_secret_sealed = $1 WHERE client_id = $2`, raw, c.ClientID); err == nil {
			t.Fatal("a clear 20-byte secret was stored")
		}

		// TOTP login end to end.
		env.Clock.Advance(30 * time.Second) // the confirmations spent this step
		ch, err := f.begin(a.Phone, goodPassword, "192.0.2.170")
		if err != nil || ch.Factor != FactorTOTP {
			t.Fatalf("begin: %+v %v", ch, err)
		}
		sess, _, err := f.svc.CompleteLogin(f.ctx, ch.ID, totpNow(t, secretA, env.Clock.Now()))
		if err != nil || sess.ClientID != a.ClientID || sess.Factor != FactorTOTP {
			t.Fatalf("totp login: %+v %v", sess, err)
		}

		// B has a TOTP challenge open when A's sealed secret is copied into B's row: neither
		// A's code nor B's own passes, and no session opens.
		chB, err := f.begin(b.Phone, goodPassword, "192.0.2.171")
		if err != nil || chB.Factor != FactorTOTP {
			t.Fatalf("begin b: %+v %v", chB, err)
		}
		if _, err := env.Admin.Exec(`UPDATE auth_account SET totp_secret_sealed = (SELECT totp_secret_sealed FROM auth_account WHERE client_id = $1)
			WHERE client_id = $2`, a.ClientID, b.ClientID); err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{totpNow(t, secretA, env.Clock.Now()), totpNow(t, eb.Secret, env.Clock.Now())} {
			if _, token, err := f.svc.CompleteLogin(f.ctx, chB.ID, code); err != ErrSecondFactorUnreadable || token != "" {
				t.Fatalf("copied secret: token %q, %v", token, err)
			}
		}
		if _, err := f.begin(b.Phone, goodPassword, "192.0.2.171"); err != ErrSecondFactorUnreadable {
			t.Fatalf("begin with a copied secret: %v", err)
		}
		// A pending secret moved into the confirmed column without ConfirmTOTP does not open
		// either.
		if _, err := f.svc.EnrollTOTP(f.ctx, c.ClientID); err != nil {
			t.Fatal(err)
		}
		if _, err := env.Admin.Exec(`UPDATE auth_account SET totp_secret_sealed = totp_pending_sealed WHERE client_id = $1`, c.ClientID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.begin(c.Phone, goodPassword, "192.0.2.172"); err != ErrSecondFactorUnreadable {
			t.Fatalf("pending moved to confirmed: %v", err)
		}

		var sessions int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM auth_session WHERE client_id IN ($1, $2)`, b.ClientID, c.ClientID).Scan(&sessions); err != nil || sessions != 0 {
			t.Fatalf("%d sessions for b and c: %v", sessions, err)
		}
		for _, r := range f.actions(t, "login.succeeded") {
			if r.objectID != a.ClientID {
				t.Errorf("login succeeded for %s", r.objectID)
			}
		}
		refused := 0
		for _, r := range f.actions(t, "login.refused") {
			if strings.Contains(r.details, "second_factor_unreadable") {
				refused++
			}
		}
		if refused != 4 {
			t.Errorf("%d unreadable-secret refusals audited, want 4: %+v", refused, f.auditRows(t))
		}
		logs := f.logs.String()
		if !strings.Contains(logs, "sealed totp secret does not open") {
			t.Errorf("the unreadable secret was not logged: %s", logs)
		}
		for _, s := range []string{secretA, eb.Secret} {
			if strings.Contains(logs, s) {
				t.Errorf("a secret in the logs")
			}
		}
		// The client whose secret does not open can still sign in by SMS.
		if _, tok := f.login(t, b, "192.0.2.171"); tok == "" {
			t.Fatal("no sms login")
		}
	})
}

// NewService refuses to run without a way to seal the TOTP secrets.
func TestR37_NewServiceRequiresSecrets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, testConfig())
		_, err := NewService(Deps{DB: env.DB, Trail: f.trail, Directory: f.dir, SMS: f.sms, Notifier: f.notes}, testConfig())
		if err == nil || !strings.Contains(err.Error(), "Secrets") {
			t.Fatalf("nil Secrets: %v", err)
		}
	})
}
