// Package fault names the few kinds of failure the domain reports, so that the web cabinet,
// the mobile API and the command line each turn them into an answer in one place: bad input
// (naming the field), not found, conflict, forbidden, not authenticated, and an outside
// service that is unavailable (fail closed).
package fault

import (
	"errors"
	"fmt"
)

// The kinds. Domain errors wrap one of them (errors.Is finds it).
var (
	ErrInvalid         = errors.New("invalid")
	ErrNotFound        = errors.New("not found")
	ErrConflict        = errors.New("conflict")
	ErrForbidden       = errors.New("forbidden")
	ErrUnauthenticated = errors.New("not authenticated")
	// ErrUnavailable is an outside service that failed, timed out or answered nonsense; the
	// operation it guarded is refused, never let through.
	ErrUnavailable = errors.New("service unavailable")
)

// FieldError is bad input: Field names what is wrong in the terms of the request
// ("iin", "documents[1].expires"), Reason says why in words fit to show.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Unwrap makes a FieldError an ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Field returns a FieldError; reason is formatted with args.
func Field(field, reason string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(reason, args...)}
}

// Kinded is an error of one kind with a stable machine code (for the mobile app) and a
// message fit to show. Code is a snake_case word such as "otp_expired".
type Kinded struct {
	Kind    error
	Code    string
	Message string
	Err     error // the cause, logged but never shown
}

func (e *Kinded) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

// Is matches the kind.
func (e *Kinded) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Kinded) Unwrap() error { return e.Err }

// New returns an error of kind with code and message.
func New(kind error, code, message string) error {
	return &Kinded{Kind: kind, Code: code, Message: message}
}

// Wrap returns an error of kind with code and message, caused by err.
func Wrap(kind error, code, message string, err error) error {
	return &Kinded{Kind: kind, Code: code, Message: message, Err: err}
}

// Code is the stable code of err for an audit event or a metric: a Kinded error's code,
// "field:<name>" for bad input, "error" for anything else. It never carries the data.
func Code(err error) string {
	var k *Kinded
	if errors.As(err, &k) {
		return k.Code
	}
	var f *FieldError
	if errors.As(err, &f) {
		return "field:" + f.Field
	}
	return "error"
}
