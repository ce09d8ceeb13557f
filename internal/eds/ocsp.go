package eds

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"slices"
	"time"
)

// OCSP object identifiers (RFC 6960, RFC 8954).
var (
	oidOCSPBasic = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1}
	oidOCSPNonce = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 2}
)

// OCSPResponseStatus is the outer responseStatus of an OCSP response (RFC 6960 §4.2.1).
type OCSPResponseStatus int

// The response statuses; only OCSPSuccessful carries a certificate status.
const (
	OCSPSuccessful       OCSPResponseStatus = 0
	OCSPMalformedRequest OCSPResponseStatus = 1
	OCSPInternalError    OCSPResponseStatus = 2
	OCSPTryLater         OCSPResponseStatus = 3
	OCSPSigRequired      OCSPResponseStatus = 5
	OCSPUnauthorized     OCSPResponseStatus = 6
)

// OCSPResponse is a parsed OCSP response. Parsing checks the structure only; CheckOCSPResponse
// checks the signature, the nonce and the freshness.
type OCSPResponse struct {
	Raw            []byte
	ResponseStatus OCSPResponseStatus
	ProducedAt     time.Time
	// ResponderName (DER Name) or ResponderKeyHash identifies the responder.
	ResponderName    []byte
	ResponderKeyHash []byte
	Responses        []OCSPSingleResponse
	// Nonce is the value of the nonce extension; HasNonce tells an empty one from none.
	Nonce              []byte
	HasNonce           bool
	TBSResponseData    []byte
	SignatureAlgorithm asn1.ObjectIdentifier
	Signature          []byte
	Certificates       []*Certificate
}

// OCSPSingleResponse is the status of one certificate.
type OCSPSingleResponse struct {
	CertID           CertID
	Status           RevocationStatus
	RevokedAt        time.Time
	RevocationReason int
	ThisUpdate       time.Time
	NextUpdate       time.Time // zero when the responder gave none
	// Nonce is a nonce found among this response's single extensions, where
	// golang.org/x/crypto/ocsp.CreateResponse puts extra extensions; RFC 8954 puts it among
	// the response extensions (OCSPResponse.Nonce), as НУЦ does. Both are signed.
	Nonce    []byte
	HasNonce bool
	// CriticalExtension is true when one of this response's single extensions is marked
	// critical. None is understood here, so CheckOCSPResponse refuses such an answer, as
	// golang.org/x/crypto/ocsp does.
	CriticalExtension bool
}

// nonceFrom finds the nonce extension. RFC 8954: its value is a DER OCTET STRING; some
// responders echo the bare bytes, which are then taken as they are.
func nonceFrom(exts []pkix.Extension) ([]byte, bool) {
	for _, ext := range exts {
		if ext.Id.Equal(oidOCSPNonce) {
			var inner []byte
			if rest, err := asn1.Unmarshal(ext.Value, &inner); err == nil && len(rest) == 0 {
				return inner, true
			}
			return ext.Value, true
		}
	}
	return nil, false
}

type ocspResponseASN1 struct {
	Status asn1.Enumerated
	Bytes  struct {
		Type     asn1.ObjectIdentifier
		Response []byte
	} `asn1:"explicit,tag:0,optional"`
}

type basicOCSPResponseASN1 struct {
	TBS                asn1.RawValue
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          asn1.BitString
	Certificates       []asn1.RawValue `asn1:"explicit,tag:0,optional"`
}

type responseDataASN1 struct {
	Version     int `asn1:"optional,explicit,tag:0,default:0"`
	ResponderID asn1.RawValue
	ProducedAt  time.Time `asn1:"generalized"`
	Responses   []singleResponseASN1
	Extensions  []pkix.Extension `asn1:"explicit,tag:1,optional"`
}

type certIDASN1 struct {
	HashAlgorithm pkix.AlgorithmIdentifier
	NameHash      []byte
	KeyHash       []byte
	Serial        *big.Int
}

type singleResponseASN1 struct {
	CertID     certIDASN1
	Status     asn1.RawValue
	ThisUpdate time.Time        `asn1:"generalized"`
	NextUpdate time.Time        `asn1:"generalized,explicit,tag:0,optional"`
	Extensions []pkix.Extension `asn1:"explicit,tag:1,optional"`
}

type revokedInfoASN1 struct {
	RevocationTime time.Time       `asn1:"generalized"`
	Reason         asn1.Enumerated `asn1:"explicit,tag:0,optional"`
}

// maxOCSPResponses bounds the single responses read from one OCSP response.
const maxOCSPResponses = 64

// ParseOCSPResponse reads a DER OCSP response of any signature algorithm, GOST included. A
// response whose status is not successful parses with no single responses.
func ParseOCSPResponse(raw []byte) (*OCSPResponse, error) {
	r, certs, err := parseOCSPResponse(raw)
	if err != nil {
		return nil, err
	}
	for _, der := range certs {
		cert, err := ParseCertificateDER(der)
		if err != nil {
			return nil, fmt.Errorf("OCSP responder certificate: %w", err)
		}
		r.Certificates = append(r.Certificates, cert)
	}
	return r, nil
}

// parseOCSPResponse is ParseOCSPResponse but for the embedded certificates, which it returns
// as DER: CheckOCSPResponse knows the responder's certificate it saw before and does not parse
// it again.
func parseOCSPResponse(raw []byte) (*OCSPResponse, [][]byte, error) {
	var outer ocspResponseASN1
	if rest, err := asn1.Unmarshal(raw, &outer); err != nil || len(rest) != 0 {
		return nil, nil, malformed("OCSP response", orTrailing(err))
	}
	r := &OCSPResponse{Raw: raw, ResponseStatus: OCSPResponseStatus(outer.Status)}
	if r.ResponseStatus != OCSPSuccessful {
		return r, nil, nil
	}
	if !outer.Bytes.Type.Equal(oidOCSPBasic) {
		return nil, nil, malformed(fmt.Sprintf("OCSP response type %s is not basic", outer.Bytes.Type), nil)
	}
	var basic basicOCSPResponseASN1
	if rest, err := asn1.Unmarshal(outer.Bytes.Response, &basic); err != nil || len(rest) != 0 {
		return nil, nil, malformed("OCSP BasicOCSPResponse", orTrailing(err))
	}
	var data responseDataASN1
	if rest, err := asn1.Unmarshal(basic.TBS.FullBytes, &data); err != nil || len(rest) != 0 {
		return nil, nil, malformed("OCSP ResponseData", orTrailing(err))
	}
	r.TBSResponseData = basic.TBS.FullBytes
	r.SignatureAlgorithm = basic.SignatureAlgorithm.Algorithm
	r.Signature = basic.Signature.RightAlign()
	r.ProducedAt = data.ProducedAt
	if err := r.readResponderID(data.ResponderID); err != nil {
		return nil, nil, err
	}
	if len(data.Responses) == 0 || len(data.Responses) > maxOCSPResponses {
		return nil, nil, malformed(fmt.Sprintf("OCSP response with %d single responses", len(data.Responses)), nil)
	}
	for _, s := range data.Responses {
		single, err := parseSingleResponse(s)
		if err != nil {
			return nil, nil, err
		}
		r.Responses = append(r.Responses, single)
	}
	r.Nonce, r.HasNonce = nonceFrom(data.Extensions)
	certs := make([][]byte, 0, len(basic.Certificates))
	for _, c := range basic.Certificates {
		certs = append(certs, c.FullBytes)
	}
	return r, certs, nil
}

func (r *OCSPResponse) readResponderID(id asn1.RawValue) error {
	if id.Class != asn1.ClassContextSpecific || !id.IsCompound {
		return malformed("OCSP responder id", nil)
	}
	var inner asn1.RawValue
	if rest, err := asn1.Unmarshal(id.Bytes, &inner); err != nil || len(rest) != 0 {
		return malformed("OCSP responder id", orTrailing(err))
	}
	switch id.Tag {
	case 1:
		r.ResponderName = inner.FullBytes
	case 2:
		r.ResponderKeyHash = inner.Bytes
	default:
		return malformed("OCSP responder id", nil)
	}
	return nil
}

func parseSingleResponse(s singleResponseASN1) (OCSPSingleResponse, error) {
	out := OCSPSingleResponse{
		CertID: CertID{
			HashAlgorithm:  s.CertID.HashAlgorithm.Algorithm,
			IssuerNameHash: s.CertID.NameHash,
			IssuerKeyHash:  s.CertID.KeyHash,
			SerialNumber:   s.CertID.Serial,
		},
		ThisUpdate: s.ThisUpdate,
		NextUpdate: s.NextUpdate,
	}
	out.Nonce, out.HasNonce = nonceFrom(s.Extensions)
	out.CriticalExtension = slices.ContainsFunc(s.Extensions, func(e pkix.Extension) bool { return e.Critical })
	if out.CertID.SerialNumber == nil {
		return out, malformed("OCSP CertID without serial", nil)
	}
	if s.Status.Class != asn1.ClassContextSpecific {
		return out, malformed("OCSP certificate status", nil)
	}
	if (s.Status.Tag == 0 || s.Status.Tag == 2) && (s.Status.IsCompound || len(s.Status.Bytes) != 0) {
		return out, malformed("OCSP certificate status is not NULL", nil)
	}
	switch s.Status.Tag {
	case 0:
		out.Status = StatusGood
	case 1:
		var ri revokedInfoASN1
		if rest, err := asn1.UnmarshalWithParams(s.Status.FullBytes, &ri, "tag:1"); err != nil || len(rest) != 0 {
			return out, malformed("OCSP revoked info", orTrailing(err))
		}
		out.Status, out.RevokedAt, out.RevocationReason = StatusRevoked, ri.RevocationTime, int(ri.Reason)
	case 2:
		out.Status = StatusUnknown
	default:
		return out, malformed("OCSP certificate status", nil)
	}
	return out, nil
}
