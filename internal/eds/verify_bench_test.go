package eds_test

import (
	"context"
	"testing"

	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/sim/ncasim"
)

// BenchmarkVerifyBuiltinOverHTTP verifies one client's CMS signature end to end as the loan
// flow does: Router → Builtin, chain to the simulator's root, OCSP with a fresh nonce to the
// simulated НУЦ over loopback HTTP (the responder's signing is inside the measured time).
func BenchmarkVerifyBuiltinOverHTTP(b *testing.B) {
	n := startNCA(b)
	sig, _ := n.signed(b, client(), ncasim.Options{}, statement)
	r, err := eds.NewRouter(n.builtin(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	req := eds.VerifyRequest{Signature: sig, Document: statement, Expect: eds.SignerExpectation{IIN: clientIIN}}
	ctx := context.Background()
	if _, err := r.Verify(ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Verify(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
