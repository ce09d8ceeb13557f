package ncasim

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"

	"nesie.kz/nesie/internal/eds"
)

var (
	oidOCSPBasic = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1}
	oidOCSPNonce = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 2}
	oidECDSA256  = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidSHA1      = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256    = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
)

// ocspValidity is the nextUpdate horizon of an OCSP answer.
const ocspValidity = time.Hour

// maxOCSPRequest bounds the request body read.
const maxOCSPRequest = 16 << 10

// OCSPRequest is the part of an RFC 6960 request the responder acts on.
type OCSPRequest struct {
	HashAlgorithm  asn1.ObjectIdentifier
	IssuerNameHash []byte
	IssuerKeyHash  []byte
	Serial         *big.Int
	// Nonce is the nonce extension's value (the inner OCTET STRING), nil when absent.
	Nonce []byte
	// NonceExtension is the extension value exactly as sent, echoed back byte for byte.
	NonceExtension []byte
}

type ocspRequestASN1 struct {
	TBS struct {
		Version     int           `asn1:"explicit,tag:0,default:0,optional"`
		Requestor   asn1.RawValue `asn1:"explicit,tag:1,optional"`
		RequestList []requestASN1
		Extensions  []pkix.Extension `asn1:"explicit,tag:2,optional"`
	}
	Signature asn1.RawValue `asn1:"explicit,tag:0,optional"`
}

type requestASN1 struct {
	CertID struct {
		HashAlgorithm pkix.AlgorithmIdentifier
		NameHash      []byte
		KeyHash       []byte
		Serial        *big.Int
	}
	Extensions []pkix.Extension `asn1:"explicit,tag:0,optional"`
}

// ParseOCSPRequest reads a DER OCSP request for exactly one certificate.
func ParseOCSPRequest(der []byte) (*OCSPRequest, error) {
	var req ocspRequestASN1
	rest, err := asn1.Unmarshal(der, &req)
	switch {
	case err != nil:
		return nil, fmt.Errorf("ncasim: OCSP request: %w", err)
	case len(rest) != 0:
		return nil, errors.New("ncasim: OCSP request: trailing data")
	case len(req.TBS.RequestList) != 1:
		return nil, fmt.Errorf("ncasim: OCSP request names %d certificates, one is served", len(req.TBS.RequestList))
	}
	id := req.TBS.RequestList[0].CertID
	if id.Serial == nil || id.Serial.Sign() <= 0 {
		return nil, errors.New("ncasim: OCSP request: no positive serial")
	}
	out := &OCSPRequest{HashAlgorithm: id.HashAlgorithm.Algorithm, IssuerNameHash: id.NameHash, IssuerKeyHash: id.KeyHash, Serial: id.Serial}
	for _, ext := range req.TBS.Extensions {
		if !ext.Id.Equal(oidOCSPNonce) {
			continue
		}
		out.NonceExtension = ext.Value
		var inner []byte
		if rest, err := asn1.Unmarshal(ext.Value, &inner); err == nil && len(rest) == 0 {
			out.Nonce = inner
		} else {
			out.Nonce = ext.Value
		}
	}
	return out, nil
}

// OCSP response statuses (RFC 6960 §4.2.1) the responder uses.
const (
	ocspSuccessful       = 0
	ocspMalformedRequest = 1
	ocspUnauthorized     = 6
)

func (s *Simulator) serveOCSP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/ocsp-response")
	body, err := io.ReadAll(io.LimitReader(r.Body, maxOCSPRequest+1))
	if err != nil || len(body) > maxOCSPRequest {
		w.Write(statusOnly(ocspMalformedRequest))
		return
	}
	req, err := ParseOCSPRequest(body)
	if err != nil {
		w.Write(statusOnly(ocspMalformedRequest))
		return
	}
	resp, err := s.ocspResponse(req)
	if err != nil {
		w.Write(statusOnly(ocspUnauthorized))
		return
	}
	w.Write(resp)
}

// statusOnly is an unsuccessful OCSP response: just the status.
func statusOnly(status int) []byte {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1Enum(int64(status)) })
	return b.BytesOrPanic()
}

// certStatus is the responder's answer for one serial: good, revoked or unknown.
func (s *Simulator) certStatus(req *OCSPRequest) (eds.RevocationStatus, revocation, error) {
	h, ok := map[string]crypto.Hash{oidSHA1.String(): crypto.SHA1, oidSHA256.String(): crypto.SHA256}[req.HashAlgorithm.String()]
	if !ok {
		return "", revocation{}, fmt.Errorf("ncasim: CertID hash %s not served", req.HashAlgorithm)
	}
	want, err := eds.NewCertID(req.Serial, s.nca.cert, h)
	if err != nil {
		return "", revocation{}, err
	}
	if !bytes.Equal(want.IssuerNameHash, req.IssuerNameHash) || !bytes.Equal(want.IssuerKeyHash, req.IssuerKeyHash) {
		return eds.StatusUnknown, revocation{}, nil // not our issuer: unknown, as RFC 6960 §2.2 says
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := req.Serial.Text(16)
	cert, known := s.issued[key]
	if !known || cert.ocspUnknown {
		return eds.StatusUnknown, revocation{}, nil
	}
	if rev, ok := s.revoked[key]; ok {
		return eds.StatusRevoked, rev, nil
	}
	return eds.StatusGood, revocation{}, nil
}

// ocspResponse builds and signs a BasicOCSPResponse for req, with the nonce among the response
// extensions (RFC 8954), signed by the delegated responder whose certificate it carries.
func (s *Simulator) ocspResponse(req *OCSPRequest) ([]byte, error) {
	status, rev, err := s.certStatus(req)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Clock.Now().UTC().Truncate(time.Second)
	tbs := cryptobyte.NewBuilder(nil)
	tbs.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // ResponseData
		b.AddASN1(casn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) { // byName
			b.AddBytes(s.responder.cert.RawSubject)
		})
		b.AddASN1GeneralizedTime(now)
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // responses
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // SingleResponse
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // CertID, echoed
					b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1ObjectIdentifier(req.HashAlgorithm)
						b.AddASN1NULL()
					})
					b.AddASN1OctetString(req.IssuerNameHash)
					b.AddASN1OctetString(req.IssuerKeyHash)
					b.AddASN1BigInt(req.Serial)
				})
				switch status {
				case eds.StatusGood:
					b.AddASN1(casn1.Tag(0).ContextSpecific(), func(*cryptobyte.Builder) {})
				case eds.StatusRevoked:
					b.AddASN1(casn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
						b.AddASN1GeneralizedTime(rev.at)
						b.AddASN1(casn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
							b.AddASN1Enum(int64(rev.reason))
						})
					})
				default:
					b.AddASN1(casn1.Tag(2).ContextSpecific(), func(*cryptobyte.Builder) {})
				}
				b.AddASN1GeneralizedTime(now)
				b.AddASN1(casn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
					b.AddASN1GeneralizedTime(now.Add(ocspValidity))
				})
			})
		})
		if req.NonceExtension != nil {
			b.AddASN1(casn1.Tag(1).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1ObjectIdentifier(oidOCSPNonce)
						b.AddASN1OctetString(req.NonceExtension)
					})
				})
			})
		}
	})
	tbsDER, err := tbs.Bytes()
	if err != nil {
		return nil, fmt.Errorf("ncasim: OCSP response: %w", err)
	}
	digest := sha256.Sum256(tbsDER)
	sig, err := s.responder.key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("ncasim: OCSP response: sign: %w", err)
	}
	basic := cryptobyte.NewBuilder(nil)
	basic.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbsDER)
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidECDSA256) })
		b.AddASN1BitString(sig)
		b.AddASN1(casn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(s.responder.cert.Raw) })
		})
	})
	basicDER, err := basic.Bytes()
	if err != nil {
		return nil, fmt.Errorf("ncasim: OCSP response: %w", err)
	}
	out := cryptobyte.NewBuilder(nil)
	out.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Enum(ocspSuccessful)
		b.AddASN1(casn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(oidOCSPBasic)
				b.AddASN1OctetString(basicDER)
			})
		})
	})
	return out.Bytes()
}
