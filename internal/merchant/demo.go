package merchant

import "nesie.kz/nesie/internal/kz"

// DemoMerchants returns the made-up partner merchants the demo seeds. Their BINs and IBANs
// have valid check digits (computed for them; the test parses them) and name no real
// organisation or account.
func DemoMerchants() []Merchant {
	return []Merchant{
		demo("180340004216", "ТОО «Демо Техника»", "KZ20601A000000021345", "Договор о сотрудничестве № DEMO-1 от 02.03.2026"),
		demo("211140007333", "ТОО «Демо Мебель»", "KZ54722S000000731220", "Договор о сотрудничестве № DEMO-2 от 02.03.2026"),
	}
}

// demo builds one demo merchant; a value that does not parse leaves the field zero, which
// Add refuses by name and the demo test catches.
func demo(bin, name, iban, contract string) Merchant {
	b, _ := kz.ParseBIN(bin)
	i, _ := kz.ParseIBAN(iban)
	return Merchant{BIN: b, Name: name, IBAN: i, ContractRef: contract}
}
