package eds

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestParseSubjectEdgeCases(t *testing.T) {
	ca := newTestCA(t, "SUBJECT TEST CA", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	key := newECKey(t)
	issueWith := func(subject pkix.Name, eku []asn1.ObjectIdentifier, policies []asn1.ObjectIdentifier, ku x509.KeyUsage) *x509.Certificate {
		var pols []x509.OID
		for _, p := range policies {
			oid, err := x509.OIDFromInts(toUint64s(p))
			if err != nil {
				t.Fatal(err)
			}
			pols = append(pols, oid)
		}
		return ca.issue(t, &x509.Certificate{Subject: subject, UnknownExtKeyUsage: eku, Policies: pols, KeyUsage: ku}, key.Public())
	}
	ou := func(v ...string) []string { return v }
	for _, tc := range []struct {
		name     string
		subject  pkix.Name
		eku      []asn1.ObjectIdentifier
		policies []asn1.ObjectIdentifier
		ku       x509.KeyUsage
		wantErr  bool
		check    func(Subject) bool
	}{
		{name: "IIN of 11 digits", subject: pkix.Name{SerialNumber: "IIN90010130001"}, wantErr: true},
		{name: "IIN with a letter", subject: pkix.Name{SerialNumber: "IIN90010130001X"}, wantErr: true},
		{name: "OU BIN of 13 digits", subject: pkix.Name{OrganizationalUnit: ou("BIN1503400000001")}, wantErr: true},
		{name: "two different BINs", subject: pkix.Name{SerialNumber: "BIN150340000015", OrganizationalUnit: ou("BIN150340000027")}, wantErr: true},
		{name: "BIN in SERIALNUMBER", subject: pkix.Name{SerialNumber: "BIN150340000015"},
			check: func(s Subject) bool { return s.BIN == "150340000015" && s.IIN == "" }},
		{name: "same BIN twice", subject: pkix.Name{SerialNumber: "BIN150340000015", OrganizationalUnit: ou("ОТДЕЛ", "BIN150340000015")},
			check: func(s Subject) bool { return s.BIN == "150340000015" }},
		{name: "other SERIALNUMBER kept raw", subject: pkix.Name{SerialNumber: "PASSPORT N123"},
			check: func(s Subject) bool { return s.SerialNumber == "PASSPORT N123" && s.IIN == "" && s.BIN == "" }},
		{name: "roles from EKU, all legal-entity ones",
			eku: []asn1.ObjectIdentifier{{1, 2, 398, 3, 3, 4, 1, 2}, {1, 2, 398, 3, 3, 4, 1, 2, 5}, {1, 2, 398, 3, 3, 4, 1, 2, 4}, {1, 2, 398, 3, 3, 4, 1, 2, 3}, {1, 2, 398, 3, 3, 4, 1, 2, 2}},
			check: func(s Subject) bool {
				return slices.Equal(s.Roles, []Role{RoleLegalEntity, RoleMaySign, RoleMaySignFinancial, RoleHR, RoleEmployee})
			}},
		{name: "role from a policy OID", policies: []asn1.ObjectIdentifier{{1, 2, 398, 3, 3, 4, 1, 1}},
			check: func(s Subject) bool { return slices.Equal(s.Roles, []Role{RoleIndividual}) }},
		{name: "a longer OID is not a role", eku: []asn1.ObjectIdentifier{{1, 2, 398, 3, 3, 4, 1, 1, 9}},
			check: func(s Subject) bool { return len(s.Roles) == 0 }},
		{name: "GOST AUTH key with keyAgreement", ku: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyAgreement,
			check: func(s Subject) bool { return s.Purpose == PurposeAuth }},
		{name: "SIGN key with keyAgreement too", ku: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment | x509.KeyUsageKeyAgreement,
			check: func(s Subject) bool { return s.Purpose == PurposeSign }},
		{name: "nonRepudiation without digitalSignature", ku: x509.KeyUsageContentCommitment,
			check: func(s Subject) bool { return s.Purpose == PurposeUnknown }},
		{name: "email and CN without surname",
			subject: pkix.Name{CommonName: "АЙДАР", ExtraNames: []pkix.AttributeTypeAndValue{{Type: oidEmail, Value: "client@example.kz"}}},
			check: func(s Subject) bool {
				return s.Email == "client@example.kz" && s.FirstName == "" && s.CommonName == "АЙДАР"
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSubject(issueWith(tc.subject, tc.eku, tc.policies, tc.ku))
			if tc.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("got %+v, %v; want ErrMalformed", s, err)
				}
				return
			}
			if err != nil || !tc.check(s) {
				t.Fatalf("got %+v, %v", s, err)
			}
		})
	}
	if _, err := ParseSubject(nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("nil certificate: %v", err)
	}
}

// Two different IINs in one subject: НУЦ never issues that, and neither value can be trusted.
func TestParseSubjectRefusesTwoIINs(t *testing.T) {
	cert := &x509.Certificate{Subject: pkix.Name{Names: []pkix.AttributeTypeAndValue{
		{Type: oidSerialNumber, Value: "IIN900101300017"}, {Type: oidSerialNumber, Value: "IIN850702400029"},
	}}}
	if _, err := ParseSubject(cert); !errors.Is(err, ErrMalformed) {
		t.Errorf("got %v", err)
	}
	cert.Subject.Names[1].Value = 42
	if _, err := ParseSubject(cert); !errors.Is(err, ErrMalformed) {
		t.Errorf("non-string attribute: got %v", err)
	}
}

func toUint64s(oid asn1.ObjectIdentifier) []uint64 {
	out := make([]uint64, len(oid))
	for i, v := range oid {
		out[i] = uint64(v)
	}
	return out
}
