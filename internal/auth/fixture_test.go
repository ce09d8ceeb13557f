package auth

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// directory is the test's client register: a map standing in for the client package's table,
// which another part of the project writes. It is a plain implementation of auth's own
// dependency, not a fake of an outside service.
type directory struct{ byLogin map[string]Account }

func (d *directory) FindAccount(_ context.Context, _ *store.Tx, login string) (Account, error) {
	if a, ok := d.byLogin[login]; ok {
		return a, nil
	}
	return Account{}, fault.New(fault.ErrNotFound, "client_not_found", "no such client")
}

func (d *directory) add(a Account) {
	d.byLogin[a.ClientID] = a
	d.byLogin[a.Phone] = a
}

// smsOutbox records the messages auth asks the SMS gateway to send. The gateway adapter and
// its simulator belong to another part of the project; this is a recording implementation of
// auth's SMSSender interface.
type smsOutbox struct {
	mu   sync.Mutex
	sent []sms
	fail error
}

type sms struct{ phone, text string }

func (o *smsOutbox) Send(_ context.Context, phone, text string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail != nil {
		return o.fail
	}
	o.sent = append(o.sent, sms{phone, text})
	return nil
}

var sixDigits = regexp.MustCompile(`\b[0-9]{6}\b`)

// lastCode returns the code in the last message sent to phone.
func (o *smsOutbox) lastCode(t testing.TB, phone string) string {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := len(o.sent) - 1; i >= 0; i-- {
		if o.sent[i].phone == phone {
			if c := sixDigits.FindString(o.sent[i].text); c != "" {
				return c
			}
		}
	}
	t.Fatalf("no code was sent to %s", phone)
	return ""
}

func (o *smsOutbox) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.sent)
}

// notices records security events, checking they come inside a transaction.
type notices struct {
	mu    sync.Mutex
	kinds []string
}

func (n *notices) SecurityEvent(_ context.Context, tx *store.Tx, clientID, kind string) error {
	if tx == nil {
		return fmt.Errorf("security event %s outside a transaction", kind)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.kinds = append(n.kinds, clientID+":"+kind)
	return nil
}

func (n *notices) list() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.kinds...)
}

// testConfig is DefaultConfig with a cheap hash so that tests run quickly.
func testConfig() Config {
	c := DefaultConfig()
	c.Argon2 = Argon2Params{Time: 1, MemoryKiB: 1024, Threads: 1, SaltLen: 16, KeyLen: 32}
	return c
}

type fixture struct {
	env   *storetest.Env
	svc   *Service
	sms   *smsOutbox
	notes *notices
	dir   *directory
	trail *audit.Trail
	vault *vault.Vault
	ctx   context.Context
	logs  *lockedBuffer
}

// lockedBuffer collects the service's log lines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newFixture(t testing.TB, env *storetest.Env, cfg Config) *fixture {
	t.Helper()
	f := &fixture{env: env, sms: &smsOutbox{}, notes: &notices{}, dir: &directory{byLogin: map[string]Account{}}, logs: &lockedBuffer{}}
	f.trail = audit.NewTrail(env.DB, nil)
	keys, err := vault.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	if f.vault, err = vault.New(keys); err != nil {
		t.Fatal(err)
	}
	f.ctx = reqctx.With(context.Background(), reqctx.Info{RequestID: "req-1", IP: "203.0.113.5", Actor: reqctx.Actor{Kind: reqctx.Anonymous}})
	svc, err := NewService(Deps{DB: env.DB, Trail: f.trail, Directory: f.dir, SMS: f.sms, Notifier: f.notes, Secrets: f.vault,
		Log: slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	return f
}

// testIIN returns a made-up IIN with a valid check digit, born on 1990-01-01 (a man of the
// 20th century, century digit 3), with the serial n.
func testIIN(t testing.TB, n int) string {
	t.Helper()
	for c := 0; c < 10; c++ {
		s := fmt.Sprintf("9001013%04d%d", n, c)
		if _, err := kz.ParseIIN(s); err == nil {
			return s
		}
	}
	t.Fatalf("no valid IIN with serial %d", n)
	return ""
}

const goodPassword = "saryarka steppe wind 47"

// client registers a client in the directory and sets goodPassword.
func (f *fixture) client(t testing.TB, id, phone string, n int) Account {
	t.Helper()
	a := Account{ClientID: id, IIN: testIIN(t, n), Phone: phone}
	f.dir.add(a)
	if err := f.svc.SetPassword(f.ctx, id, NewPassword(goodPassword)); err != nil {
		t.Fatalf("set password: %v", err)
	}
	return a
}

func (f *fixture) begin(login, pw, ip string) (Challenge, error) {
	return f.svc.BeginLogin(f.ctx, LoginRequest{Login: login, Password: NewPassword(pw), IP: ip, UserAgent: "test-agent/1.0"})
}

// login signs in with goodPassword and the SMS code and returns the token.
func (f *fixture) login(t testing.TB, a Account, ip string) (Session, string) {
	t.Helper()
	ch, err := f.svc.BeginLogin(f.ctx, LoginRequest{Login: a.Phone, Password: NewPassword(goodPassword), Factor: FactorSMS, IP: ip, UserAgent: "agent " + ip})
	if err != nil {
		t.Fatalf("begin login: %v", err)
	}
	sess, token, err := f.svc.CompleteLogin(f.ctx, ch.ID, f.sms.lastCode(t, a.Phone))
	if err != nil {
		t.Fatalf("complete login: %v", err)
	}
	return sess, token
}

type auditRow struct{ action, objectID, details string }

// auditRows reads every recorded event, sealed or not.
func (f *fixture) auditRows(t testing.TB) []auditRow {
	t.Helper()
	var out []auditRow
	for _, q := range []string{
		`SELECT action, object_id, details FROM audit_event ORDER BY seq`,
		`SELECT action, object_id, details FROM audit_pending ORDER BY id`,
	} {
		rows, err := f.env.Admin.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var r auditRow
			if err := rows.Scan(&r.action, &r.objectID, &r.details); err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		rows.Close()
	}
	return out
}

func (f *fixture) actions(t testing.TB, action string) []auditRow {
	var out []auditRow
	for _, r := range f.auditRows(t) {
		if r.action == action {
			out = append(out, r)
		}
	}
	return out
}

func wantCode(t testing.TB, err error, want error) {
	t.Helper()
	if err != want {
		t.Fatalf("error = %v, want %v", err, want)
	}
}

func TestTestIINsAreValid(t *testing.T) {
	for n := range 5 {
		s := testIIN(t, n)
		if _, err := kz.ParseIIN(s); err != nil || !strings.HasPrefix(s, "900101") {
			t.Fatalf("testIIN(%d) = %s: %v", n, s, err)
		}
	}
}
