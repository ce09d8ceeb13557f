package onboarding

import (
	"context"
	"errors"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
)

// passedCheck returns the passed biometric check of the flow's session, asking the provider
// for the result while the session is open. A session that passed earlier in this flow (the
// signature was refused, say) keeps its check: the flow is the session's only user. The
// session must be for iin — the application's or the client's (R6.3) — whatever the
// provider's result says, which the biometric package matches to the session.
func (s *Service) passedCheck(ctx context.Context, sessionID string, iin kz.IIN) (biometric.Check, error) {
	sess, err := s.cfg.Biometrics.FindSession(ctx, sessionID)
	if err != nil {
		return biometric.Check{}, err
	}
	if sess.IIN != iin {
		return biometric.Check{}, fault.New(fault.ErrForbidden, "biometric_identity_mismatch",
			"The biometric identification is of another person than the one named in the application.")
	}
	switch sess.Status {
	case biometric.StatusOpen:
		return s.cfg.Biometrics.Complete(ctx, sessionID)
	case biometric.StatusPassed:
		checks, err := s.cfg.Biometrics.Checks(ctx, sessionID)
		if err != nil {
			return biometric.Check{}, err
		}
		for _, c := range checks {
			if c.Passed {
				return c, nil
			}
		}
	}
	return biometric.Check{}, fault.New(fault.ErrForbidden, "biometric_session_ended",
		"The biometric identification has ended without success; start again.")
}

// edsCodes names each refusal of a signature with a stable code, in the order of eds's
// sentinels; the first that matches wins.
var edsCodes = []struct {
	err  error
	code string
}{
	{eds.ErrRevoked, "eds_revoked"},
	{eds.ErrRevocationUnknown, "eds_revocation_unknown"},
	{eds.ErrContentMismatch, "eds_content_mismatch"},
	{eds.ErrSubjectMismatch, "eds_subject_mismatch"},
	{eds.ErrRoleMissing, "eds_role_missing"},
	{eds.ErrWrongKeyUsage, "eds_wrong_key_usage"},
	{eds.ErrUntrustedChain, "eds_untrusted_chain"},
	{eds.ErrNotValidAtSigningTime, "eds_certificate_not_valid"},
	{eds.ErrSigningTime, "eds_signing_time"},
	{eds.ErrBadSignature, "eds_bad_signature"},
	{eds.ErrSignerNotFound, "eds_signer_not_found"},
	{eds.ErrNeedsExternalVerifier, "eds_unsupported_algorithm"},
	{eds.ErrUnsupportedAlgorithm, "eds_unsupported_algorithm"},
	{eds.ErrMalformed, "eds_malformed"},
}

// verifySignature checks sig over the exact statement bytes, signed by who is expected.
// A verifier that cannot answer is ErrUnavailable; every other failure is ErrForbidden with
// the reason's code. Nothing is approved that could not be checked (fail closed).
func (s *Service) verifySignature(ctx context.Context, sig, statement []byte, want eds.SignerExpectation) (eds.Evidence, error) {
	if len(sig) == 0 {
		return eds.Evidence{}, fault.Field("signature", "is required: sign the statement with your EDS")
	}
	ev, err := s.cfg.Signatures.Verify(ctx, eds.VerifyRequest{Signature: sig, Document: statement, Expect: want})
	if err == nil {
		return ev, nil
	}
	if errors.Is(err, eds.ErrVerifierUnavailable) {
		return ev, fault.Wrap(fault.ErrUnavailable, "eds_verifier_unavailable",
			"The signature cannot be checked right now; try again later.", err)
	}
	code := "eds_refused"
	for _, c := range edsCodes {
		if errors.Is(err, c.err) {
			code = c.code
			break
		}
	}
	return ev, fault.Wrap(fault.ErrForbidden, code, "The EDS signature was refused.", err)
}

// signedDocuments are the ids of what a verified signature left in the client's documents.
type signedDocuments struct {
	Statement, Signature, Revocation string
}

// storeSigned keeps the statement, the signature and its revocation evidence as received
// (R34) in tx. sig may be empty (an entrepreneur's registration): only the statement is kept.
func (s *Service) storeSigned(ctx context.Context, tx *store.Tx, clientID string, statementKind, signatureKind client.DocumentKind,
	statement, sig []byte, ev eds.Evidence) (signedDocuments, error) {
	var out signedDocuments
	doc, err := s.cfg.Clients.AddDocument(ctx, tx, clientID, statementKind, client.Upload{ContentType: StatementContentType, Content: statement})
	if err != nil {
		return out, err
	}
	out.Statement = doc.ID
	if len(sig) == 0 {
		return out, nil
	}
	if doc, err = s.cfg.Clients.AddDocument(ctx, tx, clientID, signatureKind, client.Upload{ContentType: "application/pkcs7-signature", Content: sig}); err != nil {
		return out, err
	}
	out.Signature = doc.ID
	if rev := revocationUpload(ev); len(rev.Content) > 0 {
		if doc, err = s.cfg.Clients.AddDocument(ctx, tx, clientID, SignatureRevocationCheck, rev); err != nil {
			return out, err
		}
		out.Revocation = doc.ID
	}
	return out, nil
}

// revocationUpload is the revocation evidence as received: the OCSP response or the CRL the
// built-in verifier used, or the external verifier's answer.
func revocationUpload(ev eds.Evidence) client.Upload {
	switch {
	case len(ev.BackendResponse) > 0:
		return client.Upload{ContentType: "application/json", Content: ev.BackendResponse}
	case ev.Revocation.Source == eds.SourceCRL:
		return client.Upload{ContentType: "application/pkix-crl", Content: ev.Revocation.Response}
	default:
		return client.Upload{ContentType: "application/ocsp-response", Content: ev.Revocation.Response}
	}
}

// refused records a refused flow step in a transaction of its own (the step's rolled back)
// and returns err. The event carries the refusal's code, never the data.
func (s *Service) refused(ctx context.Context, action, flowID string, err error) error {
	change := map[string]any{"code": fault.Code(err)}
	if aerr := s.cfg.Trail.Refused(ctx, audit.Event{Action: action, ObjectType: "onboarding_flow", ObjectID: flowID, Change: change}, err); aerr != nil {
		return errors.Join(err, aerr)
	}
	return err
}
