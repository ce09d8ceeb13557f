package eds

import (
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"time"
)

// CMS object identifiers (RFC 5652, RFC 5035, RFC 3161).
var (
	oidData               = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidAttrContentType    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidAttrMessageDigest  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidAttrSigningTime    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidAttrSigningCert    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
	oidAttrSigningCertV2  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidAttrTimeStampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidContentTypeTSTInfo = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
)

// Limits on what one signature may hold; real НУЦ signatures are far below them.
const (
	maxCMSSignerInfos       = 16
	maxCMSAttributes        = 64
	maxCMSAttributeValueLen = 1 << 20
)

// SignedData is a parsed CMS SignedData (RFC 5652 §5). Byte slices point into the normalised
// (DER-length) copy of the input; Raw is the input as received.
type SignedData struct {
	Raw              []byte
	Version          int
	DigestAlgorithms []asn1.ObjectIdentifier
	// ContentType is the encapsulated content type, id-data for a signed document.
	ContentType asn1.ObjectIdentifier
	// Content is the attached content; nil when the signature is detached.
	Content  []byte
	Detached bool
	// Certificates is the certificates bag; the signer's certificate is expected among them.
	Certificates []*Certificate
	SignerInfos  []SignerInfo
}

// SignerInfo is one signer of a SignedData (RFC 5652 §5.3).
type SignerInfo struct {
	Version int
	// Issuer and SerialNumber identify the signer's certificate (version 1), or SubjectKeyID
	// does (version 3).
	Issuer       []byte
	SerialNumber *big.Int
	SubjectKeyID []byte

	DigestAlgorithm          asn1.ObjectIdentifier
	SignatureAlgorithm       asn1.ObjectIdentifier
	SignatureAlgorithmParams []byte // DER of the parameters, e.g. RSASSA-PSS-params
	Signature                []byte

	// SignedAttributesDER is the signed attributes re-tagged as SET OF (0x31): the bytes the
	// signature is computed over (RFC 5652 §5.4). nil when there are none.
	SignedAttributesDER []byte
	SignedAttributes    []Attribute
	ContentType         asn1.ObjectIdentifier // the contentType attribute
	MessageDigest       []byte                // the messageDigest attribute
	SigningTime         time.Time             // the signingTime attribute; zero when absent

	// UnsignedAttributes are kept as raw bytes; TimeStampToken is the CAdES-T signature
	// time-stamp token (a CMS SignedData of a TSTInfo) when present.
	UnsignedAttributes []Attribute
	TimeStampToken     []byte
}

// Attribute is a CMS attribute with its values kept as DER.
type Attribute struct {
	Type   asn1.ObjectIdentifier
	Values [][]byte
}

// contentInfo is a CMS ContentInfo. Content keeps the [0] EXPLICIT wrapper (encoding/asn1 does
// not strip it for a RawValue): Content.Bytes is the wrapped element.
type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signedDataASN1 struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	EncapContentInfo encapContentInfo
	Certificates     asn1.RawValue    `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue    `asn1:"optional,tag:1"`
	SignerInfos      []signerInfoASN1 `asn1:"set"`
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signerInfoASN1 struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

// ParseCMS reads a CMS ContentInfo holding SignedData, in DER or in the BER that Java encoders
// (KalkanCrypt, NCALayer) produce.
func ParseCMS(data []byte) (*SignedData, error) {
	der, err := normalizeBER(data)
	if err != nil {
		return nil, malformed("CMS", err)
	}
	var ci contentInfo
	if rest, err := asn1.Unmarshal(der, &ci); err != nil || len(rest) != 0 {
		return nil, malformed("CMS ContentInfo", orTrailing(err))
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, malformed(fmt.Sprintf("CMS content type %s is not signedData", ci.ContentType), nil)
	}
	var sd signedDataASN1
	if rest, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil || len(rest) != 0 {
		return nil, malformed("CMS SignedData", orTrailing(err))
	}
	out := &SignedData{Raw: data, Version: sd.Version, ContentType: sd.EncapContentInfo.EContentType}
	for _, a := range sd.DigestAlgorithms {
		out.DigestAlgorithms = append(out.DigestAlgorithms, a.Algorithm)
	}
	if ec := sd.EncapContentInfo.EContent; len(ec.FullBytes) == 0 {
		out.Detached = true
	} else {
		// encoding/asn1 leaves the [0] EXPLICIT wrapper on a RawValue: read the OCTET STRING in it.
		var inner asn1.RawValue
		rest, err := asn1.Unmarshal(ec.Bytes, &inner)
		if err != nil || len(rest) != 0 || inner.Class != asn1.ClassUniversal || inner.Tag != asn1.TagOctetString || inner.IsCompound {
			return nil, malformed("CMS eContent is not an OCTET STRING", err)
		}
		out.Content = inner.Bytes
	}
	if len(sd.Certificates.FullBytes) != 0 {
		if !sd.Certificates.IsCompound {
			return nil, malformed("CMS certificates", nil)
		}
		if out.Certificates, err = parseCertificateBag(sd.Certificates.Bytes); err != nil {
			return nil, err
		}
	}
	if len(sd.SignerInfos) == 0 || len(sd.SignerInfos) > maxCMSSignerInfos {
		return nil, malformed(fmt.Sprintf("CMS has %d signer infos", len(sd.SignerInfos)), nil)
	}
	for i, raw := range sd.SignerInfos {
		si, err := parseSignerInfo(raw)
		if err != nil {
			return nil, fmt.Errorf("signer info %d: %w", i, err)
		}
		out.SignerInfos = append(out.SignerInfos, si)
	}
	return out, nil
}

func parseSignerInfo(raw signerInfoASN1) (SignerInfo, error) {
	si := SignerInfo{
		Version:                  raw.Version,
		DigestAlgorithm:          raw.DigestAlgorithm.Algorithm,
		SignatureAlgorithm:       raw.SignatureAlgorithm.Algorithm,
		SignatureAlgorithmParams: raw.SignatureAlgorithm.Parameters.FullBytes,
		Signature:                raw.Signature,
	}
	switch sid := raw.SID; {
	case sid.Class == asn1.ClassUniversal && sid.Tag == asn1.TagSequence:
		var ias issuerAndSerial
		if rest, err := asn1.Unmarshal(sid.FullBytes, &ias); err != nil || len(rest) != 0 || ias.Serial == nil {
			return si, malformed("CMS signer identifier", orTrailing(err))
		}
		si.Issuer, si.SerialNumber = ias.Issuer.FullBytes, ias.Serial
	case sid.Class == asn1.ClassContextSpecific && sid.Tag == 0 && !sid.IsCompound:
		si.SubjectKeyID = sid.Bytes
	default:
		return si, malformed("CMS signer identifier", nil)
	}
	if len(raw.SignedAttrs.FullBytes) != 0 {
		if !raw.SignedAttrs.IsCompound {
			return si, malformed("CMS signed attributes", nil)
		}
		// The signature covers the attributes with the SET OF tag, not the [0] IMPLICIT tag.
		si.SignedAttributesDER = append([]byte{0x31}, raw.SignedAttrs.FullBytes[1:]...)
		attrs, err := parseAttributes(raw.SignedAttrs.Bytes)
		if err != nil {
			return si, fmt.Errorf("signed attributes: %w", err)
		}
		si.SignedAttributes = attrs
		if err := si.readSignedAttributes(); err != nil {
			return si, err
		}
	}
	if len(raw.UnsignedAttrs.FullBytes) != 0 {
		attrs, err := parseAttributes(raw.UnsignedAttrs.Bytes)
		if err != nil {
			return si, fmt.Errorf("unsigned attributes: %w", err)
		}
		si.UnsignedAttributes = attrs
		for _, a := range attrs {
			if a.Type.Equal(oidAttrTimeStampToken) && len(a.Values) > 0 {
				si.TimeStampToken = a.Values[0]
			}
		}
	}
	return si, nil
}

// readSignedAttributes picks contentType, messageDigest and signingTime out of the signed
// attributes. Each may appear once, with one value (RFC 5652 §11).
func (si *SignerInfo) readSignedAttributes() error {
	seen := map[string]bool{}
	for _, a := range si.SignedAttributes {
		key := a.Type.String()
		single := a.Type.Equal(oidAttrContentType) || a.Type.Equal(oidAttrMessageDigest) || a.Type.Equal(oidAttrSigningTime)
		if !single {
			continue
		}
		if seen[key] || len(a.Values) != 1 {
			return malformed("CMS attribute "+key+" must appear once with one value", nil)
		}
		seen[key] = true
		var rest []byte
		var err error
		switch {
		case a.Type.Equal(oidAttrContentType):
			rest, err = asn1.Unmarshal(a.Values[0], &si.ContentType)
		case a.Type.Equal(oidAttrMessageDigest):
			rest, err = asn1.Unmarshal(a.Values[0], &si.MessageDigest)
		case a.Type.Equal(oidAttrSigningTime):
			rest, err = asn1.Unmarshal(a.Values[0], &si.SigningTime)
		}
		if err != nil || len(rest) != 0 {
			return malformed("CMS attribute "+key, orTrailing(err))
		}
	}
	return nil
}

// parseAttributes reads the content of a SET OF Attribute.
func parseAttributes(set []byte) ([]Attribute, error) {
	var attrs []Attribute
	for len(set) > 0 {
		if len(attrs) == maxCMSAttributes {
			return nil, malformed("CMS: too many attributes", nil)
		}
		var raw struct {
			Type   asn1.ObjectIdentifier
			Values asn1.RawValue
		}
		rest, err := asn1.Unmarshal(set, &raw)
		if err != nil {
			return nil, malformed("CMS attribute", err)
		}
		set = rest
		if raw.Values.Class != asn1.ClassUniversal || raw.Values.Tag != asn1.TagSet || !raw.Values.IsCompound {
			return nil, malformed("CMS attribute "+raw.Type.String()+" values are not a SET", nil)
		}
		a := Attribute{Type: raw.Type}
		for vals := raw.Values.Bytes; len(vals) > 0; {
			var v asn1.RawValue
			if vals, err = asn1.Unmarshal(vals, &v); err != nil {
				return nil, malformed("CMS attribute "+raw.Type.String(), err)
			}
			if len(v.FullBytes) > maxCMSAttributeValueLen {
				return nil, malformed("CMS attribute "+raw.Type.String()+" too long", nil)
			}
			a.Values = append(a.Values, v.FullBytes)
		}
		attrs = append(attrs, a)
	}
	return attrs, nil
}
