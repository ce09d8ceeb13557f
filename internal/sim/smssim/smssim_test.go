package smssim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func post(g *Gateway, body string) int {
	w := httptest.NewRecorder()
	g.ServeHTTP(w, httptest.NewRequest("POST", "/v1/messages", strings.NewReader(body)))
	return w.Code
}

func TestGatewayDeduplicatesAndRefuses(t *testing.T) {
	g := New(nil)
	for _, tc := range []struct {
		body string
		want int
	}{
		{`{"to":"+77011234567","text":"a","idempotency_key":"k"}`, http.StatusOK},
		{`{"to":"8 701 123 45 67","text":"a","idempotency_key":"k"}`, http.StatusOK}, // the same, retried
		{`{"to":"+77011234567","text":"b","idempotency_key":"k"}`, http.StatusConflict},
		{`{"to":"+77011234567","text":"a"}`, http.StatusOK},
		{`{"to":"+7701","text":"a"}`, http.StatusBadRequest},
		{`{"to":"+77011234567","text":""}`, http.StatusBadRequest},
		{`not json`, http.StatusBadRequest},
	} {
		if got := post(g, tc.body); got != tc.want {
			t.Errorf("POST %s = %d, want %d", tc.body, got, tc.want)
		}
	}
	if n := len(g.Messages("87011234567")); n != 2 {
		t.Errorf("inbox holds %d messages, want 2", n)
	}
}
