package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/reqctx"
)

// Error is an error with a safe answer for the client (R24.5, R26.1): an HTTP status, a stable
// machine-readable code that the mobile app and tests rely on, and a message fit to show.
// Err, the cause, is logged but never sent.
type Error struct {
	Status  int
	Code    string
	Message string
	Field   string // for bad input, the field at fault
	Err     error
}

// Error returns the code and the cause, for logs.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// The answers of errors that are not an *Error.
var (
	errInternal = &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "Internal error."}
	errTooLarge = &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "The request is too large."}
	errTimeout  = &Error{Status: http.StatusServiceUnavailable, Code: "timeout", Message: "The request took too long. Try again later."}
	errCanceled = &Error{Status: http.StatusServiceUnavailable, Code: "canceled", Message: "The request was canceled."}
	errNotFound = &Error{Status: http.StatusNotFound, Code: "not_found", Message: "Not found."}
)

// kindStatus maps the domain's kinds of failure to HTTP.
var kindStatus = []struct {
	kind   error
	status int
	code   string
	msg    string
}{
	{fault.ErrInvalid, http.StatusBadRequest, "invalid", "The request is not valid."},
	{fault.ErrNotFound, http.StatusNotFound, "not_found", "Not found."},
	{fault.ErrConflict, http.StatusConflict, "conflict", "The request conflicts with the current state."},
	{fault.ErrForbidden, http.StatusForbidden, "forbidden", "Not allowed."},
	{fault.ErrUnauthenticated, http.StatusUnauthorized, "unauthenticated", "Please sign in."},
	{fault.ErrUnavailable, http.StatusServiceUnavailable, "unavailable", "A service we depend on is unavailable. Try again later."},
}

// publicError chooses what the client is told about err. This is the one place where errors
// become HTTP answers: anything not recognised is a generic 500. A domain error of a known
// kind keeps its own code and message (fault.Kinded) or, for bad input, names the field.
func publicError(err error) *Error {
	var e *Error
	var tooLarge *http.MaxBytesError
	var field *fault.FieldError
	var kinded *fault.Kinded
	switch {
	case errors.As(err, &e) && e.Status >= 400 && e.Status <= 599 && e.Code != "":
		return e
	case errors.As(err, &field):
		return &Error{Status: http.StatusBadRequest, Code: "invalid", Message: field.Error(), Field: field.Field}
	}
	for _, k := range kindStatus {
		if !errors.Is(err, k.kind) {
			continue
		}
		if errors.As(err, &kinded) && kinded.Kind == k.kind {
			return &Error{Status: k.status, Code: kinded.Code, Message: kinded.Message}
		}
		return &Error{Status: k.status, Code: k.code, Message: k.msg}
	}
	switch {
	case errors.As(err, &tooLarge):
		return errTooLarge
	case errors.Is(err, context.DeadlineExceeded):
		return errTimeout
	case errors.Is(err, context.Canceled):
		return errCanceled
	default:
		return errInternal
	}
}

// errorBody is the JSON shape of every error answer:
// {"error":{"code":"internal","message":"Internal error.","correlation_id":"…"}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code          string `json:"code"`
	Message       string `json:"message"`
	Field         string `json:"field,omitempty"`
	CorrelationID string `json:"correlation_id,omitempty"`
}

// WriteError answers r with err: the status, code and message of an *Error in its chain, 413
// for a body over the limit, 503 for a request past its deadline, and for anything else a
// generic 500. The correlation id (the request id) is included so that support can find the
// logged detail. Server errors are logged with their cause, at Error level; client errors are
// left to the access log.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	pub := publicError(err)
	if pub.Status >= 500 && !errors.Is(err, context.Canceled) {
		loggerFor(r.Context()).ErrorContext(r.Context(), "request failed", "code", pub.Code, "err", err)
	}
	writeJSON(w, pub.Status, errorBody{Error: errorDetail{
		Code:          pub.Code,
		Message:       pub.Message,
		Field:         pub.Field,
		CorrelationID: reqctx.From(r.Context()).RequestID,
	}})
}

// HandlerFunc is a handler that returns its error instead of writing it, so that no handler
// forgets to return after answering an error; WriteError renders it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP calls f and answers its error.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := f(w, r); err != nil {
		WriteError(w, r, err)
	}
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // only for values that cannot be encoded: a bug, answered generically
		status = http.StatusInternalServerError
		body = []byte(`{"error":{"code":"internal","message":"Internal error."}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n')) // a failed write means the client is gone
}

type loggerKey struct{}

// loggerFor returns the server's logger carried by ctx, or slog's default outside a server
// (a handler tested on its own).
func loggerFor(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}
