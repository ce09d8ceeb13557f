// Package eds verifies the electronic digital signatures (ЭЦП) that clients make with keys issued
// by НУЦ РК, the Kazakh national certification authority: CMS/CAdES signatures over contracts and
// registration documents (R6.4, R9.1), the certificate chain, the signer's key usage and identity,
// and the revocation evidence (OCSP, CRL).
//
// The checks are pure (no network, no database); the network lives only in the HTTP back ends
// (http_*.go, ncanode*.go), which plug into the interfaces below. It is built from small
// functions that each check one thing and can be composed:
//
//   - ParseCertificate, ParseSubject: НУЦ certificates, including GOST ones that crypto/x509 can
//     only half read, and the Kazakh subject (IIN, BIN, role OIDs, SIGN or AUTH key).
//   - ParseCMS, VerifyCMS, SignCMS: RFC 5652 SignedData, attached or detached, with RSA
//     (PKCS #1 v1.5, PSS) and ECDSA; GOST signatures are refused with ErrNeedsExternalVerifier and
//     left to the NCANode-compatible back end.
//   - VerifyChain, CheckSigningTime, CheckKeyUsageForSigning, CheckSigner: chain to configured
//     roots at the signing time, key usage and the signer's IIN/BIN and role.
//   - BuildOCSPRequest, ParseOCSPResponse, CheckOCSPResponse, ParseCRL, CheckCRL, OCSPThenCRL:
//     revocation evidence and the fail-closed decision rule.
//   - Verifier, Builtin: the interface the back ends implement, and the built-in one
//     composed from the pieces above. Evidence keeps the signature and the OCSP response as
//     received (R34).
//   - HTTPOCSP, HTTPCRL, NewHTTPRevocation: OCSP and CRL fetched over HTTP, with timeouts;
//     a transport failure is ErrUnreachable, so OCSPThenCRL falls back to the CRL.
//   - NCANode: the Verifier for GOST 34.10-2015 signatures, a client of an NCANode v3
//     service; Router sends RSA/ECDSA to Builtin and GOST (ErrNeedsExternalVerifier) to it.
//
// Every refusal is an error that wraps one of the sentinels in errors.go, so callers can map it
// to a reason code with errors.Is; nothing is approved when a check cannot be made (fail closed).
package eds
