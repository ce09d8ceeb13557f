// Package kz holds the Kazakh identifiers and calendars Nesie checks client data against:
// the IIN of a person and the BIN of an organisation (12 digits with a check digit), the
// Kazakh IBAN and the bank directory behind its bank code, the monthly calculation index
// (МРП) by year, and the working-day calendar used for legal deadlines.
//
// Everything here is pure: no I/O except the Load functions reading what an operator supplies,
// no clock (functions that need "today" take it as an argument).
package kz

import "errors"

// Sentinel errors. Every *ParseError wraps one of them, so callers can branch with errors.Is
// while people read ParseError.Reason.
var (
	// ErrFormat: wrong length or characters.
	ErrFormat = errors.New("malformed")
	// ErrChecksum: the check digit (IIN, BIN) or the mod-97 check (IBAN) does not match.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrDate: an embedded date does not exist (IIN birth date, BIN registration month).
	ErrDate = errors.New("impossible date")
	// ErrCode: a coded digit or field has an unassigned value (IIN century digit, BIN type or
	// unit, IBAN country).
	ErrCode = errors.New("unassigned code")
	// ErrUnknownBank: the IBAN's bank code is not in the bank directory.
	ErrUnknownBank = errors.New("unknown bank")
)

// ParseError explains why ParseIIN, ParseBIN or ParseIBAN refused its input. The message
// never repeats the whole input: IINs and account numbers are personal data and error text
// travels into logs.
type ParseError struct {
	What   string // "IIN", "BIN" or "IBAN"
	Reason string // for people: "check digit does not match", "century digit 7 …"
	Err    error  // one of the sentinels above
}

// Error returns "IIN: check digit does not match" and the like.
func (e *ParseError) Error() string { return e.What + ": " + e.Reason }

// Unwrap returns the sentinel.
func (e *ParseError) Unwrap() error { return e.Err }

func parseErr(what string, sentinel error, reason string) *ParseError {
	return &ParseError{What: what, Reason: reason, Err: sentinel}
}
