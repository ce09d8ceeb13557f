package ncasim

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"time"

	"nesie.kz/nesie/internal/eds"
)

// Identity is the holder of a certificate. An individual has IIN and names; a legal entity's
// signer adds BIN, Organization and a role (RoleHead or RoleMaySign).
type Identity struct {
	IIN        string // 12 digits
	Surname    string // SURNAME, e.g. "СЫНАҚОВ"
	Name       string // first name; CN is "<Surname> <Name>"
	Patronymic string // G, where НУЦ puts the patronymic
	Email      string
	// BIN and Organization make the certificate a legal entity's.
	BIN          string
	Organization string
	// Roles of a legal entity's signer: eds.RoleHead, eds.RoleMaySign, … (RoleLegalEntity is
	// always added). Empty for a legal entity means eds.RoleMaySign.
	Roles []eds.Role
}

// IsLegalEntity tells a legal entity's signer from an individual.
func (id Identity) IsLegalEntity() bool { return id.BIN != "" }

// KeyType is the subject key algorithm.
type KeyType string

// The key types the simulator can make.
const (
	KeyECDSA KeyType = "ECDSA" // P-256, the default: fast to make
	KeyRSA   KeyType = "RSA"   // RSA-2048, as НУЦ issued before its GOST-only era
)

// Options says what kind of certificate to issue; the zero value is a valid SIGN certificate,
// ECDSA, valid from an hour ago for a year.
type Options struct {
	// Purpose is eds.PurposeSign (default) or eds.PurposeAuth (a wrong-usage key for signing).
	Purpose eds.KeyPurpose
	KeyType KeyType
	// Expired: valid from two years ago until a day ago.
	Expired bool
	// NotYetValid: valid from tomorrow.
	NotYetValid bool
	// Untrusted: issued by a root that no verifier trusts.
	Untrusted bool
	// KeyUsage, when not zero, replaces the purpose's key usage bits (other wrong usages).
	KeyUsage x509.KeyUsage
	// OCSPUnknown makes the OCSP responder answer "unknown" for this certificate.
	OCSPUnknown bool
}

// Policy OIDs НУЦ writes into SIGN and AUTH certificates.
var (
	oidPolicySign = mustOID(1, 2, 398, 3, 3, 2, 3)
	oidPolicyAuth = mustOID(1, 2, 398, 3, 3, 2, 4)
)

func mustOID(arcs ...uint64) x509.OID {
	oid, err := x509.OIDFromInts(arcs)
	if err != nil {
		panic(err) // constant arcs: cannot happen
	}
	return oid
}

// roleOID is the extended key usage OID of a Kazakh role (FACTS.md §6).
func roleOID(r eds.Role) (asn1.ObjectIdentifier, bool) {
	base := asn1.ObjectIdentifier{1, 2, 398, 3, 3, 4, 1}
	tail := map[eds.Role][]int{
		eds.RoleIndividual: {1}, eds.RoleLegalEntity: {2}, eds.RoleHead: {2, 1}, eds.RoleMaySign: {2, 2},
		eds.RoleMaySignFinancial: {2, 3}, eds.RoleHR: {2, 4}, eds.RoleEmployee: {2, 5},
	}[r]
	if tail == nil {
		return nil, false
	}
	return append(append(asn1.ObjectIdentifier{}, base...), tail...), true
}

// Issue makes a key and a certificate for id. The key is kept so that the demo signer can use
// it; the caller gets both.
func (s *Simulator) Issue(id Identity, opts Options) (*x509.Certificate, crypto.Signer, error) {
	if err := id.validate(); err != nil {
		return nil, nil, err
	}
	purpose := opts.Purpose
	if purpose == "" {
		purpose = eds.PurposeSign
	}
	key, err := newSubjectKey(opts.KeyType)
	if err != nil {
		return nil, nil, err
	}
	tmpl, err := s.template(id, purpose, opts)
	if err != nil {
		return nil, nil, err
	}
	spki, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, nil, err
	}
	ski := sha1.Sum(spki) // the subject key identifier method of RFC 5280 §4.2.1.2 (over the SPKI here)
	tmpl.SubjectKeyId = ski[:]
	ca := s.nca
	if opts.Untrusted {
		ca = s.foreign
	}
	cert, err := ca.sign(tmpl, key.Public())
	if err != nil {
		return nil, nil, err
	}
	if !opts.Untrusted {
		s.mu.Lock()
		s.issued[cert.SerialNumber.Text(16)] = &issued{cert: cert, key: key, identity: id, purpose: purpose, ocspUnknown: opts.OCSPUnknown}
		s.mu.Unlock()
	}
	return cert, key, nil
}

func (id Identity) validate() error {
	if !twelveDigits(id.IIN) {
		return fmt.Errorf("ncasim: identity: IIN %q is not 12 digits", id.IIN)
	}
	if id.BIN != "" && !twelveDigits(id.BIN) {
		return fmt.Errorf("ncasim: identity: BIN %q is not 12 digits", id.BIN)
	}
	if strings.TrimSpace(id.Surname) == "" || strings.TrimSpace(id.Name) == "" {
		return errors.New("ncasim: identity: surname and name are required")
	}
	return nil
}

func twelveDigits(s string) bool {
	return len(s) == 12 && strings.Trim(s, "0123456789") == ""
}

func newSubjectKey(t KeyType) (crypto.Signer, error) {
	switch t {
	case "", KeyECDSA:
		return newECKey()
	case KeyRSA:
		return rsa.GenerateKey(rand.Reader, 2048)
	}
	return nil, fmt.Errorf("ncasim: unknown key type %q", t)
}

// template builds the certificate НУЦ would issue for id.
func (s *Simulator) template(id Identity, purpose eds.KeyPurpose, opts Options) (*x509.Certificate, error) {
	now := s.cfg.Clock.Now()
	tmpl := &x509.Certificate{NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0)}
	switch {
	case opts.Expired:
		tmpl.NotBefore, tmpl.NotAfter = now.AddDate(-2, 0, 0), now.AddDate(0, 0, -1)
	case opts.NotYetValid:
		tmpl.NotBefore, tmpl.NotAfter = now.AddDate(0, 0, 1), now.AddDate(1, 0, 1)
	}
	raw, err := asn1.Marshal(subjectOf(id))
	if err != nil {
		return nil, fmt.Errorf("ncasim: subject: %w", err)
	}
	tmpl.RawSubject = raw
	switch purpose {
	case eds.PurposeSign:
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
		tmpl.Policies = []x509.OID{oidPolicySign}
	case eds.PurposeAuth:
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		tmpl.Policies = []x509.OID{oidPolicyAuth}
	default:
		return nil, fmt.Errorf("ncasim: unknown key purpose %q", purpose)
	}
	if opts.KeyUsage != 0 {
		tmpl.KeyUsage = opts.KeyUsage
	}
	for _, r := range rolesOf(id) {
		oid, ok := roleOID(r)
		if !ok {
			return nil, fmt.Errorf("ncasim: unknown role %q", r)
		}
		tmpl.UnknownExtKeyUsage = append(tmpl.UnknownExtKeyUsage, oid)
	}
	s.mu.Lock()
	base := s.baseURL
	s.mu.Unlock()
	if base != "" {
		tmpl.OCSPServer = []string{base + "/ocsp"}
		tmpl.CRLDistributionPoints = []string{base + "/crl"}
		tmpl.IssuingCertificateURL = []string{base + "/ca/nca.crt"}
	}
	return tmpl, nil
}

// rolesOf is the individual role, or the legal entity role plus the signer's roles.
func rolesOf(id Identity) []eds.Role {
	if !id.IsLegalEntity() {
		return []eds.Role{eds.RoleIndividual}
	}
	roles := []eds.Role{eds.RoleLegalEntity}
	if len(id.Roles) == 0 {
		return append(roles, eds.RoleMaySign)
	}
	for _, r := range id.Roles {
		if r != eds.RoleLegalEntity && r != eds.RoleIndividual {
			roles = append(roles, r)
		}
	}
	return roles
}

// Attribute types of the subject, in the order НУЦ writes them.
var (
	oidCN           = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidSurname      = asn1.ObjectIdentifier{2, 5, 4, 4}
	oidSerialNumber = asn1.ObjectIdentifier{2, 5, 4, 5}
	oidCountry      = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidOrganization = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOrgUnit      = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidGivenName    = asn1.ObjectIdentifier{2, 5, 4, 42}
	oidEmail        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
)

// subjectOf is the distinguished name: CN, SURNAME, SERIALNUMBER=IIN…, C=KZ, O, OU=BIN…, G, E.
func subjectOf(id Identity) pkix.RDNSequence {
	var rdn pkix.RDNSequence
	add := func(oid asn1.ObjectIdentifier, v string) {
		if v != "" {
			rdn = append(rdn, pkix.RelativeDistinguishedNameSET{{Type: oid, Value: v}})
		}
	}
	add(oidCN, strings.TrimSpace(id.Surname+" "+id.Name))
	add(oidSurname, id.Surname)
	add(oidSerialNumber, "IIN"+id.IIN)
	add(oidCountry, "KZ")
	if id.IsLegalEntity() {
		add(oidOrganization, id.Organization)
		add(oidOrgUnit, "BIN"+id.BIN)
	}
	add(oidGivenName, id.Patronymic)
	add(oidEmail, id.Email)
	return rdn
}
