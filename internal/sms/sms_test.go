package sms

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/smssim"
)

func startGateway(t *testing.T) (*smssim.Gateway, *sim.Server) {
	t.Helper()
	gw := smssim.New(nil)
	srv, err := sim.Start("sms", "", gw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return gw, srv
}

func TestSendReachesTheGatewayInbox(t *testing.T) {
	gw, srv := startGateway(t)
	c := New(srv.URL, time.Second)
	if err := c.Send(context.Background(), "8 701 123 45 67", "Код: 123456"); err != nil {
		t.Fatal(err)
	}
	got := gw.Messages("+77011234567")
	if len(got) != 1 || got[0].Text != "Код: 123456" || got[0].To != "+77011234567" {
		t.Fatalf("inbox of +77011234567 = %+v, want the one message", got)
	}
	if other := gw.Messages("+77019999999"); len(other) != 0 {
		t.Errorf("another number's inbox = %+v, want empty", other)
	}

	// The demo reads the same inbox over HTTP.
	resp, err := http.Get(srv.URL + "/v1/messages?to=%2B77011234567")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list smssim.ListAnswer
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	if len(list.Messages) != 1 || list.Messages[0].Text != "Код: 123456" {
		t.Errorf("GET /v1/messages = %+v", list)
	}
}

func TestSendWithKeyDeliversOnce(t *testing.T) {
	gw, srv := startGateway(t)
	c := New(srv.URL, time.Second)
	ctx := context.Background()
	for range 3 {
		if err := c.SendWithKey(ctx, "+77011234567", "hello", "key-1"); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.SendWithKey(ctx, "+77011234567", "hello", "key-2"); err != nil {
		t.Fatal(err)
	}
	if n := len(gw.Messages("+77011234567")); n != 2 {
		t.Errorf("inbox has %d messages, want 2 (key-1 once, key-2 once)", n)
	}
	// A key reused for another text is the gateway refusing: unavailable, never "sent".
	if err := c.SendWithKey(ctx, "+77011234567", "other", "key-1"); !errors.Is(err, fault.ErrUnavailable) {
		t.Errorf("key reused for another text: %v, want ErrUnavailable", err)
	}
}

func TestSendFailsClosed(t *testing.T) {
	gw, srv := startGateway(t)
	c := New(srv.URL, 300*time.Millisecond)
	for _, mode := range []sim.Mode{sim.Fail, sim.Hang, sim.Garbage} {
		srv.SetMode(mode)
		if err := c.Send(context.Background(), "+77011234567", "x"); !errors.Is(err, fault.ErrUnavailable) {
			t.Errorf("gateway in mode %s: %v, want ErrUnavailable", mode, err)
		}
	}
	srv.SetMode(sim.Normal)
	if n := len(gw.Messages("")); n != 0 {
		t.Errorf("inbox has %d messages after failures, want 0", n)
	}
	url := srv.URL
	srv.Close()
	if err := New(url, time.Second).Send(context.Background(), "+77011234567", "x"); !errors.Is(err, fault.ErrUnavailable) {
		t.Errorf("gateway gone: %v, want ErrUnavailable", err)
	}
}

func TestSendRefusesBadInput(t *testing.T) {
	_, srv := startGateway(t)
	c := New(srv.URL, time.Second)
	for _, tc := range []struct{ phone, text, key, field string }{
		{"+7 727 250 00 00", "x", "k", "phone"},
		{"+77011234567", "", "k", "text"},
		{"+77011234567", "x", "", "idempotency_key"},
	} {
		err := c.SendWithKey(context.Background(), tc.phone, tc.text, tc.key)
		var fe *fault.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("SendWithKey(%q, %q, %q) = %v, want a field error on %s", tc.phone, tc.text, tc.key, err, tc.field)
		}
	}
}
