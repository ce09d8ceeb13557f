package audit

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// maxGroup bounds the events one group commit writes.
const maxGroup = 512

// maxCommitters is how many group commits may be in flight at once: while one waits for
// its flush to disk, the next gathers the events that arrived meanwhile.
const maxCommitters = 2

// group batches concurrent Append calls into shared commits: while a commit is in flight,
// the events that arrive queue, and the next commit writes them all in one statement. Every
// caller still returns only after its own event is durable. There is no goroutine to start or
// stop: a caller that finds fewer than maxCommitters committing becomes one, until the queue
// is empty.
type group struct {
	mu         sync.Mutex
	queue      []*appendReq
	committers int
}

type appendReq struct {
	row  row
	done chan error
}

// Append records ev on its own — not inside a business transaction — and returns once it is
// committed. Concurrent calls share commits, so a burst of refusals, logins or security
// events costs a few transactions rather than one each.
func (t *Trail) Append(ctx context.Context, ev Event) error {
	r, err := newPending(ctx, ev)
	if err != nil {
		return err
	}
	req := &appendReq{row: r, done: make(chan error, 1)}
	t.mu.Lock()
	t.queue = append(t.queue, req)
	lead := t.committers < maxCommitters
	if lead {
		t.committers++
	}
	t.mu.Unlock()
	if lead {
		t.commitQueued(context.WithoutCancel(ctx))
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		// The event may still be committed by the group; the caller only stops waiting.
		return ctx.Err()
	}
}

// commitQueued writes queued events, a group per statement, until the queue is empty. A
// group is one INSERT in a transaction of its own: it reads nothing, so it needs neither an
// explicit transaction nor retries, and costs one round trip.
func (t *Trail) commitQueued(ctx context.Context) {
	for {
		// Give writers just woken by the previous group a moment to queue their next event,
		// so that groups stay large (the idea of PostgreSQL's commit_delay, without a sleep).
		runtime.Gosched()
		t.mu.Lock()
		n := min(len(t.queue), maxGroup)
		batch := t.queue[:n:n]
		t.queue = t.queue[n:]
		if n == 0 {
			t.committers--
			t.mu.Unlock()
			return
		}
		t.mu.Unlock()
		now := t.db.Now().UnixMicro()
		rows := make([]row, len(batch))
		for i, req := range batch {
			rows[i] = req.row
			rows[i].OccurredAt = now
		}
		q, args := pendingInsert(rows)
		_, err := t.db.ExecContext(ctx, q, args...)
		if err != nil {
			err = fmt.Errorf("audit append: %w", err)
		} else {
			t.wake()
		}
		for _, req := range batch {
			req.done <- err
		}
	}
}
