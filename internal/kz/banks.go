package kz

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Bank is one row of the bank directory: the 3-digit code that IBANs carry, the BIC
// (SWIFT code) and the name.
type Bank struct {
	Code string // "601"
	BIC  string // "HSBKKZKX"
	Name string // "АО «Народный Банк Казахстана»"
}

// BankDirectory maps IBAN bank codes to banks. The zero value is an empty directory.
type BankDirectory struct{ byCode map[string]Bank }

// DefaultBanks returns the directory built into Nesie: the banks and payment institutions of
// the NBRK directory of bank identification codes (nationalbank.kz, «Справочник БИК РК»), as
// found in a 2025–2026 copy of it; codes 551, 601, 722, 856, 914 and 948 are also confirmed
// by account numbers the banks' clients publish.
//
// Operators must check it against the current NBRK directory and load corrections with
// LoadBanks: banks are renamed, merged and licensed every year (TSESKZKA was Tsesnabank,
// then Jusan Bank, now Alatau City Bank).
func DefaultBanks() BankDirectory {
	rows := []Bank{
		{"009", "GCVPKZ2A", "НАО «Государственная корпорация «Правительство для граждан»"},
		{"070", "KKMFKZ2A", "РГУ «Комитет казначейства Министерства финансов РК»"},
		{"125", "NBRKKZKX", "РГУ «Национальный Банк Республики Казахстан»"},
		{"246", "HLALKZKZ", "АО «Исламский Банк «ADCB»"},
		{"432", "VTBAKZKZ", "ДО АО «Банк ВТБ (Казахстан)»"},
		{"435", "SHBKKZKA", "АО «Шинхан Банк Казахстан»"},
		{"550", "INEARUMM", "Межгосударственный Банк"},
		{"551", "KSNVKZKA", "АО «Фридом Банк Казахстан»"},
		{"563", "KPSTKZKA", "АО «КазПочта»"},
		{"601", "HSBKKZKX", "АО «Народный Банк Казахстана»"},
		{"700", "EABRKZKA", "Евразийский банк развития"},
		{"715", "KCCJKZKK", "АО «Клиринговый центр KASE»"},
		{"719", "KMFBKZKK", "АО «KMF Банк»"},
		{"722", "CASPKZKA", "АО «Kaspi Bank»"},
		{"724", "MOKFKZKA", "АО «Коммерческий Банк БиЭнКей»"},
		{"766", "CEDUKZKA", "АО «Центральный депозитарий ценных бумаг»"},
		{"821", "KINCKZKA", "АО «Bank RBK»"},
		{"832", "CITIKZKA", "АО «Ситибанк Казахстан»"},
		{"849", "NURSKZKX", "АО «Нурбанк»"},
		{"856", "KCJBKZKX", "АО «Банк ЦентрКредит»"},
		{"885", "KZIBKZKA", "АО ДБ «Казахстан-Зираат Интернешнл Банк»"},
		{"886", "INLMKZKA", "АО «Home Credit Bank»"},
		{"896", "ZAJSKZ22", "АО «Исламский банк «Заман-Банк»"},
		{"907", "DVKAKZKA", "АО «Банк Развития Казахстана»"},
		{"913", "BKCHKZKA", "АО ДБ «Банк Китая в Казахстане»"},
		{"914", "BRKEKZKA", "АО «Bereke Bank»"},
		{"927", "KICEKZKX", "АО «Казахстанская фондовая биржа»"},
		{"930", "ICBKKZKX", "АО «Торгово-промышленный Банк Китая в г. Алматы»"},
		{"948", "EURIKZKA", "АО «Евразийский Банк»"},
		{"949", "ATYNKZKA", "АО «Altyn Bank»"},
		{"965", "IRTYKZKA", "АО «ForteBank»"},
		{"972", "HCSKKZKA", "АО «Отбасы банк»"},
		{"998", "TSESKZKA", "АО «Alatau City Bank»"},
	}
	d := BankDirectory{byCode: make(map[string]Bank, len(rows))}
	for _, b := range rows {
		d.byCode[b.Code] = b
	}
	return d
}

// LoadBanks reads a CSV of "code,bic,name" rows and returns the default directory extended
// and overridden by them (a row with a known code replaces it). A header row "code,bic,name"
// and lines starting with '#' are skipped. Every row is checked: a 3-digit code, a BIC of
// 8 or 11 characters (ISO 9362), a name; a code twice in the file is an error, since one of
// the two rows would silently lose.
func LoadBanks(r io.Reader) (BankDirectory, error) {
	d := DefaultBanks()
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = 3
	cr.TrimLeadingSpace = true
	seen := map[string]int{} // code → line, to report duplicates
	first := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return d, nil
		}
		if err != nil {
			return BankDirectory{}, fmt.Errorf("bank directory: %w", err)
		}
		line, _ := cr.FieldPos(0)
		code, bic, name := strings.TrimSpace(rec[0]), strings.ToUpper(strings.TrimSpace(rec[1])), strings.TrimSpace(rec[2])
		if first && strings.EqualFold(code, "code") && strings.EqualFold(bic, "BIC") {
			first = false
			continue // the header row
		}
		first = false
		if len(code) != 3 || !isDigits(code) {
			return BankDirectory{}, fmt.Errorf("bank directory line %d: code %q: must be 3 digits", line, code)
		}
		if !validBIC(bic) {
			return BankDirectory{}, fmt.Errorf("bank directory line %d: BIC %q: must be 8 or 11 characters, 6 letters first", line, bic)
		}
		if name == "" {
			return BankDirectory{}, fmt.Errorf("bank directory line %d: name is empty", line)
		}
		if prev, dup := seen[code]; dup {
			return BankDirectory{}, fmt.Errorf("bank directory line %d: code %s already given on line %d", line, code, prev)
		}
		seen[code] = line
		d.byCode[code] = Bank{Code: code, BIC: bic, Name: name}
	}
}

// validBIC checks the ISO 9362 shape: 4 letters (institution), 2 letters (country),
// 2 letters or digits (location), optionally 3 letters or digits (branch).
func validBIC(s string) bool {
	if len(s) != 8 && len(s) != 11 {
		return false
	}
	if !isLetters(s[:6]) {
		return false
	}
	for i := 6; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Lookup returns the bank with the given 3-digit code.
func (d BankDirectory) Lookup(code string) (Bank, bool) {
	b, ok := d.byCode[code]
	return b, ok
}

// Check returns the bank an IBAN belongs to, or an error wrapping ErrUnknownBank when the
// directory does not know its bank code: money is not sent to a bank Nesie cannot name.
func (d BankDirectory) Check(i IBAN) (Bank, error) {
	if i.IsZero() {
		return Bank{}, parseErr("IBAN", ErrFormat, "empty")
	}
	b, ok := d.byCode[i.BankCode()]
	if !ok {
		return Bank{}, parseErr("IBAN", ErrUnknownBank, fmt.Sprintf("bank code %s is not in the bank directory", i.BankCode()))
	}
	return b, nil
}

// Banks returns every bank of the directory, by code.
func (d BankDirectory) Banks() []Bank {
	out := make([]Bank, 0, len(d.byCode))
	for _, code := range slices.Sorted(maps.Keys(d.byCode)) {
		out = append(out, d.byCode[code])
	}
	return out
}
