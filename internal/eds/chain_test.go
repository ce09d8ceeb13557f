package eds

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// The 2018 production-format chain: the signing certificate from the key store → nca_rsa →
// root_rsa, valid at 2019-01-01 and at no time after 2019-08-22.
func TestVerifyChainNCA2018(t *testing.T) {
	_, x := ncaSigner(t, ncaSignStore)
	leaf := wrap(x)
	trust := mustTrust(t)
	chain, err := VerifyChain(leaf, nil, trust, signedAt2019)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]byte{x.Raw, ncaFile(t, "2018/certs/trusted/nca_rsa.crt"), ncaFile(t, "2018/certs/root/root_rsa.crt")}
	if len(chain) != len(want) {
		t.Fatalf("chain of %d", len(chain))
	}
	for i := range want {
		if !bytes.Equal(chain[i].Raw, want[i]) {
			t.Errorf("chain[%d] is %s", i, chain[i].Subject)
		}
	}
	for name, at := range map[string]time.Time{
		"today":            time.Now(),
		"after expiry":     utc(t, "2019-08-22T12:11:37Z"),
		"before issue":     utc(t, "2018-08-22T12:11:35Z"),
		"root expired too": utc(t, "2025-07-28T00:00:00Z"),
	} {
		if _, err := VerifyChain(leaf, nil, trust, at); !errors.Is(err, ErrNotValidAtSigningTime) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The intermediate may also come from the signature's certificate bag.
	rootOnly, err := NewTrust([]*Certificate{ncaCert(t, "2018/certs/root/root_rsa.crt")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyChain(leaf, nil, rootOnly, signedAt2019); !errors.Is(err, ErrUntrustedChain) {
		t.Errorf("without the intermediate: %v", err)
	}
	if _, err := VerifyChain(leaf, []*Certificate{ncaCert(t, "2018/certs/trusted/nca_rsa.crt")}, rootOnly, signedAt2019); err != nil {
		t.Errorf("intermediate from the bag: %v", err)
	}
}

// The current test certificates chain to ҰКО 3.0 (RSA TEST); its root is not in the data, so
// the intermediate is configured as the trust anchor.
func TestVerifyChainNCACurrent(t *testing.T) {
	trust, err := NewTrust([]*Certificate{ncaCert(t, "current/ca/nca_rsa_test.crt")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"current/certs/individual_valid_sign_2004_rsa.cer", "current/certs/individual_valid_sign_2004_rsa_auth.cer"} {
		chain, err := VerifyChain(ncaCert(t, f), nil, trust, utc(t, "2022-06-01T00:00:00Z"))
		if err != nil || len(chain) != 2 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if _, err := VerifyChain(ncaCert(t, "current/certs/ceo_valid_sign_2004_gost.cer"), nil, trust, utc(t, "2022-06-01T00:00:00Z")); !errors.Is(err, ErrNeedsExternalVerifier) {
		t.Errorf("GOST leaf: %v", err)
	}
}

// A certificate from a CA we made ourselves does not chain to НУЦ, not even when that CA rides
// along in the signature's certificate bag.
func TestVerifyChainRefusesUntrustedRoot(t *testing.T) {
	ca := newTestCA(t, "НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)", signedAt2019.Add(-time.Hour), signedAt2019.Add(time.Hour))
	leaf := wrap(ca.issue(t, individualTemplate(testIIN, PurposeSign), newECKey(t).Public()))
	for name, bag := range map[string][]*Certificate{"no bag": nil, "CA in the bag": {wrap(ca.cert)}} {
		if _, err := VerifyChain(leaf, bag, mustTrust(t), signedAt2019); !errors.Is(err, ErrUntrustedChain) {
			t.Errorf("%s: %v", name, err)
		}
	}
	own, err := NewTrust([]*Certificate{wrap(ca.cert)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyChain(leaf, nil, own, signedAt2019); err != nil {
		t.Errorf("trusted when configured: %v", err)
	}
	if _, err := NewTrust(nil, nil); err == nil {
		t.Error("a trust store without roots was built")
	}
}

func TestCheckKeyUsageForSigning(t *testing.T) {
	_, sign := ncaSigner(t, ncaSignStore)
	_, auth := ncaSigner(t, ncaAuthStore)
	if err := CheckKeyUsageForSigning(wrap(sign)); err != nil {
		t.Errorf("SIGN key: %v", err)
	}
	for name, c := range map[string]*Certificate{
		"AUTH key (2018)":    wrap(auth),
		"AUTH key (current)": ncaCert(t, "current/certs/individual_valid_sign_2004_rsa_auth.cer"),
		"CA certificate":     ncaCert(t, "current/ca/nca_rsa_test.crt"),
	} {
		if err := CheckKeyUsageForSigning(c); !errors.Is(err, ErrWrongKeyUsage) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCheckValidityAt(t *testing.T) {
	c := ncaCert(t, "current/certs/ceo_valid_sign_2004_gost.cer") // 2022-01-18T04:45:35Z … 2023-01-18T04:45:35Z
	for at, ok := range map[string]bool{
		"2022-01-18T04:45:35Z": true, "2023-01-18T04:45:35Z": true, "2022-07-01T00:00:00Z": true,
		"2022-01-18T04:45:34Z": false, "2023-01-18T04:45:36Z": false,
	} {
		if err := CheckValidityAt(c, utc(t, at)); (err == nil) != ok || (err != nil && !errors.Is(err, ErrNotValidAtSigningTime)) {
			t.Errorf("%s: %v", at, err)
		}
	}
}

func TestCheckSigningTime(t *testing.T) {
	now := utc(t, "2019-01-01T06:05:00Z")
	for _, tc := range []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"a minute ago", now.Add(-time.Minute), true},
		{"now", now, true},
		{"within skew", now.Add(20 * time.Second), true},
		{"in the future", now.Add(31 * time.Second), false},
		{"too old", now.Add(-11 * time.Minute), false},
		{"missing", time.Time{}, false},
	} {
		err := CheckSigningTime(tc.at, now, 10*time.Minute, 30*time.Second)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrSigningTime)) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestCheckSigner(t *testing.T) {
	person, err := ParseSubject(ncaCert(t, "current/certs/individual_valid_sign_2004_rsa.cer").X509)
	if err != nil {
		t.Fatal(err)
	}
	head, err := ParseSubject(ncaCert(t, "current/certs/ceo_valid_sign_2004_gost.cer").X509)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		subject Subject
		want    SignerExpectation
		err     error
	}{
		{"individual, own IIN", person, SignerExpectation{IIN: testIIN}, nil},
		{"individual, another IIN", person, SignerExpectation{IIN: "900101300017"}, ErrSubjectMismatch},
		{"no expected IIN", person, SignerExpectation{}, ErrSubjectMismatch},
		{"individual expected to sign for an entity", person, SignerExpectation{IIN: testIIN, BIN: testBIN}, ErrSubjectMismatch},
		{"head of the entity", head, SignerExpectation{IIN: testIIN, BIN: testBIN}, nil},
		{"head, another BIN", head, SignerExpectation{IIN: testIIN, BIN: "150340000015"}, ErrSubjectMismatch},
		{"head's certificate used as an individual", head, SignerExpectation{IIN: testIIN}, ErrRoleMissing},
		{"entity needs a financial signer", head, SignerExpectation{IIN: testIIN, BIN: testBIN, Roles: []Role{RoleMaySignFinancial}}, ErrRoleMissing},
	} {
		err := CheckSigner(tc.subject, tc.want)
		if (tc.err == nil) != (err == nil) || (tc.err != nil && !errors.Is(err, tc.err)) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
		}
		if err != nil && bytes.Contains([]byte(err.Error()), []byte(testIIN)) {
			t.Errorf("%s: the error repeats the IIN: %v", tc.name, err)
		}
	}
}
