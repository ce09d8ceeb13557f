package biometric_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/biometricsim"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// harness is one test's world: a database, the simulator over HTTP, and the service.
type harness struct {
	env    *storetest.Env
	sim    *biometricsim.Simulator
	server *sim.Server
	client *biometric.Client
	svc    *biometric.Service
	cfg    biometric.Config
	vault  *vault.Vault
	ctx    context.Context
}

// demoIIN is a seeded identity of the simulator; otherIIN another one.
const (
	demoIIN  = "850305400120"
	otherIIN = "780721300566"
)

func setup(t *testing.T, env *storetest.Env) *harness {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s := biometricsim.New(env.Clock, key)
	srv, err := sim.Start("biometric", "", s.Handler())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	// A short timeout so that the Hang mode costs the test a fraction of a second.
	client, err := biometric.NewClient(srv.URL, 500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	cfg := biometric.DefaultConfig(key.Public().(ed25519.PublicKey))
	keys, err := vault.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := biometric.NewService(env.DB, audit.NewTrail(env.DB, nil), client, env.Clock, v, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{env: env, sim: s, server: srv, client: client, svc: svc, cfg: cfg, vault: v, ctx: context.Background()}
}

func iin(t *testing.T, s string) kz.IIN {
	t.Helper()
	n, err := kz.ParseIIN(s)
	if err != nil {
		t.Fatalf("test IIN %s: %v", s, err)
	}
	return n
}

func (h *harness) start(t *testing.T, who string) biometric.Session {
	t.Helper()
	sess, err := h.svc.Start(h.ctx, iin(t, who))
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	return sess
}

// reference returns the seeded reference photo of who.
func (h *harness) reference(t *testing.T, who string) []byte {
	t.Helper()
	id, ok := h.sim.Identity(who)
	if !ok {
		t.Fatalf("%s is not seeded", who)
	}
	return id.Reference
}

// perform acts the client's part through the simulator's HTTP API.
func (h *harness) perform(t *testing.T, sess biometric.Session, moves biometric.Sequence, frame []byte) {
	t.Helper()
	if err := h.client.Perform(h.ctx, sess.ProviderSessionID, moves, frame); err != nil {
		t.Fatalf("perform: %v", err)
	}
}

// code returns the stable code of a fault error, "" for any other.
func code(err error) string {
	var k *fault.Kinded
	if errors.As(err, &k) {
		return k.Code
	}
	return ""
}

// count runs a count query as the database owner.
func (h *harness) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := h.env.Admin.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// audited counts the audit events with action about object id, sealed or not.
func (h *harness) audited(t *testing.T, action, id string) int {
	return h.count(t, `SELECT (SELECT count(*) FROM audit_pending WHERE action = $1 AND object_id = $2)
		+ (SELECT count(*) FROM audit_event WHERE action = $1 AND object_id = $2)`, action, id)
}

// refusedWith asserts that a completion was refused with the code, kept the refused check,
// and left the session open with one more attempt.
func (h *harness) refusedWith(t *testing.T, sess biometric.Session, want string) biometric.Check {
	t.Helper()
	check, err := h.svc.Complete(h.ctx, sess.ID)
	if !errors.Is(err, fault.ErrForbidden) || code(err) != want {
		t.Fatalf("complete: got %v (code %q), want ErrForbidden %s", err, code(err), want)
	}
	if check.Passed || check.Reason != want || len(check.Raw) == 0 {
		t.Fatalf("check: passed=%v reason=%q raw=%d bytes", check.Passed, check.Reason, len(check.Raw))
	}
	got, err := h.svc.FindSession(h.ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != biometric.StatusOpen || got.Attempts != sess.Attempts+1 {
		t.Fatalf("session after one refusal: status %s attempts %d, want open and %d", got.Status, got.Attempts, sess.Attempts+1)
	}
	if n := h.audited(t, "biometric.check_refused", sess.ID); n < 1 {
		t.Fatalf("no biometric.check_refused audit event")
	}
	return check
}

// iinIndex is the blind index the client register keeps for who: kind "iin", the same kind
// internal/client uses, so a biometric row found by it is one the client register would find.
func (h *harness) iinIndex(who string) []byte { return h.vault.Index("iin", who) }
