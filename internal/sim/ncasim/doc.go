// Package ncasim simulates НУЦ РК, the Kazakh national certification authority, and an
// NCANode-compatible verification service, as one HTTP handler for sim.Start. It is a test
// CA, never a real one: its keys are made at start-up and live in memory.
//
// It holds a trusted root («НЕГІЗГІ КО SIM»), an issuing CA («ҰКО SIM») and an OCSP responder
// certified by the issuing CA, plus a second, untrusted root for "foreign CA" tests. Keys are
// ECDSA P-256 (RSA-2048 for subjects on request): Go cannot make GOST 34.10-2015 keys, so GOST
// signatures are out of the simulator's reach, as they are of the built-in verifier.
//
// Certificates look like НУЦ's (compare /work/shared/testdata/nca): an individual has
// CN=<SURNAME NAME>, SURNAME, SERIALNUMBER=IIN…, C=KZ, G=<patronymic>, the role OID
// 1.2.398.3.3.4.1.1 in the extended key usage, policy 1.2.398.3.3.2.3 for a SIGN key and
// 1.2.398.3.3.2.4 for an AUTH key; a legal entity's signer adds O=<organisation>,
// OU=BIN… and the roles 1.2.398.3.3.4.1.2 plus .2.1 (head) or .2.2 (may sign). SIGN keys
// have digitalSignature + nonRepudiation and email protection, AUTH keys digitalSignature +
// keyEncipherment and client authentication. On demand: expired, not-yet-valid, wrong-usage,
// untrusted and revoked certificates.
//
// HTTP endpoints (Handler):
//
//	POST /ocsp            RFC 6960 OCSP (application/ocsp-request → application/ocsp-response),
//	                      the request's nonce echoed among the response extensions as НУЦ does;
//	                      good, revoked, or unknown for serials it did not issue.
//	GET  /crl             the issuing CA's CRL (DER), fresh for 24 hours, listing revoked serials.
//	GET  /ca/root.crt     the trusted root (DER).
//	GET  /ca/nca.crt      the issuing CA (DER).
//	POST /cms/verify      NCANode v3 CMS verification (see ncanode.go for the JSON shapes).
//	POST /demo/sign       DEMO ONLY: signs bytes with a demo identity's key, for browsers without
//	                      NCALayer. Not served when Config.Production is set.
package ncasim
