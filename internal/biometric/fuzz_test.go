package biometric_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/biometricsim"
	"nesie.kz/nesie/internal/store/storetest"
)

// fuzzKey is fixed so that seeds signed in one run stay valid in the corpus of the next.
func fuzzKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed([]byte("nesie-biometric-fuzz-key-seed-32"))
}

// genuineResults returns real results from the simulator, signed with fuzzKey: one that
// passes every check and one out of order with a foreign frame.
func genuineResults(f *testing.F) [][]byte {
	s := biometricsim.New(clock.NewTest(storetest.Start), fuzzKey())
	srv, err := sim.Start("biometric-fuzz", "", s.Handler())
	if err != nil {
		f.Fatal(err)
	}
	defer srv.Close()
	c, err := biometric.NewClient(srv.URL, 0)
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	who, _ := kz.ParseIIN("850305400120")
	ref, _ := s.Identity(who.String())
	var out [][]byte
	for _, frame := range [][]byte{ref.Reference, []byte("x")} {
		ps, err := c.CreateSession(ctx, who, "fuzz")
		if err != nil {
			f.Fatal(err)
		}
		moves := ps.Movements
		if len(out) == 1 {
			moves = biometric.Sequence{moves[2], moves[0], moves[1]}
		}
		if err := c.Perform(ctx, ps.ID, moves, frame); err != nil {
			f.Fatal(err)
		}
		raw, err := c.FetchResult(ctx, ps.ID)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, raw)
	}
	return out
}

func FuzzParseResult(f *testing.F) {
	pub := fuzzKey().Public().(ed25519.PublicKey)
	for _, raw := range genuineResults(f) {
		f.Add(raw)
		f.Add([]byte(strings.Replace(string(raw), `"liveness_passed":false`, `"liveness_passed":true`, 1)))
		f.Add([]byte(strings.Replace(string(raw), `"similarity_permille":`, `"similarity_permille":9`, 1)))
		f.Add([]byte(" \n" + string(raw) + "\n"))
		f.Add([]byte(string(raw) + "{}"))
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte("\x00\xff<html>not the protocol you are looking for</html>"))
	f.Add([]byte(`{"session_id":"a","iin":"850305400120","nonce":"n","liveness_passed":true,"movements_seen":[],` +
		`"similarity_permille":1000,"checked_at":"2026-03-02T04:00:00.000000Z","signature":"` + strings.Repeat("A", 86) + `=="}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := biometric.ParseResult(raw, pub)
		if err != nil {
			if r.SessionID != "" || r.Signature != nil {
				t.Fatalf("refused result leaked fields: %+v", r)
			}
			return
		}
		// Re-check what was accepted with the simulator's own, independent encoder.
		seen := make([]string, len(r.MovementsSeen))
		for i, m := range r.MovementsSeen {
			seen[i] = string(m)
		}
		canon := biometricsim.Result{SessionID: r.SessionID, IIN: r.IIN.String(), Nonce: r.Nonce,
			LivenessPassed: r.LivenessPassed, MovementsSeen: seen, SimilarityPermille: r.SimilarityPermille,
			CheckedAt: r.CheckedAt}.Canonical()
		if !ed25519.Verify(pub, canon, r.Signature) {
			t.Fatalf("accepted a result whose signature does not verify: %q", raw)
		}
		if _, err := kz.ParseIIN(r.IIN.String()); err != nil || r.SimilarityPermille < 0 || r.SimilarityPermille > 1000 {
			t.Fatalf("accepted out-of-range fields: %+v", r)
		}
		// Under any other key the same bytes are refused as a bad signature.
		other := ed25519.NewKeyFromSeed([]byte("another-provider-key-seed-32byte")).Public().(ed25519.PublicKey)
		if _, err := biometric.ParseResult(raw, other); !errors.Is(err, biometric.ErrSignature) {
			t.Fatalf("accepted under a foreign key: %v", err)
		}
	})
}
