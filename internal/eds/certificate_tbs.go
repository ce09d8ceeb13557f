package eds

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
)

// Extension OIDs read by x509FromTBS.
var (
	oidExtKeyUsage         = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidExtExtendedKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidExtPolicies         = asn1.ObjectIdentifier{2, 5, 29, 32}
	oidExtBasicConstraints = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidExtSubjectKeyID     = asn1.ObjectIdentifier{2, 5, 29, 14}
	oidExtAuthorityKeyID   = asn1.ObjectIdentifier{2, 5, 29, 35}
)

// extKeyUsageByOID lists the standard extended key usages crypto/x509 has names for; the
// Kazakh role OIDs stay in UnknownExtKeyUsage, as crypto/x509 leaves them.
func extKeyUsageByOID(oid asn1.ObjectIdentifier) (x509.ExtKeyUsage, bool) {
	kp := asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3} // id-kp
	if oid.Equal(asn1.ObjectIdentifier{2, 5, 29, 37, 0}) {
		return x509.ExtKeyUsageAny, true
	}
	if len(oid) != len(kp)+1 || !oid[:len(kp)].Equal(kp) {
		return 0, false
	}
	switch oid[len(kp)] {
	case 1:
		return x509.ExtKeyUsageServerAuth, true
	case 2:
		return x509.ExtKeyUsageClientAuth, true
	case 3:
		return x509.ExtKeyUsageCodeSigning, true
	case 4:
		return x509.ExtKeyUsageEmailProtection, true
	case 8:
		return x509.ExtKeyUsageTimeStamping, true
	case 9:
		return x509.ExtKeyUsageOCSPSigning, true
	}
	return 0, false
}

// x509FromTBS fills an x509.Certificate from a certificate crypto/x509 refused. It reads only
// what the subject checks and the hand-over to the external verifier need; PublicKey stays nil,
// so nothing can be verified with it by mistake.
func x509FromTBS(der []byte, outer *rawCertificate, tbs *rawTBS) (*x509.Certificate, error) {
	c := &x509.Certificate{
		Raw:                     der,
		RawTBSCertificate:       outer.TBS.FullBytes,
		RawSubjectPublicKeyInfo: tbs.PublicKey.Raw,
		RawSubject:              tbs.Subject.FullBytes,
		RawIssuer:               tbs.Issuer.FullBytes,
		Signature:               outer.Signature.RightAlign(),
		Version:                 tbs.Version + 1,
		SerialNumber:            tbs.SerialNumber,
		NotBefore:               tbs.Validity.NotBefore,
		NotAfter:                tbs.Validity.NotAfter,
		Extensions:              tbs.Extensions,
	}
	if c.SerialNumber == nil {
		return nil, fmt.Errorf("no serial number")
	}
	for _, n := range []struct {
		raw  []byte
		into *pkix.Name
		what string
	}{{c.RawSubject, &c.Subject, "subject"}, {c.RawIssuer, &c.Issuer, "issuer"}} {
		var rdns pkix.RDNSequence
		if rest, err := asn1.Unmarshal(n.raw, &rdns); err != nil || len(rest) != 0 {
			return nil, fmt.Errorf("%s name: %w", n.what, orTrailing(err))
		}
		n.into.FillFromRDNSequence(&rdns)
	}
	for _, ext := range tbs.Extensions {
		if err := applyExtension(c, ext); err != nil {
			return nil, fmt.Errorf("extension %s: %w", ext.Id, err)
		}
	}
	return c, nil
}

// applyExtension copies the extensions the package relies on into c.
func applyExtension(c *x509.Certificate, ext pkix.Extension) error {
	var rest []byte
	var err error
	switch {
	case ext.Id.Equal(oidExtKeyUsage):
		var bits asn1.BitString
		if rest, err = asn1.Unmarshal(ext.Value, &bits); err == nil {
			for i := 0; i < 9; i++ {
				if bits.At(i) != 0 {
					c.KeyUsage |= 1 << uint(i)
				}
			}
		}
	case ext.Id.Equal(oidExtExtendedKeyUsage):
		var oids []asn1.ObjectIdentifier
		if rest, err = asn1.Unmarshal(ext.Value, &oids); err == nil {
			for _, oid := range oids {
				if eku, ok := extKeyUsageByOID(oid); ok {
					c.ExtKeyUsage = append(c.ExtKeyUsage, eku)
				} else {
					c.UnknownExtKeyUsage = append(c.UnknownExtKeyUsage, oid)
				}
			}
		}
	case ext.Id.Equal(oidExtPolicies):
		var policies []struct {
			Policy     asn1.ObjectIdentifier
			Qualifiers asn1.RawValue `asn1:"optional"`
		}
		if rest, err = asn1.Unmarshal(ext.Value, &policies); err == nil {
			for _, p := range policies {
				c.PolicyIdentifiers = append(c.PolicyIdentifiers, p.Policy)
			}
		}
	case ext.Id.Equal(oidExtBasicConstraints):
		var bc struct {
			IsCA       bool `asn1:"optional"`
			MaxPathLen int  `asn1:"optional,default:-1"`
		}
		if rest, err = asn1.Unmarshal(ext.Value, &bc); err == nil {
			c.BasicConstraintsValid, c.IsCA, c.MaxPathLen = true, bc.IsCA, bc.MaxPathLen
		}
	case ext.Id.Equal(oidExtSubjectKeyID):
		rest, err = asn1.Unmarshal(ext.Value, &c.SubjectKeyId)
	case ext.Id.Equal(oidExtAuthorityKeyID):
		var aki struct {
			ID []byte `asn1:"optional,tag:0"`
		}
		// The issuer name and serial that may follow the key id are not needed.
		if _, err = asn1.Unmarshal(ext.Value, &aki); err == nil {
			c.AuthorityKeyId = aki.ID
		}
	}
	if err != nil || len(rest) != 0 {
		return orTrailing(err)
	}
	return nil
}

// orTrailing turns a nil error from a parse that left bytes behind into a named one.
func orTrailing(err error) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("trailing data")
}
