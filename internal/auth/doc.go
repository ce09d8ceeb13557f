// Package auth lets a registered client back into the cabinet (R6.5) and manages the client's
// credentials and sessions (R29): a password hashed with argon2id and checked against a
// policy, a second factor (a TOTP authenticator per RFC 6238 or a one-time code by SMS),
// lockout with growing delays and rate limits shared by every server node through the
// database, sessions with idle and absolute expiry, and password recovery by biometrics plus a
// one-time code.
//
// Identification and authentication data cannot be replayed (R11): an SMS code is single-use,
// a TOTP code is refused once its time step has been accepted, a biometric check is spent by
// one recovery, and a session token is stored only as its SHA-256. Every refusal is recorded
// in the audit trail (R32), never with the password or a code.
package auth
