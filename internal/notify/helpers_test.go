package notify

import (
	"context"
	"sync"
	"testing"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/smssim"
	"nesie.kz/nesie/internal/sms"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// phoneBook is the client package's part, as the tests need it.
type phoneBook map[string]string

func (b phoneBook) Phone(_ context.Context, _ *store.Tx, clientID string) (string, error) {
	if p, ok := b[clientID]; ok {
		return p, nil
	}
	return "", fault.New(fault.ErrNotFound, "client_not_found", "No such client.")
}

// countingSender counts deliveries per message before passing them on, so that a test sees
// a double send even though the gateway would deduplicate it.
type countingSender struct {
	next Sender
	mu   sync.Mutex
	n    map[string]int
}

func (c *countingSender) Deliver(ctx context.Context, m Stored) error {
	c.mu.Lock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[m.ID]++
	c.mu.Unlock()
	return c.next.Deliver(ctx, m)
}

type fixture struct {
	env   *storetest.Env
	gw    *smssim.Gateway
	srv   *sim.Server
	sms   *countingSender
	sec   *Security
	trail *audit.Trail
}

func setup(t *testing.T, env *storetest.Env) *fixture {
	t.Helper()
	gw := smssim.New(env.Clock)
	srv, err := sim.Start("sms", "", gw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &fixture{
		env: env, gw: gw, srv: srv,
		sms:   &countingSender{next: SMSSender(sms.New(srv.URL, 500*time.Millisecond))},
		sec:   NewSecurity(phoneBook{"c1": "8 701 123 45 67", "c2": "+7 747 000 11 22"}, nil),
		trail: audit.NewTrail(env.DB, nil),
	}
}

func (f *fixture) worker(cfg WorkerConfig) *Worker {
	return NewWorker(f.env.DB, f.trail, Senders{SMS: f.sms}, cfg)
}

func (f *fixture) enqueue(t *testing.T, m Message) string {
	t.Helper()
	var id string
	err := f.env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		var err error
		id, err = Enqueue(ctx, tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) find(t *testing.T, id string) Stored {
	t.Helper()
	var s Stored
	err := f.env.DB.Read(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		var err error
		s, err = Find(ctx, tx, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (f *fixture) countAudit(t *testing.T, action, objectID string) int {
	t.Helper()
	var n int
	if err := f.env.Admin.QueryRow(`SELECT count(*) FROM audit_pending WHERE action = $1 AND object_id = $2`, action, objectID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func smsTo(phone, text string) Message {
	return Message{Channel: SMS, ClientID: "c1", Recipient: phone, Kind: "test", TextRU: text, TextKK: text + " (kk)"}
}
