package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/device"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

// TestR36_StaffMarkAClientCompromisedAndRecordTheCall drives `nesie staff` on a registered
// client: the mark, the open call task, the call recorded with the refusal recommendation —
// each audited under the staff member.
func TestR36_StaffMarkAClientCompromisedAndRecordTheCall(t *testing.T) {
	env := storetest.New(t, store.SQLite)
	dir := filepath.Dir(env.Path)
	v, err := vault.LoadOrCreateKeyFile(filepath.Join(dir, "vault.key"))
	if err != nil {
		t.Fatal(err)
	}
	clients := client.NewService(v, audit.NewTrail(env.DB, nil))
	id := registerTestClient(t, env, clients)
	run := func(args ...string) (int, string, string) {
		c, out, errOut := testCLI()
		code := c.run(context.Background(), append(append([]string{"staff"}, args...), "--data", dir))
		return code, out.String(), errOut.String()
	}
	if code, _, errOut := run("compromise", "--client", id, "--reason", "leak reported"); code != 2 || !strings.Contains(errOut, "--staff is required") {
		t.Fatalf("without --staff: %d %s", code, errOut)
	}
	code, out, errOut := run("compromise", "--staff", "s-17", "--client", id, "--reason", "data seen on a leak site")
	if code != 0 {
		t.Fatalf("compromise: %d %s", code, errOut)
	}
	task := regexp.MustCompile(`call task (\S+) opened`).FindStringSubmatch(out)
	if task == nil {
		t.Fatalf("no call task in %q", out)
	}
	if code, out, _ := run("call-tasks"); code != 0 || !strings.Contains(out, task[1]) || !strings.Contains(out, id) {
		t.Fatalf("call-tasks: %d %s", code, out)
	}
	if code, _, errOut := run("complete-call", "--staff", "s-17", "--task", task[1], "--outcome", "reached", "--refusal-recommended"); code != 0 {
		t.Fatalf("complete-call: %d %s", code, errOut)
	}
	if code, out, _ := run("call-tasks"); code != 0 || strings.Contains(out, task[1]) {
		t.Fatalf("the completed task is still open: %s", out)
	}
	var marked bool
	err = env.DB.Read(reqctx.With(context.Background(), reqctx.Info{}), func(ctx context.Context, tx *store.Tx) error {
		c, err := clients.Find(ctx, tx, id)
		marked = client.RequiresFreshVerification(c)
		return err
	})
	if err != nil || !marked {
		t.Fatalf("the client is not marked: %v %v", marked, err)
	}
	var n int
	if err := env.Admin.QueryRow(`SELECT count(*) FROM audit_pending WHERE actor_kind = 'staff' AND actor_id = 's-17'`).Scan(&n); err != nil || n < 2 {
		t.Fatalf("staff actions audited: %d, %v", n, err)
	}
}

// passedBiometrics stands in for the biometric gate when a test registers a device directly:
// the gate's own checks are proven in the api and device packages.
type passedBiometrics struct{}

func (passedBiometrics) FreshBiometrics(context.Context, *store.Tx, string, string) error { return nil }

// TestR26_2_StaffRevokeADevice revokes a client's device with `nesie staff revoke-device`:
// a reason is required, and the revocation names the staff member.
func TestR26_2_StaffRevokeADevice(t *testing.T) {
	env := storetest.New(t, store.SQLite)
	dir := filepath.Dir(env.Path)
	v, err := vault.LoadOrCreateKeyFile(filepath.Join(dir, "vault.key"))
	if err != nil {
		t.Fatal(err)
	}
	clientID := registerTestClient(t, env, client.NewService(v, audit.NewTrail(env.DB, nil)))
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	devices := device.New(env.DB, audit.NewTrail(env.DB, nil), passedBiometrics{}, nil, device.Config{})
	ctx := reqctx.WithActor(context.Background(), reqctx.Actor{Kind: reqctx.Client, ID: clientID})
	d, err := devices.Register(ctx, device.Registration{ClientID: clientID, Name: "phone", Platform: device.Android,
		Algorithm: device.Ed25519, PublicKey: pub, BiometricCheck: "check-1"})
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		c, out, errOut := testCLI()
		code := c.run(context.Background(), append(append([]string{"staff", "revoke-device"}, args...), "--data", dir))
		return code, out.String() + errOut.String()
	}
	if code, out := run("--staff", "s-3", "--device", d.ID); code != 1 || !strings.Contains(out, "reason") {
		t.Fatalf("without a reason: %d %s", code, out)
	}
	if code, out := run("--staff", "s-3", "--device", d.ID, "--reason", "registered by a fraudster"); code != 0 {
		t.Fatalf("revoke: %d %s", code, out)
	}
	var by string
	if err := env.Admin.QueryRow(`SELECT revoked_by FROM device WHERE id = $1`, d.ID).Scan(&by); err != nil || by != "staff:s-3" {
		t.Fatalf("revoked_by = %q, %v", by, err)
	}
}

// registerTestClient writes an active made-up client directly.
func registerTestClient(t *testing.T, env *storetest.Env, clients *client.Service) string {
	t.Helper()
	var id string
	err := env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		c, err := clients.Register(ctx, tx, client.Application{
			Kind: client.Entrepreneur,
			Person: client.Person{FullName: "Дана Тестовна Үлгіева", IIN: "010204600783",
				IDDocument: client.IDDocument{Kind: client.IDCard, Number: "N01122334", Expires: date.Of(2033, 2, 1)}},
			Phone:     "+77015550177",
			FacePhoto: client.Upload{ContentType: "image/jpeg", Content: append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, "face"...)},
		})
		if err != nil {
			return err
		}
		id = c.ID
		_, err = clients.Activate(ctx, tx, c.ID, client.Evidence{BiometricCheckID: "bio-1"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
