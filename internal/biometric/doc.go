// Package biometric identifies clients through ЦОИД (НПК's FinID, FACTS.md §4) with active
// liveness: the provider issues a nonce and a random sequence of control movements, the
// client performs them, and the provider returns a signed result. Nothing in Nesie trusts a
// result until it has passed every check here:
//
//   - the provider's Ed25519 signature verifies with the configured public key;
//   - the nonce is the one issued for this session (a replayed or foreign result is
//     refused, R11), and the result names this session and this IIN;
//   - the result is fresh: checked within the configured window of now;
//   - liveness passed and the movements seen equal the sequence issued, in order (R35);
//   - the similarity to the reference photo reaches the configured threshold.
//
// A sequence is never issued twice to one client (R35): the provider promises it and the
// database enforces it (biometric_session's UNIQUE (iin_index, movements)); a repeated sequence is
// refused before the client is asked to perform it. Three failed checks end the session and
// raise an anti-fraud signal. Every check, passed or refused, is kept as an electronic
// document (R34): the result's bytes as received, its signature and the outcome, with an
// audit event in the same transaction.
//
// The IIN and the provider's results are personal data and never rest in clear (R37): the
// tables hold the IIN's blind index (the kind the client register uses, so the two agree) for
// lookups and the R35 constraint, and copies sealed by the vault, bound to their row, where
// they are read back; a kept result opens to the bytes received, which its digest proves.
//
// The provider is reached through Client over HTTP; any failure, timeout or answer that is
// not a result is fault.ErrUnavailable and the identification is refused (fail closed).
package biometric
