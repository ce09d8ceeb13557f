package obs

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestMetricsCountRequestsByRoute(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	m.ObserveRequest("GET", "/loans/{id}", 200, 3*time.Millisecond)
	m.ObserveRequest("GET", "/loans/{id}", 200, 5*time.Millisecond)
	m.ObserveRequest("BREW", "/loans/{id}", 405, time.Millisecond)

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`nesie_http_requests_total{code="200",method="GET",route="/loans/{id}"} 2`,
		`nesie_http_requests_total{code="405",method="OTHER",route="/loans/{id}"} 1`,
		`nesie_http_request_duration_seconds_count{method="GET",route="/loans/{id}"} 2`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestMetricsRegisterCollectorOfAnotherPackage(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	jobs := prometheus.NewCounter(prometheus.CounterOpts{Name: "nesie_jobs_done_total", Help: "Jobs done."})
	if err := m.Register(jobs); err != nil {
		t.Fatal(err)
	}
	jobs.Add(3)
	if err := m.Register(jobs); err == nil {
		t.Error("registering the same collector twice succeeded")
	}
	families, err := m.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range families {
		if f.GetName() == "nesie_jobs_done_total" {
			found = f.GetMetric()[0].GetCounter().GetValue() == 3
		}
	}
	if !found {
		t.Error("registered counter not gathered with value 3")
	}
}
