package eds

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/strictjson"
)

// The NCANode v3 JSON this package reads (github.com/malikzh/NCANode, kz.ncanode.dto:
// CmsVerificationResponse → CmsSignerInfo → CertificateInfo → CertificateSubject,
// CertificateRevocationStatus). Only the fields Nesie decides on are declared.

type ncanodeVerifyRequest struct {
	CMS             string   `json:"cms"`
	Data            string   `json:"data,omitempty"`
	RevocationCheck []string `json:"revocationCheck"`
}

type ncanodeVerifyResponse struct {
	Status  *int            `json:"status"`
	Message string          `json:"message"`
	Valid   *bool           `json:"valid"`
	Signers []ncanodeSigner `json:"signers"`
}

type ncanodeSigner struct {
	Certificates []ncanodeCertificate `json:"certificates"`
}

type ncanodeCertificate struct {
	Valid        bool                `json:"valid"`
	Revocations  []ncanodeRevocation `json:"revocations"`
	KeyUsage     string              `json:"keyUsage"`
	SerialNumber string              `json:"serialNumber"`
	KeyUser      []string            `json:"keyUser"`
	Subject      struct {
		IIN string `json:"iin"`
		BIN string `json:"bin"`
	} `json:"subject"`
}

type ncanodeRevocation struct {
	Revoked        *bool  `json:"revoked"`
	By             string `json:"by"`
	RevocationTime string `json:"revocationTime"`
	Reason         string `json:"reason"`
}

// ncanodeRevocationChecks are the checks Nesie asks NCANode for; an answer must show each.
func ncanodeRevocationChecks() []string { return []string{"OCSP", "CRL"} }

// NCANodeVerdict is what an NCANode answer says about the one signer Nesie asked about.
type NCANodeVerdict struct {
	// Sources are the revocation checks NCANode reports as done, each not revoked.
	Sources  []RevocationSource
	KeyUsage string
	IIN, BIN string
}

// EvaluateNCANodeResponse reads an NCANode /cms/verify answer and decides on it, fail closed:
// the answer must be well-formed JSON with status 200 and valid true; it must describe exactly
// one signer whose certificate has the serial Nesie found in the CMS; that certificate must be
// valid, with an OCSP and a CRL check both reported, each saying "revoked": false; a key
// written twice or in another case makes the answer ambiguous. A revocation gives a
// *RevokedError; an answer that is not this shape gives ErrVerifierUnavailable; a verdict of
// invalid gives ErrBadSignature. The caller still checks the key usage and the subject.
func EvaluateNCANodeResponse(body []byte, signerSerial *big.Int) (NCANodeVerdict, error) {
	garbage := func(format string, args ...any) (NCANodeVerdict, error) {
		return NCANodeVerdict{}, fmt.Errorf("%w: %w: NCANode answer: "+format, append([]any{ErrVerifierUnavailable, fault.ErrUnavailable}, args...)...)
	}
	if signerSerial == nil {
		return garbage("no signer serial to look for")
	}
	var resp ncanodeVerifyResponse
	if err := strictjson.Decode(body, &resp, strictjson.IgnoreUnknown); err != nil {
		return garbage("not one unambiguous JSON object: %v", err)
	}
	switch {
	case resp.Status == nil || *resp.Status != 200:
		return garbage("status is not 200")
	case resp.Valid == nil:
		return garbage("no verdict")
	case len(resp.Signers) != 1:
		return garbage("%d signers, one was sent", len(resp.Signers))
	}
	var cert *ncanodeCertificate
	for i, c := range resp.Signers[0].Certificates {
		if serial, ok := parseHexSerial(c.SerialNumber); ok && serial.Cmp(signerSerial) == 0 {
			if cert != nil {
				return garbage("the signer's certificate appears twice")
			}
			cert = &resp.Signers[0].Certificates[i]
		}
	}
	if cert == nil {
		return garbage("the signer's certificate is not described")
	}
	verdict := NCANodeVerdict{KeyUsage: cert.KeyUsage, IIN: cert.Subject.IIN, BIN: cert.Subject.BIN}
	done := map[string]bool{}
	for _, r := range cert.Revocations {
		if r.Revoked == nil {
			return garbage("a %s check without its result", r.By)
		}
		if *r.Revoked {
			at, _ := time.Parse(time.RFC3339, r.RevocationTime)
			src := SourceOCSP
			if r.By == string(SourceCRL) {
				src = SourceCRL
			}
			return verdict, &RevokedError{Serial: signerSerial, RevokedAt: at, Reason: reasonCode(r.Reason), Source: src}
		}
		done[r.By] = true
	}
	if !*resp.Valid || !cert.Valid {
		return verdict, fmt.Errorf("%w: NCANode reports the signature or its certificate invalid", ErrBadSignature)
	}
	for _, by := range ncanodeRevocationChecks() {
		if !done[by] {
			return verdict, fmt.Errorf("%w: NCANode did not report a %s check", ErrRevocationUnknown, by)
		}
		verdict.Sources = append(verdict.Sources, RevocationSource(by))
	}
	return verdict, nil
}

// parseHexSerial reads NCANode's serialNumber: BigInteger.toString(16), lower case, no
// leading zeros (a leading "-" would be a negative serial, which is refused).
func parseHexSerial(s string) (*big.Int, bool) {
	if s == "" || len(s) > 64 || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return nil, false
	}
	n, ok := new(big.Int).SetString(s, 16)
	return n, ok
}

// reasonCode maps Java's CRLReason names to RFC 5280 codes.
func reasonCode(name string) int {
	names := []string{"unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded",
		"cessationOfOperation", "certificateHold"}
	for i, n := range names {
		if strings.EqualFold(n, strings.ReplaceAll(name, "_", "")) {
			return i
		}
	}
	return 0
}
