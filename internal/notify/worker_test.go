package notify

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestEnqueueIsIdempotentByKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		m := smsTo("+77011234567", "hello")
		m.IdempotencyKey = "otp-42"
		a, b := f.enqueue(t, m), f.enqueue(t, m)
		if a != b {
			t.Errorf("the same key enqueued twice gave ids %s and %s", a, b)
		}
		var n int
		env.Admin.QueryRow(`SELECT count(*) FROM notify_outbox`).Scan(&n)
		if n != 1 {
			t.Errorf("outbox has %d rows, want 1", n)
		}
		err := env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
			_, err := Enqueue(ctx, tx, Message{Channel: "fax", Recipient: "x", Kind: "k", TextRU: "t"})
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "channel") {
			t.Errorf("a fax: %v, want a field error on channel", err)
		}
	})
}

func TestWorkerRetriesWithBackoffAfterAFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		ctx := context.Background()
		id := f.enqueue(t, smsTo("+77011234567", "hello"))
		w := f.worker(WorkerConfig{BaseBackoff: time.Minute, MaxAttempts: 5})

		f.srv.SetMode(sim.Fail)
		if r, err := w.RunOnce(ctx); err != nil || r.Failed != 1 {
			t.Fatalf("first round = %+v, %v; want one failure", r, err)
		}
		s := f.find(t, id)
		if s.Status != Pending || s.Attempts != 1 || !s.NextAttemptAt.Equal(storetest.Start.Add(time.Minute)) || s.LastError == "" {
			t.Fatalf("after the failure: %+v; want pending, 1 attempt, due a minute later", s)
		}

		f.srv.SetMode(sim.Normal)
		env.Clock.Advance(59 * time.Second)
		if r, _ := w.RunOnce(ctx); r != (Round{}) {
			t.Fatalf("before the backoff ran out: %+v, want nothing done", r)
		}
		if n := len(f.gw.Messages("")); n != 0 {
			t.Fatalf("gateway got %d messages before the backoff ran out", n)
		}
		env.Clock.Advance(time.Second)
		if r, err := w.RunOnce(ctx); err != nil || r.Sent != 1 {
			t.Fatalf("after the backoff = %+v, %v; want one sent", r, err)
		}
		if s := f.find(t, id); s.Status != Sent || s.Attempts != 2 {
			t.Errorf("after sending: %+v", s)
		}
		if n := len(f.gw.Messages("+77011234567")); n != 1 {
			t.Errorf("gateway holds %d messages, want 1", n)
		}
	})
}

func TestWorkerBackoffDoubles(t *testing.T) {
	w := NewWorker(nil, nil, Senders{}, WorkerConfig{BaseBackoff: 10 * time.Second, MaxBackoff: 45 * time.Second})
	for attempt, want := range map[int]time.Duration{1: 10 * time.Second, 2: 20 * time.Second, 3: 40 * time.Second, 4: 45 * time.Second, 60: 45 * time.Second} {
		if got := w.Backoff(attempt); got != want {
			t.Errorf("Backoff(%d) = %s, want %s", attempt, got, want)
		}
	}
}

func TestWorkerDeadLettersAfterMaxAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		ctx := context.Background()
		id := f.enqueue(t, smsTo("+77011234567", "hello"))
		w := f.worker(WorkerConfig{BaseBackoff: time.Minute, MaxAttempts: 3})
		f.srv.SetMode(sim.Garbage)
		wantNext := []time.Duration{time.Minute, 2 * time.Minute}
		for attempt := 1; attempt <= 3; attempt++ {
			r, err := w.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			s := f.find(t, id)
			if attempt < 3 {
				if r.Failed != 1 || s.Status != Pending || !s.NextAttemptAt.Equal(env.Clock.Now().Add(wantNext[attempt-1])) {
					t.Fatalf("attempt %d: %+v, %+v", attempt, r, s)
				}
				if f.countAudit(t, "notification.dead_lettered", id) != 0 {
					t.Fatalf("dead letter audited after attempt %d", attempt)
				}
				env.Clock.Advance(wantNext[attempt-1])
				continue
			}
			if r.Dead != 1 || s.Status != Dead || s.Attempts != 3 {
				t.Fatalf("last attempt: %+v, %+v; want dead after 3", r, s)
			}
		}
		if n := f.countAudit(t, "notification.dead_lettered", id); n != 1 {
			t.Errorf("%d dead-letter audit events, want 1", n)
		}
		f.srv.SetMode(sim.Normal)
		env.Clock.Advance(24 * time.Hour)
		if r, _ := w.RunOnce(ctx); r != (Round{}) {
			t.Errorf("a dead message was tried again: %+v", r)
		}
	})
}

func TestWorkerRecordsMissingProvidersAsFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		id := f.enqueue(t, Message{Channel: Push, ClientID: "c1", Recipient: "device-token", Kind: "test", TextRU: "t"})
		r, err := f.worker(WorkerConfig{}).RunOnce(context.Background())
		if err != nil || r.Failed != 1 || r.Sent != 0 {
			t.Fatalf("round = %+v, %v; want a failure", r, err)
		}
		if s := f.find(t, id); s.Status != Pending || !strings.Contains(s.LastError, ErrNoProvider.Error()) {
			t.Errorf("push without a provider: %+v", s)
		}
	})
}

// Two workers — on PostgreSQL two nodes with their own connection pools — drain the outbox
// at the same time; every message is delivered exactly once, counted before the gateway
// (whose own deduplication would otherwise hide a double send).
func TestWorkersRunningAtOnceSendEachMessageOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := setup(t, env)
		ctx := context.Background()
		const total = 30
		phones := map[string]bool{}
		for i := range total {
			phone := "+7701000" + string(rune('0'+i/10)) + string(rune('0'+i%10)) + "00"
			phones[phone] = true
			f.enqueue(t, smsTo(phone, "hello"))
		}
		other, err := store.Open(ctx, store.Config{URL: env.URL, SQLitePath: env.Path, Clock: env.Clock})
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		workers := []*Worker{
			f.worker(WorkerConfig{Batch: 4}),
			NewWorker(other, f.trail, Senders{SMS: f.sms}, WorkerConfig{Batch: 4}),
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, len(workers))
		for _, w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for {
					r, err := w.RunOnce(ctx)
					if err != nil {
						errs <- err
						return
					}
					if r == (Round{}) {
						return
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		for id, n := range f.sms.n {
			if n != 1 {
				t.Errorf("message %s delivered %d times", id, n)
			}
		}
		if len(f.sms.n) != total {
			t.Errorf("%d messages delivered, want %d", len(f.sms.n), total)
		}
		inbox := f.gw.Messages("")
		if len(inbox) != total {
			t.Errorf("gateway inbox holds %d messages, want %d", len(inbox), total)
		}
		for _, m := range inbox {
			if !phones[m.To] {
				t.Errorf("unexpected or repeated recipient %s", m.To)
			}
			delete(phones, m.To)
		}
		var pending int
		env.Admin.QueryRow(`SELECT count(*) FROM notify_outbox WHERE status <> 'sent'`).Scan(&pending)
		if pending != 0 {
			t.Errorf("%d messages not sent", pending)
		}
	})
}
