package eds

import (
	"context"
	"errors"
)

// Router is the one Verifier the rest of Nesie uses: it tries the built-in back end, and when
// that reports a GOST signature (ErrNeedsExternalVerifier) it asks the external one (NCANode).
// Every other outcome of the built-in back end, approval or refusal, stands.
type Router struct {
	builtin  Verifier
	external Verifier
}

var _ Verifier = (*Router)(nil)

// NewRouter needs the built-in back end; external may be nil, and GOST signatures are then
// refused with ErrNeedsExternalVerifier.
func NewRouter(builtin, external Verifier) (*Router, error) {
	if builtin == nil {
		return nil, errors.New("eds: router: no built-in verifier")
	}
	return &Router{builtin: builtin, external: external}, nil
}

// Verify implements Verifier.
func (r *Router) Verify(ctx context.Context, req VerifyRequest) (Evidence, error) {
	ev, err := r.builtin.Verify(ctx, req)
	if !errors.Is(err, ErrNeedsExternalVerifier) || r.external == nil {
		return ev, err
	}
	return r.external.Verify(ctx, req)
}
