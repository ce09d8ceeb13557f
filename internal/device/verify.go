package device

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// Request is what Verify needs of a signed request.
type Request struct {
	Method     string
	RequestURI string // path and query as sent, "/v1/loans?page=2"
	Body       []byte
	Signature  string // the value of SignatureHeader
}

// RequestFromHTTP reads r's body (at most maxBody bytes; longer is a field error) and puts it
// back, so the handler can still read it after verification.
func RequestFromHTTP(r *http.Request, maxBody int64) (Request, error) {
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return Request{}, fmt.Errorf("device: read body: %w", err)
		}
		if int64(len(b)) > maxBody {
			return Request{}, fault.Field("body", "is longer than %d bytes", maxBody)
		}
		body = b
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	return Request{Method: r.Method, RequestURI: r.URL.RequestURI(), Body: body, Signature: r.Header.Get(SignatureHeader)}, nil
}

// The refusals. All are fault.ErrUnauthenticated; the codes tell the app what to do (sync its
// clock, register again).
var (
	errBadSignature = fault.New(fault.ErrUnauthenticated, "device_signature_invalid", "The request signature is not valid.")
	errStale        = fault.New(fault.ErrUnauthenticated, "device_request_stale", "The request time is too far from the server's; check the phone's clock.")
	errReplay       = fault.New(fault.ErrUnauthenticated, "device_request_replayed", "The request was already received.")
	errUnknown      = fault.New(fault.ErrUnauthenticated, "device_unknown", "The device is not registered.")
	errRevoked      = fault.New(fault.ErrUnauthenticated, "device_revoked", "The device was revoked; register it again.")
)

// Verify authenticates a device's request and returns the device. It refuses (with
// fault.ErrUnauthenticated) a malformed or missing signature header, an unknown or revoked
// device, a signature that does not verify over the request's canonical string, a timestamp
// more than the window away from the clock, and a nonce the device already used. The nonce
// is remembered only once everything else passed, so forged requests cannot use up a
// device's nonces.
func (s *Service) Verify(ctx context.Context, req Request) (Device, error) {
	sig, err := ParseSignature(req.Signature)
	if err != nil {
		return Device{}, fault.Wrap(fault.ErrUnauthenticated, "device_signature_invalid", "The request signature is not valid.", err)
	}
	var dev Device
	err = s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		now := tx.Now()
		ts := time.Unix(sig.Timestamp, 0)
		if ts.Before(now.Add(-s.window)) || ts.After(now.Add(s.window)) {
			return errStale
		}
		d, err := find(ctx, tx, sig.DeviceID)
		if errors.Is(err, fault.ErrNotFound) {
			return errUnknown
		}
		if err != nil {
			return err
		}
		if d.Revoked() {
			return errRevoked
		}
		key, _, err := parseKey(d.Algorithm, d.PublicKey)
		if err != nil {
			return fmt.Errorf("stored key of device %s: %w", d.ID, err)
		}
		msg := CanonicalString(req.Method, req.RequestURI, req.Body, sig.Timestamp, sig.Nonce, sig.DeviceID)
		if !verifySignature(key, []byte(msg), sig.Sig) {
			return errBadSignature
		}
		// A nonce need be kept only while a request carrying it could still pass the
		// timestamp check: seen at t with a timestamp within the window of t, it is stale
		// after t + 2·window.
		if _, err := tx.ExecContext(ctx, `DELETE FROM device_nonce WHERE device_id = $1 AND seen_at < $2`,
			d.ID, now.Add(-2*s.window).UnixMicro()); err != nil {
			return err
		}
		// ON CONFLICT DO NOTHING: the primary key refuses the replay without aborting the
		// transaction on PostgreSQL.
		res, err := tx.ExecContext(ctx, `INSERT INTO device_nonce (device_id, nonce, seen_at) VALUES ($1, $2, $3)
			ON CONFLICT (device_id, nonce) DO NOTHING`, d.ID, sig.Nonce, now.UnixMicro())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errReplay
		}
		if _, err := tx.ExecContext(ctx, `UPDATE device SET last_used_at = $1 WHERE id = $2`, now.UnixMicro(), d.ID); err != nil {
			return err
		}
		d.LastUsedAt = now
		dev = d
		return nil
	})
	if err != nil {
		return Device{}, fmt.Errorf("device: verify: %w", err)
	}
	return dev, nil
}
