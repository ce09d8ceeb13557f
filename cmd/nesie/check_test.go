package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunCheck(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		args       []string
		code       int
		stdout     string // substring expected on stdout ("" = stdout must be empty)
		stderr     string // substring expected on stderr ("" = stderr must be empty)
		notOnPrint string // must appear on neither stream
	}{
		{"iin valid", []string{"iin", "900101300017"}, 0, "IIN 900101****** valid: born 1990-01-01, male", "", "900101300017"},
		{"iin valid female", []string{"iin", "850615412347"}, 0, "born 1985-06-15, female", "", "850615412347"},
		{"iin check digit", []string{"iin", "900101300018"}, 1, "", "IIN: check digit does not match", "900101300018"},
		{"iin birth date", []string{"iin", "900230300017"}, 1, "", "birth date 1990-02-30 does not exist", ""},
		{"iin century", []string{"iin", "900101700017"}, 1, "", "century digit 7", ""},
		{"iin nca test value", []string{"iin", "123456789011"}, 1, "", "IIN:", ""},
		{"iin too short", []string{"iin", "12345"}, 1, "", "must be 12 digits", ""},
		{"bin valid", []string{"bin", "240340012341"}, 0, "BIN 240340012341 valid: resident legal entity, head unit", "", ""},
		{"bin valid branch", []string{"bin", "150851000127"}, 0, "non-resident legal entity, branch", "", ""},
		{"bin check digit", []string{"bin", "240340012342"}, 1, "", "BIN: check digit does not match", ""},
		{"bin is an iin", []string{"bin", "900101300017"}, 1, "", "marks an IIN", ""},
		{"iban known bank", []string{"iban", "KZ18722S000012345678"}, 0, "bank code 722, АО «Kaspi Bank» (BIC CASPKZKA)", "", ""},
		{"iban grouped lower case", []string{"iban", "kz86 125k zt50 0410 0100"}, 0, "IBAN KZ86125KZT5004100100 valid: bank code 125", "", ""},
		{"iban unknown bank", []string{"iban", "KZ11123ABCDEF1234567"}, 0, "bank code 123 (not in the bank directory)", "", ""},
		{"iban checksum", []string{"iban", "KZ87125KZT5004100100"}, 1, "", "IBAN: check digits do not match", ""},
		{"iban foreign", []string{"iban", "DE89370400440532013000"}, 1, "", "country DE", ""},
		{"no args", nil, 2, "", "usage: nesie check iin|bin|iban VALUE", ""},
		{"kind only", []string{"iin"}, 2, "", "usage:", ""},
		{"too many", []string{"iban", "KZ86", "125K"}, 2, "", "usage:", ""},
		{"unknown kind", []string{"rnn", "123"}, 2, "", "unknown kind \"rnn\"", ""},
		{"kind is case-sensitive", []string{"IIN", "900101300017"}, 2, "", "usage:", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			code := runCheck(c.args, &out, &errOut)
			if code != c.code {
				t.Errorf("exit %d, want %d (stdout %q, stderr %q)", code, c.code, out.String(), errOut.String())
			}
			check := func(stream, got, want string) {
				if want == "" && got != "" {
					t.Errorf("%s = %q, want nothing", stream, got)
				}
				if !strings.Contains(got, want) {
					t.Errorf("%s = %q, want it to contain %q", stream, got, want)
				}
				if strings.Count(got, "\n") > 2 {
					t.Errorf("%s has more than two lines: %q", stream, got)
				}
			}
			check("stdout", out.String(), c.stdout)
			check("stderr", errOut.String(), c.stderr)
			if c.notOnPrint != "" && strings.Contains(out.String()+errOut.String(), c.notOnPrint) {
				t.Errorf("the full value %s was printed", c.notOnPrint)
			}
		})
	}
}
