package bureau

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/bureausim"
)

// Made-up IINs with valid check digits (mustIIN checks them), never real people's.
const (
	debtorIIN   = "850305400120"
	strangerIIN = "900101300017"
)

func mustIIN(t testing.TB, s string) kz.IIN {
	t.Helper()
	n, err := kz.ParseIIN(s)
	if err != nil {
		t.Fatalf("test IIN %s: %v", s, err)
	}
	return n
}

func startBureau(t *testing.T) (*bureausim.Bureau, *sim.Server) {
	t.Helper()
	b := bureausim.New(nil)
	srv, err := sim.Start("credit bureau", "", b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return b, srv
}

func TestR8_1_ReportReadAndVerified(t *testing.T) {
	b, srv := startBureau(t)
	b.Set(debtorIIN, bureausim.Subject{
		Credits: []bureausim.Credit{
			{Creditor: "Bank One", OutstandingTiyn: 150_000_00, MonthlyPaymentTiyn: 25_000_00, DaysOverdue: 12, MaxDaysOverdue12m: 40, Secured: false},
			{Creditor: "MFO Two", OutstandingTiyn: 0, MonthlyPaymentTiyn: 0, Secured: true},
		},
		VoluntaryRefusal: &bureausim.Refusal{Since: "2025-11-03"},
	})
	c, err := NewClient(srv.URL, b.PublicKey(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Report(context.Background(), mustIIN(t, debtorIIN))
	if err != nil {
		t.Fatal(err)
	}
	want := []Credit{
		{Creditor: "Bank One", Outstanding: money.Amount(15_000_000), MonthlyPayment: money.Amount(2_500_000), DaysOverdue: 12, MaxDaysOverdue12m: 40},
		{Creditor: "MFO Two", Secured: true},
	}
	if len(rep.Credits) != 2 || rep.Credits[0] != want[0] || rep.Credits[1] != want[1] {
		t.Errorf("credits = %+v, want %+v", rep.Credits, want)
	}
	if !rep.VoluntaryRefusal || rep.RefusalSince != date.Of(2025, 11, 3) {
		t.Errorf("refusal = %v since %v, want true since 2025-11-03", rep.VoluntaryRefusal, rep.RefusalSince)
	}
	if rep.ID == "" || rep.MadeAt.IsZero() || rep.IIN.String() != debtorIIN {
		t.Errorf("report header = %q %v %v", rep.ID, rep.MadeAt, rep.IIN.Masked())
	}
	// The evidence kept proves itself with the bureau's key, and only the bytes as received.
	if !Verify(b.PublicKey(), rep.Raw, rep.Signature) {
		t.Error("Raw and Signature do not verify with the bureau's key")
	}
	tampered := bytes.Replace(rep.Raw, []byte(`"days_overdue":12`), []byte(`"days_overdue":1`), 1)
	if bytes.Equal(tampered, rep.Raw) || Verify(b.PublicKey(), tampered, rep.Signature) {
		t.Error("a tampered report still verifies (or the replacement did not apply)")
	}
}

func TestUnknownPersonHasEmptyHistory(t *testing.T) {
	b, srv := startBureau(t)
	c, _ := NewClient(srv.URL, b.PublicKey(), 2*time.Second)
	rep, err := c.Report(context.Background(), mustIIN(t, strangerIIN))
	if err != nil || len(rep.Credits) != 0 || rep.VoluntaryRefusal {
		t.Errorf("unknown person: %+v, %v; want no credits, no mark", rep.Credits, err)
	}
}

func TestSubjectsSeededOverHTTP(t *testing.T) {
	b, srv := startBureau(t)
	body := `{"iin":"` + debtorIIN + `","credits":[{"creditor":"Bank","outstanding_tiyn":100,"monthly_payment_tiyn":10,"days_overdue":95,"max_days_overdue_12m":95,"secured":false}],"voluntary_refusal":null}`
	resp, err := http.Post(srv.URL+bureausim.SubjectsPath, "application/json", bytes.NewBufferString(body))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("seed: %v %v", resp, err)
	}
	resp.Body.Close()
	c, _ := NewClient(srv.URL, b.PublicKey(), 2*time.Second)
	rep, err := c.Report(context.Background(), mustIIN(t, debtorIIN))
	if err != nil || len(rep.Credits) != 1 || rep.Credits[0].DaysOverdue != 95 {
		t.Errorf("seeded over HTTP: %+v, %v", rep.Credits, err)
	}
}

func TestR8_1_BureauFailuresFailClosed(t *testing.T) {
	b, srv := startBureau(t)
	c, _ := NewClient(srv.URL, b.PublicKey(), 300*time.Millisecond)
	iin := mustIIN(t, debtorIIN)
	for _, mode := range []sim.Mode{sim.Fail, sim.Hang, sim.Garbage} {
		srv.SetMode(mode)
		start := time.Now()
		if _, err := c.Report(context.Background(), iin); !errors.Is(err, fault.ErrUnavailable) {
			t.Errorf("mode %s: %v, want ErrUnavailable", mode, err)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("mode %s: the client did not give up at its timeout", mode)
		}
	}
	srv.SetMode(sim.Normal)
	// A report signed by another key is no report.
	otherKey, _, _ := ed25519.GenerateKey(rand.Reader)
	wrong, _ := NewClient(srv.URL, otherKey, time.Second)
	if _, err := wrong.Report(context.Background(), iin); !errors.Is(err, fault.ErrUnavailable) {
		t.Errorf("report under another key: %v, want ErrUnavailable", err)
	}
	if _, err := c.Report(context.Background(), iin); err != nil {
		t.Errorf("after recovery: %v", err)
	}
	url := srv.URL
	srv.Close()
	gone, _ := NewClient(url, b.PublicKey(), time.Second)
	if _, err := gone.Report(context.Background(), iin); !errors.Is(err, fault.ErrUnavailable) {
		t.Errorf("bureau gone: %v, want ErrUnavailable", err)
	}
}

// A bureau that answers, correctly signed, about another person or another request (a mix-up
// or a replay of an old signed report) is refused.
func TestReportForAnotherIINOrRequestRefused(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	var answerIIN, answerNonce string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var q struct{ IIN, Nonce string }
		json.NewDecoder(r.Body).Decode(&q)
		iin, nonce := q.IIN, q.Nonce
		if answerIIN != "" {
			iin = answerIIN
		}
		if answerNonce != "" {
			nonce = answerNonce
		}
		body, _ := json.Marshal(bureausim.Report{ReportID: "r1", IIN: iin, Nonce: nonce, MadeAt: "2026-03-02T04:00:00Z", Credits: []bureausim.Credit{}})
		w.Header().Set(bureausim.SignatureHeader, "ed25519 "+b64(ed25519.Sign(priv, body)))
		w.Write(body)
	})
	srv, err := sim.Start("rogue bureau", "", h)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, _ := NewClient(srv.URL, pub, time.Second)
	iin := mustIIN(t, debtorIIN)
	if _, err := c.Report(context.Background(), iin); err != nil {
		t.Fatalf("honest answer refused: %v", err)
	}
	answerIIN = strangerIIN
	if _, err := c.Report(context.Background(), iin); !errors.Is(err, fault.ErrUnavailable) {
		t.Errorf("report about another IIN: %v, want ErrUnavailable", err)
	}
	answerIIN, answerNonce = "", "replayed-nonce"
	if _, err := c.Report(context.Background(), iin); !errors.Is(err, fault.ErrUnavailable) {
		t.Errorf("report for another request: %v, want ErrUnavailable", err)
	}
}

func TestNewClientRefusesBadConfigByField(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	for _, tc := range []struct {
		url   string
		key   ed25519.PublicKey
		field string
	}{{"ftp://x", pub, "base_url"}, {"http://127.0.0.1:1", pub[:5], "key"}} {
		_, err := NewClient(tc.url, tc.key, 0)
		var fe *fault.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("NewClient(%q) = %v, want field %s", tc.url, err, tc.field)
		}
	}
}
