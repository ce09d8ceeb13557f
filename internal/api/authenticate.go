package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"nesie.kz/nesie/internal/auth"
	"nesie.kz/nesie/internal/device"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/server"
)

// maxSignedBody bounds the body read to check a device's signature; the server's own limit
// is the outer bound.
const maxSignedBody = 1 << 20

// errBadSignature is every refused device signature: which check failed is logged, not told,
// so that a forger learns nothing from the answer.
var errBadSignature = fault.New(fault.ErrUnauthenticated, "signature_invalid", "The request's device signature is not valid.")

// caller is who a signed-in request comes from.
type caller struct {
	session auth.Session
	token   string
	// device is the registered device that signed the request; zero when it was not signed.
	device device.Device
}

type callerKey struct{}

// callerOf returns the caller the middleware put in ctx.
func callerOf(ctx context.Context) caller {
	c, _ := ctx.Value(callerKey{}).(caller)
	return c
}

// authenticated lets through requests with a live session's bearer token. A request that
// also carries a device signature (R26.2) must have a valid one, from a device of the same
// client: a good token does not excuse a bad signature, since a signed request is how the
// app proves the token has not left the phone.
func (h *handlers) authenticated(next server.HandlerFunc) server.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		token, ok := bearer(r)
		if !ok {
			return auth.ErrSessionInvalid // no token is told apart from a dead one
		}
		sess, err := h.Auth.Authenticate(r.Context(), token)
		if err != nil {
			return err
		}
		c := caller{session: sess, token: token}
		sigs := r.Header.Values(device.SignatureHeader)
		if len(sigs) > 1 {
			// Which one signed the request would depend on who reads it.
			return errBadSignature
		}
		if len(sigs) == 1 && sigs[0] != "" {
			if c.device, err = h.verifyDevice(r, sess.ClientID); err != nil {
				return err
			}
		}
		r = server.MarkAuthenticated(w, r, reqctx.Actor{Kind: reqctx.Client, ID: sess.ClientID})
		return next(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)))
	}
}

// verifyDevice checks r's device signature and that the device is clientID's.
func (h *handlers) verifyDevice(r *http.Request, clientID string) (device.Device, error) {
	req, err := device.RequestFromHTTP(r, maxSignedBody)
	if err != nil {
		return device.Device{}, err
	}
	d, err := h.Devices.Verify(r.Context(), req)
	if err != nil && !errors.Is(err, fault.ErrUnauthenticated) && !errors.Is(err, fault.ErrInvalid) {
		return device.Device{}, err // the database failed: a server error, not a forgery
	}
	if err != nil {
		h.Log.InfoContext(r.Context(), "device signature refused", "err", err)
		return device.Device{}, errBadSignature
	}
	if d.ClientID != clientID {
		h.Log.WarnContext(r.Context(), "device signature of another client's device", "device", d.ID)
		return device.Device{}, errBadSignature
	}
	return d, nil
}

// bearer returns the token of the one "Authorization: Bearer <token>" header. Two such
// headers give no token: a proxy in front may have checked or logged the other one.
func bearer(r *http.Request) (string, bool) {
	values := r.Header.Values("Authorization")
	if len(values) != 1 {
		return "", false
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}
