// Package biometricsim simulates ЦОИД biometric identification as НПК's FinID offers it
// (FACTS.md §4): active liveness with a random, never repeated sequence of control movements
// (R35), a match of the live frame against the state reference photo, and a result signed
// with the provider's Ed25519 key and bound to a nonce. It is an http.Handler served by
// sim.Start; the adapter in package biometric talks to it exactly as it would to the real
// service.
//
// # API (JSON over HTTP)
//
//	POST /v1/sessions                      {"iin":"…","client_ref":"…"}
//	  201 {"session_id":"<32 hex>","nonce":"<base64url>","movements":["blink","nod","smile"],
//	       "expires_at":"2026-03-02T04:05:00.000000Z"}
//	  404 no_reference_photo when the IIN has no reference photo (not a seeded identity)
//
//	POST /v1/sessions/{id}/performance     {"movements":["blink","nod","smile"],"frame":"<base64>"}
//	  200 {"status":"performed"} — the client acted the movements out; a new performance
//	      replaces the previous one (another attempt). 410 session_expired after expires_at.
//
//	GET  /v1/sessions/{id}/result
//	  200 {"session_id":"…","iin":"…","nonce":"…","liveness_passed":true,
//	       "movements_seen":["blink","nod","smile"],"similarity_permille":987,
//	       "checked_at":"2026-03-02T04:00:01.000000Z","signature":"<base64 of 64 bytes>"}
//	  409 not_performed before a performance.
//
//	GET  /v1/keys
//	  200 {"keys":[{"key_id":"<16 hex>","alg":"Ed25519","public_key":"<base64 of 32 bytes>"}]}
//
// Errors are {"error":"code","message":"…"} with a 4xx or 5xx status.
//
// # The demo page
//
//	GET  /demo/sessions/{id}               the page where the client performs the movements
//	GET  /demo/static/…                    its script, stylesheet and icon
//
// In the demo the client performs the movements on a page of the simulator, marked "ДЕМО /
// симулятор ЦОИД", in Russian and Kazakh. It lists the movements asked for, in order; the
// tester presses each movement's button as it is performed, and the presses, in their order,
// are the movements sent. The frame is a camera snapshot when the browser has a camera, or,
// by choice or without one, the identity's demo selfie ("my face") or a stranger's photo (to
// try a failing match). The page posts to the performance endpoint and shows the outcome.
// It carries no inline script or style and is served with a Content-Security-Policy that
// allows only the simulator's own files and API. A real camera frame is "any other image"
// below, so it scores as a stranger: the simulator cannot compare faces.
//
// # The signature
//
// The signature is Ed25519 over the canonical encoding of the result (Result.Canonical): the
// line "nesie-biometric-result-v1" followed by one "name:value" line per field in the order
// session_id, iin, nonce, liveness_passed (true|false), movements_seen (comma-joined),
// similarity_permille (decimal 0–1000), checked_at (as in the JSON, UTC, microseconds), each
// line ending in "\n". Every value has a strict format without ":" or "\n", so the encoding
// is unambiguous. The JSON is only the envelope: a verifier rebuilds the canonical bytes from
// the fields it parsed, so no field can change without breaking the signature.
//
// # What the simulator decides
//
// The performed movements are what the tester submits. liveness_passed is true when at least
// three known movements were performed and every issued movement is among them; it does not
// judge the order — comparing movements_seen with the issued sequence, in order, is the
// relying party's check. similarity_permille is 987 when the frame equals the identity's
// reference photo, 962 when the frame is a demo selfie (the bytes "nesie-demo-selfie:" and the
// IIN, what the demo page sends when there is no camera), and 100–299 for any other image.
//
// # Test hooks
//
// A real provider misbehaving or an attacker on the wire is modelled by hooks a test calls
// on the Simulator: ForceNextSequence (hand out a sequence issued before), ReplayResult
// (answer one session's result with another's, as received) and SetSigningKey (sign with a
// key the relying party does not trust).
package biometricsim
