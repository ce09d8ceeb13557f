// Package onboarding runs the flows that compose clients, biometrics and EDS so that a client
// is only ever changed on whole proof, and nothing half done survives a failure at any step:
//
//   - Registration (R6.1–R6.4, R35): Begin validates the application, starts a biometric
//     session for the person (a legal entity's signatory) and returns the registration
//     statement to sign; Complete checks the biometric result (its IIN is the application's,
//     R6.3), verifies the EDS over the exact statement bytes (not for an individual
//     entrepreneur, R6.4), and only then, in one transaction, registers the client, stores
//     the statement, the signature and the revocation evidence as received (R34), activates
//     the client and audits it. Any refusal leaves no client row.
//   - Sensitive changes (R6.6): a new phone or bank account only after a biometric check and
//     an EDS signature over a change statement, in one flow; the phone-change notice goes to
//     the old number (R25.9) in the same transaction as the change.
//   - Leaked data (R36): ClearCompromise needs a fresh biometric check and the phone registry's
//     word that the client's phone is theirs; a registry that cannot answer refuses.
//
// # Between the two calls
//
// A flow spans two requests: between them the client performs the movements and signs.
// Nothing about a registering client may be stored before everything passed, so the flow
// keeps no personal data: a row of onboarding_flow (migration 0006) holds the flow's id,
// purpose, the biometric session issued for it (one session serves one flow) and the SHA-256
// of the statement. The client re-sends the application (or the new value) on completion; the
// statement is rendered again from it and from the row (id, time) and must hash to the stored
// digest. The statement names every field, the SHA-256 of every attached file and the
// biometric session, so an application swapped between the calls — another IIN, another
// photo — is refused before anything is checked, and the statement that is verified and stored is exactly the one the
// client was shown. The biometric session's own binding (nonce, IIN) is the biometric
// package's; this package adds that the session's IIN is the application's.
//
// A biometric check that passed is not lost when the signature is refused: the flow stays
// open until it expires, and a second completion reuses the session's passed check.
//
// The package has no HTTP handlers; the JSON API calls these methods. It trusts the caller to
// have authenticated the client whose id it passes to the change flows.
package onboarding
