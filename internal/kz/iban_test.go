package kz

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// Valid IBANs below: the SWIFT registry example KZ86125KZT5004100100 and made-up accounts
// whose check digits were computed separately (98 − n mod 97).

func TestParseIBANValid(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, canon, bank string }{
		{"KZ86125KZT5004100100", "KZ86125KZT5004100100", "125"},
		{"KZ86 125K ZT50 0410 0100", "KZ86125KZT5004100100", "125"},
		{"kz86 125k zt50 0410 0100", "KZ86125KZT5004100100", "125"},
		{"KZ86\u00a0125K\u00a0ZT50 0410 0100 ", "KZ86125KZT5004100100", "125"},
		{"KZ18722S000012345678", "KZ18722S000012345678", "722"},
		{"KZ876010012345678901", "KZ876010012345678901", "601"},
		{"KZ648562203112345678", "KZ648562203112345678", "856"},
		{"KZ90998A1B2C3D4E5F6G", "KZ90998A1B2C3D4E5F6G", "998"},
		{"KZ11123ABCDEF1234567", "KZ11123ABCDEF1234567", "123"}, // unknown bank: still a valid IBAN
		{"KZ026010000000000096", "KZ026010000000000096", "601"},
		{"KZ976010000000000035", "KZ976010000000000035", "601"},
		{"KZ986010000000000017", "KZ986010000000000017", "601"},
	}
	for _, c := range cases {
		i, err := ParseIBAN(c.in)
		if err != nil {
			t.Errorf("ParseIBAN(%q): %v", c.in, err)
			continue
		}
		if i.String() != c.canon || i.BankCode() != c.bank || i.Account() != c.canon[7:] {
			t.Errorf("ParseIBAN(%q) = %s, bank %s, account %s", c.in, i, i.BankCode(), i.Account())
		}
	}
}

func TestParseIBANRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in     string
		err    error
		reason string
	}{
		{"KZ87125KZT5004100100", ErrChecksum, "mod 97"},
		{"KZ86125KZT5004100101", ErrChecksum, "mod 97"},
		{"KZ86125KZT5004101000", ErrChecksum, "mod 97"}, // two characters swapped
		// These satisfy mod 97 but the algorithm never gives 99, 00 or 01.
		{"KZ996010000000000096", ErrChecksum, "never issued"},
		{"KZ006010000000000035", ErrChecksum, "never issued"},
		{"KZ016010000000000017", ErrChecksum, "never issued"},
		{"DE89370400440532013000", ErrCode, "country DE"},
		{"GB29NWBK60161331926819", ErrCode, "country GB"},
		{"KZ86125KZT500410010", ErrFormat, "got 19"},
		{"KZ86125KZT50041001000", ErrFormat, "got 21"},
		{"KZ8A125KZT5004100100", ErrFormat, "check digits"},
		{"KZ8612AKZT5004100100", ErrFormat, "bank code"},
		{"KZ86-125-KZT5004100100", ErrFormat, "found '-'"},
		{"KZ86125KZT50041001ſ0", ErrFormat, "found 'ſ'"}, // would become S under strings.ToUpper
		{"", ErrFormat, "empty"},
		{"   ", ErrFormat, "empty"},
		{"1286125KZT5004100100", ErrFormat, "start with KZ"},
	}
	for _, c := range cases {
		_, err := ParseIBAN(c.in)
		var pe *ParseError
		if !errors.Is(err, c.err) || !errors.As(err, &pe) || pe.What != "IBAN" || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("ParseIBAN(%q) = %v; want %v containing %q", c.in, err, c.err, c.reason)
		}
		if err != nil && strings.Contains(err.Error(), "5004100") {
			t.Errorf("error %q repeats the account number", err)
		}
	}
}

func TestIBANPresentation(t *testing.T) {
	t.Parallel()
	i, err := ParseIBAN("kz86125kzt5004100100")
	if err != nil {
		t.Fatal(err)
	}
	if g := i.Grouped(); g != "KZ86 125K ZT50 0410 0100" {
		t.Errorf("Grouped() = %q", g)
	}
	if m := i.Masked(); m != "KZ86125*********0100" {
		t.Errorf("Masked() = %q", m)
	}
	var buf strings.Builder
	slog.New(slog.NewTextHandler(&buf, nil)).Info("payout", "account", i)
	if strings.Contains(buf.String(), "KZ86125KZT5004100100") || !strings.Contains(buf.String(), "KZ86125*********0100") {
		t.Errorf("log output: %s", buf.String())
	}
}

func TestBankDirectory(t *testing.T) {
	t.Parallel()
	d := DefaultBanks()
	for code, bic := range map[string]string{"601": "HSBKKZKX", "722": "CASPKZKA", "856": "KCJBKZKX", "125": "NBRKKZKX", "070": "KKMFKZ2A"} {
		if b, ok := d.Lookup(code); !ok || b.BIC != bic || b.Name == "" {
			t.Errorf("Lookup(%s) = %+v, %v; want BIC %s", code, b, ok, bic)
		}
	}
	seenBIC := map[string]string{}
	for _, b := range d.Banks() {
		if len(b.Code) != 3 || !isDigits(b.Code) || !validBIC(b.BIC) || b.Name == "" {
			t.Errorf("malformed default row %+v", b)
		}
		if prev, dup := seenBIC[b.BIC]; dup {
			t.Errorf("BIC %s under codes %s and %s", b.BIC, prev, b.Code)
		}
		seenBIC[b.BIC] = b.Code
	}

	known, _ := ParseIBAN("KZ18722S000012345678")
	if b, err := d.Check(known); err != nil || b.BIC != "CASPKZKA" {
		t.Errorf("Check(Kaspi IBAN) = %+v, %v", b, err)
	}
	unknown, _ := ParseIBAN("KZ11123ABCDEF1234567")
	if _, err := d.Check(unknown); !errors.Is(err, ErrUnknownBank) || !strings.Contains(err.Error(), "123") {
		t.Errorf("Check(unknown bank) = %v", err)
	}
	if _, err := d.Check(IBAN{}); err == nil {
		t.Error("Check(zero IBAN) passed")
	}
}

func TestLoadBanksExtendsAndOverrides(t *testing.T) {
	t.Parallel()
	csv := "code,bic,name\n" +
		"# a bank licensed this year\n" +
		"123,TESTKZKA,\"АО «Тестовый банк, новый»\"\n" +
		"722, caspkzka , АО «Kaspi Bank» (renamed)\n"
	d, err := LoadBanks(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := d.Lookup("123"); !ok || b.BIC != "TESTKZKA" || b.Name != "АО «Тестовый банк, новый»" {
		t.Errorf("new bank: %+v %v", b, ok)
	}
	if b, _ := d.Lookup("722"); b.Name != "АО «Kaspi Bank» (renamed)" || b.BIC != "CASPKZKA" {
		t.Errorf("override: %+v", b)
	}
	if _, ok := d.Lookup("601"); !ok {
		t.Error("defaults lost")
	}
	if _, ok := DefaultBanks().Lookup("123"); ok {
		t.Error("LoadBanks changed the defaults")
	}
}

func TestLoadBanksRefusesBadRows(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"12,TESTKZKA,Bank\n":                     "line 1: code",
		"123,TEST,Bank\n":                        "BIC",
		"123,TESTKZKA,\n":                        "name is empty",
		"123,TESTKZKA\n":                         "fields",
		"123,TESTKZKA,A\n124,X1STKZKA,B\n":       "line 2: BIC",
		"123,TESTKZKA,A\n123,TESTKZKB,B\n":       "code 123 already given on line 1",
		"code,bic,name\ncode,bic,name\n":         "line 2: code",
		"123,TESTKZKA,\"unterminated\n":          "bank directory",
		"123,TESTKZKA,A\n# ok\nabc,TESTKZKA,B\n": "line 3",
	}
	for in, want := range cases {
		if _, err := LoadBanks(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadBanks(%q) = %v; want an error containing %q", in, err, want)
		}
	}
}
