package eds

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"strings"
)

// Subject is the Kazakh reading of a certificate's subject (FACTS.md §6, after NCANode's
// CertificateWrapper): CN=<SURNAME NAME>, SURNAME, SERIALNUMBER=IIN<12 digits>, C, L, S,
// G=<patronymic>, E; legal entities add O=<organisation> and OU=BIN<12 digits>.
//
// The IIN and BIN are only checked to be 12 digits, not their checksum: the НУЦ test CA's IIN
// 123456789011 fails the checksum, and the layer that compares them with the client's already
// holds a validated IIN.
type Subject struct {
	CommonName string
	Surname    string
	// GivenName is the GIVENNAME attribute (2.5.4.42); НУЦ puts the patronymic there.
	GivenName string
	// FirstName is the common name without the surname in front, when the CN starts with it.
	FirstName    string
	IIN          string // 12 digits, or "" when the certificate has none
	BIN          string // 12 digits, or "" when the certificate has none
	Organization string
	Email        string
	Country      string
	Locality     string
	Province     string
	// SerialNumber is the SERIALNUMBER attribute as written, e.g. "IIN123456789011".
	SerialNumber string
	// Roles are the Kazakh role OIDs found in the extended key usage or the policies.
	Roles []Role
	// Purpose tells a signing key from an authentication key, by the key usage.
	Purpose KeyPurpose
}

// Role is what the certificate says its holder is, from the Kazakh EKU/policy OIDs.
type Role string

// The roles of adilet.zan.kz V2000021440 as НУЦ encodes them (FACTS.md §6).
const (
	RoleIndividual       Role = "individual"         // 1.2.398.3.3.4.1.1
	RoleLegalEntity      Role = "legal_entity"       // 1.2.398.3.3.4.1.2
	RoleHead             Role = "head"               // 1.2.398.3.3.4.1.2.1
	RoleMaySign          Role = "may_sign"           // 1.2.398.3.3.4.1.2.2
	RoleMaySignFinancial Role = "may_sign_financial" // 1.2.398.3.3.4.1.2.3
	RoleHR               Role = "hr"                 // 1.2.398.3.3.4.1.2.4
	RoleEmployee         Role = "employee"           // 1.2.398.3.3.4.1.2.5
)

// roleOIDs is the table from OID to role.
func roleOIDs() []struct {
	oid  asn1.ObjectIdentifier
	role Role
} {
	base := []int{1, 2, 398, 3, 3, 4, 1}
	oid := func(tail ...int) asn1.ObjectIdentifier {
		return append(append(asn1.ObjectIdentifier{}, base...), tail...)
	}
	return []struct {
		oid  asn1.ObjectIdentifier
		role Role
	}{
		{oid(1), RoleIndividual},
		{oid(2), RoleLegalEntity},
		{oid(2, 1), RoleHead},
		{oid(2, 2), RoleMaySign},
		{oid(2, 3), RoleMaySignFinancial},
		{oid(2, 4), RoleHR},
		{oid(2, 5), RoleEmployee},
	}
}

// KeyPurpose says what НУЦ issued the key for. НУЦ issues each holder two keys: SIGN for
// documents and AUTH for logging in; only SIGN may sign a contract.
type KeyPurpose string

// The key purposes, from the key usage extension.
const (
	PurposeUnknown KeyPurpose = "unknown"
	// PurposeSign is digitalSignature + nonRepudiation.
	PurposeSign KeyPurpose = "SIGN"
	// PurposeAuth is digitalSignature + keyEncipherment (keyAgreement for GOST keys).
	PurposeAuth KeyPurpose = "AUTH"
)

// keyPurpose reads the key usage bits. nonRepudiation decides: an authentication key never has it.
func keyPurpose(ku x509.KeyUsage) KeyPurpose {
	if ku&x509.KeyUsageDigitalSignature == 0 {
		return PurposeUnknown
	}
	switch {
	case ku&x509.KeyUsageContentCommitment != 0:
		return PurposeSign
	case ku&(x509.KeyUsageKeyEncipherment|x509.KeyUsageKeyAgreement) != 0:
		return PurposeAuth
	}
	return PurposeUnknown
}

// HasRole reports whether the certificate carries role r.
func (s Subject) HasRole(r Role) bool {
	for _, have := range s.Roles {
		if have == r {
			return true
		}
	}
	return false
}

// Attribute type OIDs of a distinguished name.
var (
	oidCommonName   = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidSurname      = asn1.ObjectIdentifier{2, 5, 4, 4}
	oidSerialNumber = asn1.ObjectIdentifier{2, 5, 4, 5}
	oidCountry      = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidLocality     = asn1.ObjectIdentifier{2, 5, 4, 7}
	oidProvince     = asn1.ObjectIdentifier{2, 5, 4, 8}
	oidOrganization = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOrgUnit      = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidGivenName    = asn1.ObjectIdentifier{2, 5, 4, 42}
	oidEmail        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
)

// ParseSubject reads the Kazakh subject of cert. It fails when an IIN or BIN is present but is
// not 12 digits, when two different IINs or BINs are present, or when a name attribute is not
// a string; a certificate without IIN (a CA) parses with IIN "".
func ParseSubject(cert *x509.Certificate) (Subject, error) {
	if cert == nil {
		return Subject{}, fmt.Errorf("%w: subject: no certificate", ErrMalformed)
	}
	s := Subject{Purpose: keyPurpose(cert.KeyUsage)}
	for _, atv := range cert.Subject.Names {
		value, ok := atv.Value.(string)
		if !ok {
			return Subject{}, fmt.Errorf("%w: subject attribute %s is not a string", ErrMalformed, atv.Type)
		}
		var err error
		switch t := atv.Type; {
		case t.Equal(oidCommonName):
			s.CommonName = value
		case t.Equal(oidSurname):
			s.Surname = value
		case t.Equal(oidGivenName):
			s.GivenName = value
		case t.Equal(oidCountry):
			s.Country = value
		case t.Equal(oidLocality):
			s.Locality = value
		case t.Equal(oidProvince):
			s.Province = value
		case t.Equal(oidOrganization):
			s.Organization = value
		case t.Equal(oidEmail):
			s.Email = value
		case t.Equal(oidSerialNumber):
			s.SerialNumber = value
			switch {
			case strings.HasPrefix(value, "IIN"):
				err = setID(&s.IIN, "IIN", value)
			case strings.HasPrefix(value, "BIN"):
				err = setID(&s.BIN, "BIN", value)
			}
		case t.Equal(oidOrgUnit):
			if strings.HasPrefix(value, "BIN") {
				err = setID(&s.BIN, "BIN", value)
			}
		}
		if err != nil {
			return Subject{}, err
		}
	}
	if s.Surname != "" && strings.HasPrefix(s.CommonName, s.Surname+" ") {
		s.FirstName = strings.TrimSpace(strings.TrimPrefix(s.CommonName, s.Surname+" "))
	}
	s.Roles = rolesOf(cert)
	return s, nil
}

// setID stores the 12 digits after the IIN/BIN prefix, refusing a malformed or conflicting one.
func setID(dst *string, prefix, value string) error {
	id := strings.TrimPrefix(value, prefix)
	if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
		return fmt.Errorf("%w: subject %s %q is not 12 digits", ErrMalformed, prefix, value)
	}
	if *dst != "" && *dst != id {
		return fmt.Errorf("%w: subject has two different %ss", ErrMalformed, prefix)
	}
	*dst = id
	return nil
}

// rolesOf collects the role OIDs from the extended key usage (where НУЦ puts them) and the
// policies, each role once, in table order.
func rolesOf(cert *x509.Certificate) []Role {
	var roles []Role
	for _, r := range roleOIDs() {
		if containsOID(cert.UnknownExtKeyUsage, r.oid) || containsOID(cert.PolicyIdentifiers, r.oid) {
			roles = append(roles, r.role)
		}
	}
	return roles
}

func containsOID(list []asn1.ObjectIdentifier, oid asn1.ObjectIdentifier) bool {
	for _, o := range list {
		if o.Equal(oid) {
			return true
		}
	}
	return false
}
