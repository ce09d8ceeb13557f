package biometricsim_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/biometricsim"
)

type fixture struct {
	t     *testing.T
	url   string
	sim   *biometricsim.Simulator
	clock *clock.Test
	pub   ed25519.PublicKey
}

func start(t *testing.T) *fixture {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewTest(time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC))
	s := biometricsim.New(clk, key)
	srv, err := sim.Start("biometric", "", s.Handler())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &fixture{t: t, url: srv.URL, sim: s, clock: clk, pub: pub}
}

// do sends a JSON request and decodes the answer into out; it returns the status.
func (f *fixture) do(method, path string, body, out any) int {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, f.url+path, rd)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			f.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

type created struct {
	SessionID string   `json:"session_id"`
	Nonce     string   `json:"nonce"`
	Movements []string `json:"movements"`
	ExpiresAt string   `json:"expires_at"`
}

func TestDemoIdentitiesHaveValidIINs(t *testing.T) {
	for _, id := range biometricsim.DemoIdentities() {
		if _, err := kz.ParseIIN(id.IIN); err != nil || len(id.Reference) == 0 || id.Name == "" {
			t.Errorf("demo identity %s: %v", id.IIN, err)
		}
	}
}

func TestR35_SimulatorNeverRepeatsASequenceForOneIIN(t *testing.T) {
	f := start(t)
	iin := biometricsim.DemoIdentities()[0].IIN
	seen := map[string]bool{}
	for range 300 {
		var c created
		if st := f.do("POST", "/v1/sessions", map[string]string{"iin": iin, "client_ref": "t"}, &c); st != http.StatusCreated {
			t.Fatalf("status %d", st)
		}
		if n := len(c.Movements); n < 3 || n > 5 {
			t.Fatalf("%d movements", n)
		}
		k := strings.Join(c.Movements, ",")
		if seen[k] {
			t.Fatalf("sequence %s issued twice", k)
		}
		seen[k] = true
	}
}

func TestSimulatorSignsWhatItSaw(t *testing.T) {
	f := start(t)
	id := biometricsim.DemoIdentities()[1]
	var c created
	f.do("POST", "/v1/sessions", map[string]string{"iin": id.IIN, "client_ref": "t"}, &c)
	var e map[string]string
	if st := f.do("GET", "/v1/sessions/"+c.SessionID+"/result", nil, &e); st != http.StatusConflict || e["error"] != "not_performed" {
		t.Fatalf("result before performance: %d %v", st, e)
	}
	performed := append([]string{c.Movements[1], c.Movements[0]}, c.Movements[2:]...)
	f.clock.Advance(3 * time.Second)
	if st := f.do("POST", "/v1/sessions/"+c.SessionID+"/performance", map[string]any{"movements": performed, "frame": id.Reference}, nil); st != http.StatusOK {
		t.Fatalf("performance: %d", st)
	}
	var r struct {
		SessionID          string   `json:"session_id"`
		IIN                string   `json:"iin"`
		Nonce              string   `json:"nonce"`
		CheckedAt          string   `json:"checked_at"`
		LivenessPassed     bool     `json:"liveness_passed"`
		MovementsSeen      []string `json:"movements_seen"`
		SimilarityPermille int      `json:"similarity_permille"`
		Signature          []byte   `json:"signature"`
	}
	f.do("GET", "/v1/sessions/"+c.SessionID+"/result", nil, &r)
	at, err := time.Parse(biometricsim.TimeLayout, r.CheckedAt)
	if err != nil || !at.Equal(f.clock.Now()) {
		t.Fatalf("checked_at %q, want the clock's %s", r.CheckedAt, f.clock.Now())
	}
	// Written out by hand from the package doc, not through Result.Canonical.
	canon := "nesie-biometric-result-v1\nsession_id:" + c.SessionID + "\niin:" + id.IIN + "\nnonce:" + c.Nonce +
		"\nliveness_passed:true\nmovements_seen:" + strings.Join(performed, ",") +
		"\nsimilarity_permille:987\nchecked_at:2026-03-02T04:00:03.000000Z\n"
	if !ed25519.Verify(f.pub, []byte(canon), r.Signature) {
		t.Fatalf("signature does not cover the documented encoding; result %+v", r)
	}
	var keys struct {
		Keys []struct {
			Alg       string `json:"alg"`
			PublicKey []byte `json:"public_key"`
		} `json:"keys"`
	}
	f.do("GET", "/v1/keys", nil, &keys)
	if len(keys.Keys) != 1 || keys.Keys[0].Alg != "Ed25519" || !bytes.Equal(keys.Keys[0].PublicKey, f.pub) {
		t.Fatalf("keys: %+v", keys)
	}
}

func TestSimulatorRefusesBadRequests(t *testing.T) {
	f := start(t)
	var e map[string]string
	if st := f.do("POST", "/v1/sessions", map[string]string{"iin": "921115300347"}, &e); st != http.StatusNotFound || e["error"] != "no_reference_photo" {
		t.Fatalf("unknown person: %d %v", st, e)
	}
	if st := f.do("POST", "/v1/sessions", map[string]string{"iin": "921115300348"}, &e); st != http.StatusBadRequest || e["error"] != "invalid_iin" {
		t.Fatalf("bad check digit: %d %v", st, e)
	}
	var c created
	f.do("POST", "/v1/sessions", map[string]string{"iin": biometricsim.DemoIdentities()[0].IIN}, &c)
	if st := f.do("POST", "/v1/sessions/"+c.SessionID+"/performance", map[string]any{"movements": []string{"wink"}, "frame": []byte("x")}, &e); st != http.StatusBadRequest {
		t.Fatalf("unknown movement: %d %v", st, e)
	}
	f.clock.Advance(biometricsim.SessionTTL + time.Second)
	if st := f.do("POST", "/v1/sessions/"+c.SessionID+"/performance", map[string]any{"movements": c.Movements, "frame": []byte("x")}, &e); st != http.StatusGone {
		t.Fatalf("expired session: %d %v", st, e)
	}
}
