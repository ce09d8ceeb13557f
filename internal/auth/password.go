package auth

import (
	"encoding/json"
	"log/slog"
)

// Password is a password in the clear, as a client typed it. It exists only between the
// request and the hash: every way of printing it — fmt, slog, JSON — shows a mask, so a
// careless log line or audit change cannot leak it.
type Password struct{ secret string }

// NewPassword wraps s.
func NewPassword(s string) Password { return Password{secret: s} }

const passwordMask = "********"

// String masks the password.
func (Password) String() string { return passwordMask }

// GoString masks the password for %#v.
func (Password) GoString() string { return passwordMask }

// LogValue masks the password in structured logs.
func (Password) LogValue() slog.Value { return slog.StringValue(passwordMask) }

// MarshalJSON masks the password.
func (Password) MarshalJSON() ([]byte, error) { return json.Marshal(passwordMask) }

// UnmarshalJSON reads a password from a JSON string, so request bodies decode into it
// directly.
func (p *Password) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	p.secret = s
	return nil
}

// IsZero reports whether the password is empty.
func (p Password) IsZero() bool { return p.secret == "" }

// reveal returns the password itself, for hashing and the policy only.
func (p Password) reveal() string { return p.secret }
