package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/fault"
)

func TestPasswordIsMaskedEverywhere(t *testing.T) {
	const secret = "my very secret phrase 91"
	pw := NewPassword(secret)
	req := LoginRequest{Login: "+77010000001", Password: pw, IP: "198.51.100.1"}
	var out bytes.Buffer
	out.WriteString(fmt.Sprintf("%v %s %+v %#v %q %x", pw, pw, req, req, pw, pw))
	logger := slog.New(slog.NewJSONHandler(&out, nil))
	logger.Info("attempt", "password", pw, "request", req)
	slog.New(slog.NewTextHandler(&out, nil)).Info("attempt", "request", req, "pw", pw)
	b, err := json.Marshal(struct{ P Password }{pw})
	if err != nil {
		t.Fatal(err)
	}
	out.Write(b)
	if strings.Contains(out.String(), secret) || strings.Contains(out.String(), fmt.Sprintf("%x", secret)) {
		t.Fatalf("password leaked: %s", out.String())
	}
	if !strings.Contains(out.String(), passwordMask) {
		t.Fatalf("mask missing: %s", out.String())
	}
	if strings.Contains(out.String(), req.Login) {
		t.Fatalf("login (a phone number) leaked: %s", out.String())
	}
	var back struct{ P Password }
	if err := json.Unmarshal([]byte(`{"P":"typed in"}`), &back); err != nil || back.P.reveal() != "typed in" {
		t.Fatalf("unmarshal: %v %q", err, back.P.reveal())
	}
}

func TestR29_PasswordPolicy(t *testing.T) {
	acct := Account{ClientID: "c1", IIN: "900101300019", Phone: "+7 701 234 56 78"}
	for _, c := range []struct {
		name, pw string
		ok       bool
	}{
		{"long passphrase", "correct horse battery staple", true},
		{"ten characters exactly", "k7#Lm2!qZp", true},
		{"cyrillic passphrase", "жёлтый верблюд в степи", true},
		{"nine characters", "k7#Lm2!qZ", false},
		{"ten cyrillic letters count as ten", "Ёжикватуме", true},
		{"common", "qwertyuiop", false},
		{"common in capitals", "QWERTYUIOP", false},
		{"common with year and mark", "Password2024!", false},
		{"common name with digits", "nurlan19850101", false},
		{"common cyrillic keyboard", "йцукенгшщз", false},
		{"long digit walk", "1234567890", false},
		{"one repeated character", "zzzzzzzzzzzz", false},
		{"contains the IIN", "me900101300019!", false},
		{"contains the phone", "call 7012345678 now", false},
		{"contains the subscriber number spaced", "tel 234-56-78 home", false},
		{"other digits are fine", "river 2026 boat 0815", true},
		{"control character", "line one\x00line two", false},
		{"invalid utf-8", "abcdefghij\xff", false},
		{"too long", strings.Repeat("ab", 200), false},
	} {
		err := checkPolicy(NewPassword(c.pw), 10, acct)
		if c.ok && err != nil {
			t.Errorf("%s: refused: %v", c.name, err)
		}
		if !c.ok {
			var fe *fault.FieldError
			if !errors.As(err, &fe) || fe.Field != "password" {
				t.Errorf("%s: error = %v, want a field error on password", c.name, err)
			} else if strings.Contains(err.Error(), c.pw) {
				t.Errorf("%s: the error quotes the password", c.name)
			}
		}
	}
}

func TestCommonListIsLoaded(t *testing.T) {
	set := commonPasswords()
	if len(set) < 3000 {
		t.Fatalf("common list has %d entries, want thousands", len(set))
	}
	for _, w := range []string{"123456", "password", "qwerty", "iloveyou", "пароль", "almaty"} {
		if !set[w] {
			t.Errorf("%q missing from the common list", w)
		}
	}
}

func TestArgon2idHashVerifiesAndCarriesParams(t *testing.T) {
	p := Argon2Params{Time: 1, MemoryKiB: 1024, Threads: 1, SaltLen: 16, KeyLen: 32}
	h, err := hashPassword(NewPassword("correct horse battery"), p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %s is not PHC argon2id", h)
	}
	h2, _ := hashPassword(NewPassword("correct horse battery"), p)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	ok, stale, err := verifyPassword(NewPassword("correct horse battery"), h, p)
	if !ok || stale || err != nil {
		t.Fatalf("verify = %v %v %v", ok, stale, err)
	}
	if ok, _, _ := verifyPassword(NewPassword("correct horse batterY"), h, p); ok {
		t.Fatal("wrong password verified")
	}
	// Raised parameters: the old hash still verifies and is reported stale.
	raised := p
	raised.Time = 2
	ok, stale, err = verifyPassword(NewPassword("correct horse battery"), h, raised)
	if !ok || !stale || err != nil {
		t.Fatalf("verify with new params = %v %v %v", ok, stale, err)
	}
}

// Hashes made independently by the reference C implementation (libargon2's
// argon2id_hash_encoded, the first also printed in the argon2 project's README) verify.
func TestArgon2idReferenceVectors(t *testing.T) {
	for _, v := range []struct{ pw, hash string }{
		{"password", "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo"},
		{"пароль Несие", "$argon2id$v=19$m=1024,t=1,p=1$bmVzaWUtc2FsdC0wMDAxIQ$OK4IWCNnwNSkP2P5xAH9ct/bGBjYGUAHMwwIDL+au+E"},
	} {
		ok, _, err := verifyPassword(NewPassword(v.pw), v.hash, DefaultArgon2())
		if err != nil || !ok {
			t.Errorf("reference hash of %q: ok=%v err=%v", v.pw, ok, err)
		}
		if ok, _, _ := verifyPassword(NewPassword(v.pw+" "), v.hash, DefaultArgon2()); ok {
			t.Errorf("reference hash of %q verified another password", v.pw)
		}
	}
}

func TestParsePHCRefusesMalformed(t *testing.T) {
	good := "$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzYWx0$RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs"
	if _, err := parsePHC(good); err != nil {
		t.Fatalf("good hash refused: %v", err)
	}
	for _, bad := range []string{
		"", "$argon2i$v=19$m=1024,t=1,p=1$c29tZXNhbHRzYWx0$RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs",
		"$argon2id$v=16$m=1024,t=1,p=1$c29tZXNhbHRzYWx0$RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs",
		"$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHRzYWx0$RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs",
		"$argon2id$v=19$t=1,m=1024,p=1$c29tZXNhbHRzYWx0$RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs",
		"$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzYWx0=$RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs",
		"$argon2id$v=19$m=1024,t=0,p=1$c29tZXNhbHRzYWx0$RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs",
		"$argon2id$v=19$m=1024,t=1,p=1$c2$RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs",
		"$argon2id$v=19$m=01024,t=1,p=1$c29tZXNhbHRzYWx0$RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs",
		"$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzYWx0$Rdescud\r\nvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs",
		"$argon2id$v=19$m=1024,t=1,p=1$c29tZXNh\nbHRzYWx0$RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs",
	} {
		if _, err := parsePHC(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// FuzzParsePHC: no input panics, and whatever is accepted re-encodes to exactly the input
// (the format is canonical) with parameters inside the bounds.
func FuzzParsePHC(f *testing.F) {
	f.Add("$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG")
	f.Add("$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzYWx0$RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parsePHC(s)
		if err != nil {
			return
		}
		if h.String() != s {
			t.Fatalf("accepted %q re-encodes as %q", s, h.String())
		}
		if h.params.validate() != nil || h.params.MemoryKiB > maxArgonMemory || len(h.salt) < 8 || len(h.key) < 16 {
			t.Fatalf("accepted out-of-bounds %q", s)
		}
	})
}

// FuzzPasswordPolicy: no input panics, and an accepted password is valid text of at least 10
// characters, not on the common list and free of the client's numbers.
func FuzzPasswordPolicy(f *testing.F) {
	acct := Account{IIN: "900101300019", Phone: "+77012345678"}
	for _, s := range []string{"correct horse battery staple", "password", "Password2024!", "x900101300019x", "\xff\xfe", "ёёёёёёёёёё"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if checkPolicy(NewPassword(s), 10, acct) != nil {
			return
		}
		if len([]rune(s)) < 10 || commonPasswords()[strings.ToLower(s)] || strings.Contains(digitsOf(s), "900101300019") || strings.Contains(digitsOf(s), "2345678") {
			t.Fatalf("accepted %q", s)
		}
	})
}
