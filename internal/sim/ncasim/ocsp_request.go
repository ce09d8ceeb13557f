package ncasim

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

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

// errRequest is what a request that is not the DER of RFC 6960 §4.1.1 gets.
var errRequest = errors.New("ncasim: OCSP request: malformed")

// ParseOCSPRequest reads a DER OCSP request for exactly one certificate:
//
//	OCSPRequest ::= SEQUENCE { tbsRequest, optionalSignature [0] EXPLICIT OPTIONAL }
//	TBSRequest  ::= SEQUENCE { version [0] EXPLICIT INTEGER DEFAULT v1,
//	                requestorName [1] EXPLICIT OPTIONAL, requestList SEQUENCE OF Request,
//	                requestExtensions [2] EXPLICIT Extensions OPTIONAL }
//	Request     ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT OPTIONAL }
//
// It reads with cryptobyte, in one pass without reflection: the responder answers every
// verification of every test, and encoding/asn1 was most of its cost after the signing.
func ParseOCSPRequest(der []byte) (*OCSPRequest, error) {
	input := cryptobyte.String(der)
	var req, tbs, list cryptobyte.String
	if !input.ReadASN1(&req, casn1.SEQUENCE) || !input.Empty() {
		return nil, fmt.Errorf("%w: not one SEQUENCE", errRequest)
	}
	if !req.ReadASN1(&tbs, casn1.SEQUENCE) || !req.SkipOptionalASN1(casn1.Tag(0).ContextSpecific().Constructed()) || !req.Empty() {
		return nil, fmt.Errorf("%w: outer structure", errRequest)
	}
	var version int64
	var exts cryptobyte.String
	var hasExts bool
	if !tbs.ReadOptionalASN1Integer(&version, casn1.Tag(0).ContextSpecific().Constructed(), int64(0)) ||
		!tbs.SkipOptionalASN1(casn1.Tag(1).ContextSpecific().Constructed()) ||
		!tbs.ReadASN1(&list, casn1.SEQUENCE) ||
		!tbs.ReadOptionalASN1(&exts, &hasExts, casn1.Tag(2).ContextSpecific().Constructed()) || !tbs.Empty() {
		return nil, fmt.Errorf("%w: tbsRequest", errRequest)
	}
	out, n, err := readRequestList(list)
	if err != nil {
		return nil, err
	}
	if n != 1 {
		return nil, fmt.Errorf("ncasim: OCSP request names %d certificates, one is served", n)
	}
	if out.Serial.Sign() <= 0 {
		return nil, errors.New("ncasim: OCSP request: no positive serial")
	}
	if hasExts {
		if err := out.readExtensions(exts); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readRequestList reads every Request of the list and returns the first, and their number.
func readRequestList(list cryptobyte.String) (*OCSPRequest, int, error) {
	var first *OCSPRequest
	n := 0
	for ; !list.Empty(); n++ {
		var r, certID, alg, params cryptobyte.String
		var paramsTag casn1.Tag // the hash's parameters: NULL or absent, not interpreted
		out := &OCSPRequest{Serial: new(big.Int)}
		if !list.ReadASN1(&r, casn1.SEQUENCE) || !r.ReadASN1(&certID, casn1.SEQUENCE) ||
			!r.SkipOptionalASN1(casn1.Tag(0).ContextSpecific().Constructed()) || !r.Empty() ||
			!certID.ReadASN1(&alg, casn1.SEQUENCE) || !alg.ReadASN1ObjectIdentifier(&out.HashAlgorithm) ||
			!(alg.Empty() || alg.ReadAnyASN1Element(&params, &paramsTag)) || !alg.Empty() ||
			!certID.ReadASN1Bytes(&out.IssuerNameHash, casn1.OCTET_STRING) ||
			!certID.ReadASN1Bytes(&out.IssuerKeyHash, casn1.OCTET_STRING) ||
			!certID.ReadASN1Integer(out.Serial) || !certID.Empty() {
			return nil, n, fmt.Errorf("%w: request %d", errRequest, n+1)
		}
		if first == nil {
			first = out
		}
	}
	return first, n, nil
}

// readExtensions finds the nonce among the request extensions.
func (out *OCSPRequest) readExtensions(exts cryptobyte.String) error {
	var seq cryptobyte.String
	if !exts.ReadASN1(&seq, casn1.SEQUENCE) || !exts.Empty() {
		return fmt.Errorf("%w: extensions", errRequest)
	}
	for !seq.Empty() {
		var ext, value cryptobyte.String
		var id asn1.ObjectIdentifier
		var critical bool
		if !seq.ReadASN1(&ext, casn1.SEQUENCE) || !ext.ReadASN1ObjectIdentifier(&id) ||
			!ext.ReadOptionalASN1Boolean(&critical, casn1.BOOLEAN, false) ||
			!ext.ReadASN1(&value, casn1.OCTET_STRING) || !ext.Empty() {
			return fmt.Errorf("%w: extension", errRequest)
		}
		if !id.Equal(oidOCSPNonce) {
			continue
		}
		out.NonceExtension = []byte(value)
		inner := value
		var nonce cryptobyte.String
		if inner.ReadASN1(&nonce, casn1.OCTET_STRING) && inner.Empty() {
			out.Nonce = []byte(nonce)
		} else {
			out.Nonce = []byte(value)
		}
	}
	return nil
}
