package phonereg

import (
	"context"
	"errors"
	"testing"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/phonesim"
)

// Made-up IINs with valid check digits (checked below), never real people's.
const (
	ownerIIN = "900101300017"
	otherIIN = "850505400028"
)

func startRegistry(t *testing.T) (*phonesim.Registry, *sim.Server) {
	t.Helper()
	for _, iin := range []string{ownerIIN, otherIIN} {
		if _, err := kz.ParseIIN(iin); err != nil {
			t.Fatalf("test IIN %s: %v", iin, err)
		}
	}
	reg := phonesim.New()
	srv, err := sim.Start("phone registry", "", reg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return reg, srv
}

func TestR36_2_PhoneOwnershipYesNoUnavailable(t *testing.T) {
	reg, srv := startRegistry(t)
	reg.Register("8 701 123 45 67", ownerIIN)
	c := New(srv.URL, 300*time.Millisecond)
	ctx := context.Background()

	if owns, err := c.Owns(ctx, "+7 701 123 45 67", ownerIIN); err != nil || !owns {
		t.Errorf("owner asked: %v, %v; want true", owns, err)
	}
	if owns, err := c.Owns(ctx, "+77011234567", otherIIN); err != nil || owns {
		t.Errorf("another IIN asked: %v, %v; want false", owns, err)
	}
	if owns, err := c.Owns(ctx, "+77019999999", ownerIIN); err != nil || owns {
		t.Errorf("unregistered phone asked: %v, %v; want false", owns, err)
	}

	for _, mode := range []sim.Mode{sim.Fail, sim.Hang, sim.Garbage} {
		srv.SetMode(mode)
		start := time.Now()
		owns, err := c.Owns(ctx, "+77011234567", ownerIIN)
		if owns || !errors.Is(err, fault.ErrUnavailable) {
			t.Errorf("registry in mode %s: %v, %v; want false and ErrUnavailable", mode, owns, err)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("mode %s: the client did not give up at its timeout", mode)
		}
	}
	srv.SetMode(sim.Normal)
	if owns, err := c.Owns(ctx, "+77011234567", ownerIIN); err != nil || !owns {
		t.Errorf("after recovery: %v, %v; want true", owns, err)
	}
}

func TestR36_2_RegistryDownIsUnavailable(t *testing.T) {
	_, srv := startRegistry(t)
	url := srv.URL
	srv.Close()
	_, err := New(url, time.Second).Owns(context.Background(), "+77011234567", ownerIIN)
	if !errors.Is(err, fault.ErrUnavailable) {
		t.Errorf("registry gone: %v, want ErrUnavailable", err)
	}
}

func TestOwnsRefusesBadInputByField(t *testing.T) {
	_, srv := startRegistry(t)
	c := New(srv.URL, time.Second)
	for _, tc := range []struct{ phone, iin, field string }{
		{"+7 727 250 00 00", ownerIIN, "phone"},
		{"+77011234567", "900101300018", "iin"},
	} {
		_, err := c.Owns(context.Background(), tc.phone, tc.iin)
		var fe *fault.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("Owns(%q, %q) = %v, want invalid %s", tc.phone, tc.iin, err, tc.field)
		}
	}
}
