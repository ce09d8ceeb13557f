package eds

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/fault"
)

// DefaultNCANodeTimeout bounds one verification: NCANode itself asks OCSP and may download a
// CRL before it answers.
const DefaultNCANodeTimeout = 20 * time.Second

// maxNCANodeResponse bounds the JSON read back; an answer for one signer is a few kilobytes.
const maxNCANodeResponse = 1 << 20

// NCANodeConfig configures NCANode.
type NCANodeConfig struct {
	// URL is the service's base address, e.g. http://127.0.0.1:14579 (the sidecar).
	URL     string
	Timeout time.Duration // 0 means DefaultNCANodeTimeout
	Clock   clock.Clock
	// MaxSignatureAge and ClockSkew are the signing-time policy, as in BuiltinConfig.
	MaxSignatureAge time.Duration
	ClockSkew       time.Duration
}

// NCANode is the Verifier for GOST 34.10-2015 signatures, which Go cannot check: a client of
// an NCANode v3 service (POST /cms/verify with revocationCheck OCSP and CRL). It trusts
// NCANode only for what Go cannot do — the GOST signature, the GOST chain, OCSP and CRL — and
// checks the rest itself from the CMS: the document bytes (an attached CMS must carry exactly
// the document; NCANode would check it only against itself), the signing time, the key usage
// and the subject. Any failure, timeout or unexpected answer refuses the signature.
type NCANode struct {
	cfg    NCANodeConfig
	client *http.Client
}

var _ Verifier = (*NCANode)(nil)

// NewNCANode checks the configuration.
func NewNCANode(cfg NCANodeConfig) (*NCANode, error) {
	if err := checkServiceURL(cfg.URL); err != nil {
		return nil, fmt.Errorf("eds: NCANode: %w", err)
	}
	if cfg.Clock == nil {
		return nil, errors.New("eds: NCANode: no clock")
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultNCANodeTimeout
	}
	if cfg.MaxSignatureAge <= 0 {
		cfg.MaxSignatureAge = DefaultMaxSignatureAge
	}
	if cfg.ClockSkew <= 0 {
		cfg.ClockSkew = DefaultClockSkew
	}
	return &NCANode{cfg: cfg, client: newHTTPClient()}, nil
}

// Verify checks locally what the CMS shows (one signer, the exact document, signing time,
// validity at that time, SIGN key, the expected subject), then asks NCANode, and accepts only
// a valid verdict for that very certificate with both revocation checks reported and passed.
func (n *NCANode) Verify(ctx context.Context, req VerifyRequest) (Evidence, error) {
	now := n.cfg.Clock.Now()
	ev := Evidence{Backend: "ncanode", Signature: bytes.Clone(req.Signature), VerifiedAt: now}
	sd, err := ParseCMS(req.Signature)
	if err != nil {
		return ev, err
	}
	if len(sd.SignerInfos) != 1 {
		return ev, malformed(fmt.Sprintf("CMS has %d signers, one is expected", len(sd.SignerInfos)), nil)
	}
	si := &sd.SignerInfos[0]
	content := req.Document
	switch {
	case sd.Detached && len(content) == 0:
		return ev, fmt.Errorf("%w: detached signature and no document", ErrContentMismatch)
	case !sd.Detached && len(content) == 0:
		content = sd.Content
	case !sd.Detached && !bytes.Equal(content, sd.Content):
		return ev, fmt.Errorf("%w: attached content differs from the document", ErrContentMismatch)
	}
	sum := sha256.Sum256(content)
	ev.DocumentSHA256 = sum[:]
	signer, err := findSigner(sd.Certificates, si)
	if err != nil {
		return ev, err
	}
	ev.Signer, ev.SigningTime = bytes.Clone(signer.X509.Raw), si.SigningTime
	if ev.Subject, err = ParseSubject(signer.X509); err != nil {
		return ev, err
	}
	if err := n.checkLocally(signer, si.SigningTime, now, ev.Subject, req.Expect); err != nil {
		return ev, err
	}
	body, err := n.ask(ctx, req.Signature, content, sd.Detached)
	ev.BackendResponse = body
	if err != nil {
		return ev, err
	}
	verdict, err := EvaluateNCANodeResponse(body, signer.X509.SerialNumber)
	if err != nil {
		return ev, err
	}
	if verdict.KeyUsage != string(PurposeSign) {
		return ev, fmt.Errorf("%w: NCANode reads key usage %q", ErrWrongKeyUsage, verdict.KeyUsage)
	}
	if verdict.IIN != ev.Subject.IIN || verdict.BIN != ev.Subject.BIN {
		return ev, fmt.Errorf("%w: NCANode reads a different subject than the certificate shows", ErrVerifierUnavailable)
	}
	ev.Revocation = RevocationEvidence{Source: verdict.Sources[0], Status: StatusGood, CheckedAt: now}
	return ev, nil
}

// checkLocally applies the checks that need no GOST arithmetic.
func (n *NCANode) checkLocally(signer *Certificate, signingTime, now time.Time, s Subject, want SignerExpectation) error {
	if err := CheckSigningTime(signingTime, now, n.cfg.MaxSignatureAge, n.cfg.ClockSkew); err != nil {
		return err
	}
	if err := CheckValidityAt(signer, signingTime); err != nil {
		return err
	}
	if err := CheckKeyUsageForSigning(signer); err != nil {
		return err
	}
	return CheckSigner(s, want)
}

// ask posts the CMS (and the document, for a detached one) and returns NCANode's answer as
// received.
func (n *NCANode) ask(ctx context.Context, cms, document []byte, detached bool) ([]byte, error) {
	reqBody := ncanodeVerifyRequest{CMS: base64.StdEncoding.EncodeToString(cms), RevocationCheck: ncanodeRevocationChecks()}
	if detached {
		reqBody.Data = base64.StdEncoding.EncodeToString(document)
	}
	payload, err := json.Marshal(reqBody)
	if err != nil {
		return nil, err
	}
	body, err := httpCall{
		client: n.client, timeout: n.cfg.Timeout, method: http.MethodPost, url: n.cfg.URL + "/cms/verify",
		contentType: "application/json", accept: "application/json", body: payload, limit: maxNCANodeResponse,
	}.do(ctx)
	if err != nil {
		if errors.Is(err, errTransport) {
			return body, fmt.Errorf("%w: %w", ErrVerifierUnavailable, err)
		}
		return body, fmt.Errorf("%w: %w: %w", ErrVerifierUnavailable, fault.ErrUnavailable, err)
	}
	return body, nil
}
