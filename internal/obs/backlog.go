package obs

import (
	"context"
	"database/sql"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Backlog is the work waiting in one queue: how many items, and how long the oldest has
// waited. A queue that grows, or whose oldest item ages, is what an operator is paged for:
// payouts that do not leave, held payouts nobody decides, events the sealer does not seal.
type Backlog struct {
	Queue  string        // a fixed name, e.g. "payout_held"; never input
	Items  int           // how many wait now
	Oldest time.Duration // how long the oldest has waited; 0 when none waits
}

// queueAt is the backlog of queue at now: items waiting, the oldest of them waiting since the
// Unix microsecond since (NULL when none waits). The age is never negative, so that a clock
// stepped back reads as "just arrived".
func queueAt(queue string, now time.Time, items int, since sql.NullInt64) Backlog {
	b := Backlog{Queue: queue, Items: items}
	if since.Valid {
		b.Oldest = max(now.Sub(time.UnixMicro(since.Int64)), 0)
	}
	return b
}

// Row is one row of a query's result, as the store gives it.
type Row interface{ Scan(dest ...any) error }

// ScanQueues reads the backlogs of the queues named from row, which holds for each in turn
// its count and the Unix microsecond its oldest item waits since (NULL when none): what
// "SELECT COUNT(*), MIN(due_at) FROM … WHERE …" gives.
func ScanQueues(row Row, now time.Time, queues ...string) ([]Backlog, error) {
	counts := make([]int, len(queues))
	since := make([]sql.NullInt64, len(queues))
	dest := make([]any, 0, 2*len(queues))
	for i := range queues {
		dest = append(dest, &counts[i], &since[i])
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	out := make([]Backlog, len(queues))
	for i, q := range queues {
		out[i] = queueAt(q, now, counts[i], since[i])
	}
	return out, nil
}

// BacklogProbe reads the queues of one part of the system.
type BacklogProbe struct {
	Name string // a fixed name, e.g. "payout"
	Read func(ctx context.Context) ([]Backlog, error)
}

// BacklogCollector reads every probe at each scrape and exports
//
//	nesie_backlog_items{queue}
//	nesie_backlog_oldest_seconds{queue}
//	nesie_backlog_probe_ok{probe}
//
// A probe that fails or runs out of time reports probe_ok 0 and none of its queues: an empty
// queue and an unknown one must not look alike, so an alert on a queue's age cannot be
// silenced by the database it reads being down.
type BacklogCollector struct {
	probes  []BacklogProbe
	timeout time.Duration
	items   *prometheus.Desc
	oldest  *prometheus.Desc
	ok      *prometheus.Desc
}

// NewBacklogCollector returns a collector of probes, each given at most timeout per scrape.
func NewBacklogCollector(timeout time.Duration, probes ...BacklogProbe) *BacklogCollector {
	return &BacklogCollector{
		probes:  probes,
		timeout: timeout,
		items:   prometheus.NewDesc("nesie_backlog_items", "Items waiting in a queue of work.", []string{"queue"}, nil),
		oldest: prometheus.NewDesc("nesie_backlog_oldest_seconds",
			"How long the oldest item of a queue has waited, 0 when the queue is empty.", []string{"queue"}, nil),
		ok: prometheus.NewDesc("nesie_backlog_probe_ok",
			"1 if the queues of a part of the system could be read at this scrape, else 0.", []string{"probe"}, nil),
	}
}

// Describe sends the three descriptions.
func (c *BacklogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.items
	ch <- c.oldest
	ch <- c.ok
}

// Collect reads each probe in turn: they are a few indexed counts, and reading them one after
// another keeps a scrape to one database connection.
func (c *BacklogCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c.probes {
		ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
		queues, err := p.Read(ctx)
		cancel()
		if err != nil {
			ch <- prometheus.MustNewConstMetric(c.ok, prometheus.GaugeValue, 0, p.Name)
			continue
		}
		ch <- prometheus.MustNewConstMetric(c.ok, prometheus.GaugeValue, 1, p.Name)
		for _, q := range queues {
			ch <- prometheus.MustNewConstMetric(c.items, prometheus.GaugeValue, float64(q.Items), q.Queue)
			ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, q.Oldest.Seconds(), q.Queue)
		}
	}
}
