package ncasim

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"fmt"
	"io"
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
	ours, ok := s.ocsp.ours(req.HashAlgorithm)
	if !ok {
		return "", revocation{}, fmt.Errorf("ncasim: CertID hash %s not served", req.HashAlgorithm)
	}
	if !bytes.Equal(ours.nameHash, req.IssuerNameHash) || !bytes.Equal(ours.keyHash, req.IssuerKeyHash) {
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
// extensions (RFC 8954), signed by the delegated responder whose certificate it carries. Only
// the ResponseData is built per request; the rest was encoded once (ocspFixed).
func (s *Simulator) ocspResponse(req *OCSPRequest) ([]byte, error) {
	status, rev, err := s.certStatus(req)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Clock.Now().UTC().Truncate(time.Second)
	nowDER := generalizedTime(now)
	addTime := func(b *cryptobyte.Builder, t []byte) {
		b.AddASN1(casn1.GeneralizedTime, func(b *cryptobyte.Builder) { b.AddBytes(t) })
	}
	tbs := cryptobyte.NewBuilder(make([]byte, 0, 256))
	tbs.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // ResponseData
		b.AddBytes(s.ocsp.responderID)
		addTime(b, nowDER)
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
						addTime(b, generalizedTime(rev.at))
						b.AddASN1(casn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
							b.AddASN1Enum(int64(rev.reason))
						})
					})
				default:
					b.AddASN1(casn1.Tag(2).ContextSpecific(), func(*cryptobyte.Builder) {})
				}
				addTime(b, nowDER)
				b.AddASN1(casn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
					addTime(b, generalizedTime(now.Add(ocspValidity)))
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
	return s.ocsp.assemble(tbsDER, sig), nil
}
