package merchant

import (
	"strings"
	"testing"
	"unicode/utf8"

	"nesie.kz/nesie/internal/kz"
)

// FuzzValidate feeds arbitrary staff input (BIN, IBAN, name, contract) through the parsers and
// validate: nothing panics, and what is accepted is re-checked independently.
func FuzzValidate(f *testing.F) {
	f.Add("180340004216", "KZ20601A000000021345", "ТОО «Демо Техника»", "DEMO-1")
	f.Add("180360004215", "kz20 601a 0000 0002 1345", " ", "\x00")
	f.Add("", "", "\xff", "a")
	f.Fuzz(func(t *testing.T, bin, iban, name, contract string) {
		b, _ := kz.ParseBIN(bin)
		i, _ := kz.ParseIBAN(iban)
		m, err := validate(Merchant{BIN: b, IBAN: i, Name: name, ContractRef: contract})
		if err != nil {
			return
		}
		digits := m.BIN.String()
		if len(digits) != 12 || strings.Trim(digits, "0123456789") != "" || (digits[4] != '4' && digits[4] != '5') {
			t.Fatalf("accepted BIN %q", digits)
		}
		if s := m.IBAN.String(); len(s) != 20 || !strings.HasPrefix(s, "KZ") {
			t.Fatalf("accepted IBAN %q", s)
		}
		for _, s := range []string{m.Name, m.ContractRef} {
			if s == "" || !utf8.ValidString(s) || s != strings.TrimSpace(s) || utf8.RuneCountInString(s) > maxText ||
				strings.ContainsAny(s, "\x00\n\r\t\x7f") {
				t.Fatalf("accepted text %q", s)
			}
		}
	})
}
