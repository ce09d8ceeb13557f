package obs

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestBacklogCollectorExportsQueuesAndWhichProbesAnswered(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	stuck := make(chan struct{})
	defer close(stuck)
	err := m.Register(NewBacklogCollector(50*time.Millisecond,
		BacklogProbe{Name: "payout", Read: func(context.Context) ([]Backlog, error) {
			return []Backlog{{Queue: "payout_held", Items: 3, Oldest: 90 * time.Second}, {Queue: "payout_due"}}, nil
		}},
		BacklogProbe{Name: "broken", Read: func(context.Context) ([]Backlog, error) {
			return []Backlog{{Queue: "broken_queue", Items: 1}}, errors.New("database down")
		}},
		BacklogProbe{Name: "slow", Read: func(ctx context.Context) ([]Backlog, error) {
			select { // a database that never answers: the probe's deadline ends the wait
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-stuck:
				return []Backlog{{Queue: "slow_queue"}}, nil
			}
		}},
	))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`nesie_backlog_items{queue="payout_held"} 3`,
		`nesie_backlog_oldest_seconds{queue="payout_held"} 90`,
		`nesie_backlog_items{queue="payout_due"} 0`,
		`nesie_backlog_oldest_seconds{queue="payout_due"} 0`,
		`nesie_backlog_probe_ok{probe="payout"} 1`,
		`nesie_backlog_probe_ok{probe="broken"} 0`,
		`nesie_backlog_probe_ok{probe="slow"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// A failed probe's queues are unknown, not empty: nothing of them is exported.
	for _, absent := range []string{"broken_queue", "slow_queue"} {
		if strings.Contains(body, absent) {
			t.Errorf("metrics export %s of a probe that failed", absent)
		}
	}
}

func TestQueueAgesTheOldestItemAndNeverGoesNegative(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		items int
		since sql.NullInt64
		want  time.Duration
	}{
		{"empty", 0, sql.NullInt64{}, 0},
		{"waiting", 2, sql.NullInt64{Int64: now.Add(-95 * time.Second).UnixMicro(), Valid: true}, 95 * time.Second},
		{"clock stepped back", 1, sql.NullInt64{Int64: now.Add(time.Minute).UnixMicro(), Valid: true}, 0},
	} {
		got := queueAt("q", now, tc.items, tc.since)
		if got != (Backlog{Queue: "q", Items: tc.items, Oldest: tc.want}) {
			t.Errorf("%s: %+v, want %d items, oldest %v", tc.name, got, tc.items, tc.want)
		}
	}
}

// row is a result row of fixed values, as database/sql would scan them.
type row []any

func (r row) Scan(dest ...any) error {
	if len(dest) != len(r) {
		return errors.New("sql: expected other destination arguments in Scan")
	}
	for i, v := range r {
		switch d := dest[i].(type) {
		case *int:
			*d = v.(int)
		case *sql.NullInt64:
			if err := d.Scan(v); err != nil {
				return err
			}
		default:
			return errors.New("unexpected destination")
		}
	}
	return nil
}

func TestScanQueuesReadsACountAndAnOldestPerQueue(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	got, err := ScanQueues(row{2, now.Add(-time.Hour).UnixMicro(), 0, nil}, now, "a", "b")
	want := []Backlog{{Queue: "a", Items: 2, Oldest: time.Hour}, {Queue: "b"}}
	if err != nil || len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("ScanQueues = %+v, %v; want %+v", got, err, want)
	}
	if got, err := ScanQueues(row{2, nil}, now, "a", "b"); err == nil {
		t.Errorf("a row short of a queue gave %+v, want an error", got)
	}
}
