package kz

import (
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"
)

// refCheckDigit is a second, table-driven implementation of the IIN/BIN check digit
// (FACTS.md §7), written apart from checkDigit to re-verify what the parsers accept.
// It returns -1 for numbers that have no check digit.
func refCheckDigit(digits string) int {
	weights := [2][11]int{
		{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
		{3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2},
	}
	for _, w := range weights {
		total := 0
		for i, c := range digits[:11] {
			total += w[i] * int(c-'0')
		}
		if total%11 != 10 {
			return total % 11
		}
	}
	return -1
}

func isTwelveASCIIDigits(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// dateExists checks y-m-d with time.Date, which normalises impossible dates.
func dateExists(y, m, d int) bool {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Year() == y && int(t.Month()) == m && t.Day() == d
}

func FuzzParseIIN(f *testing.F) {
	for _, s := range []string{"900101300017", "850615412347", "040229600031", "991231300421", "900101300800",
		"900230300017", "900101700017", "123456789011", "240340012341", " 900101300017 ", "", "abc", "９００１０１３０００１７"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseIIN(s)
		v := strings.TrimSpace(s)
		var birth string
		valid := isTwelveASCIIDigits(v) && func() bool {
			c := int(v[6] - '0')
			if c < 1 || c > 6 || refCheckDigit(v) != int(v[11]-'0') {
				return false
			}
			century := map[int]int{1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}[c]
			y := century + int(v[0]-'0')*10 + int(v[1]-'0')
			birth = fmt.Sprintf("%04d-%s-%s", y, v[2:4], v[4:6])
			return dateExists(y, int(v[2]-'0')*10+int(v[3]-'0'), int(v[4]-'0')*10+int(v[5]-'0'))
		}()
		if (err == nil) != valid {
			t.Fatalf("ParseIIN(%q) err = %v, reference says valid = %v", s, err, valid)
		}
		if err != nil {
			if len(v) == 12 && strings.Contains(err.Error(), v) {
				t.Fatalf("error repeats the input: %v", err)
			}
			return
		}
		if n.String() != v || n.Masked() != v[:6]+"******" || n.BirthDate().String() != birth {
			t.Fatalf("accessors of %q: %q %q %s", s, n.String(), n.Masked(), n.BirthDate())
		}
		if wantMale := (v[6]-'0')%2 == 1; (n.Sex() == Male) != wantMale || Kind(v) != KindIIN {
			t.Fatalf("sex or kind of %q: %v %v", v, n.Sex(), Kind(v))
		}
	})
}

func FuzzParseBIN(f *testing.F) {
	for _, s := range []string{"240340012341", "150851000127", "991263000019", "240340001800", "241340012341",
		"240370012341", "900101300017", "123456789011", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBIN(s)
		v := strings.TrimSpace(s)
		valid := isTwelveASCIIDigits(v) &&
			(v[2:4] >= "01" && v[2:4] <= "12") &&
			strings.ContainsRune("456", rune(v[4])) &&
			strings.ContainsRune("0123", rune(v[5])) &&
			refCheckDigit(v) == int(v[11]-'0')
		if (err == nil) != valid {
			t.Fatalf("ParseBIN(%q) err = %v, reference says valid = %v", s, err, valid)
		}
		if err == nil {
			if b.String() != v || int(b.Type()) != int(v[4]-'0') || int(b.Unit()) != int(v[5]-'0') || Kind(v) != KindBIN {
				t.Fatalf("accessors of %q: %v %v %v", v, b, b.Type(), b.Unit())
			}
		}
	})
}

func FuzzParseIBAN(f *testing.F) {
	for _, s := range []string{"KZ86125KZT5004100100", "kz86 125k zt50 0410 0100", "KZ18722S000012345678",
		"KZ996010000000000096", "KZ87125KZT5004100100", "DE89370400440532013000", "KZ86125KZT50041001ſ0", "", "KZ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		i, err := ParseIBAN(s)
		// Reference: drop spaces and no-break spaces, upper-case ASCII letters, then check the
		// shape and compute mod 97 with math/big on the ISO 13616 digit string.
		var b strings.Builder
		clean := true
		for _, r := range s {
			switch {
			case r == ' ' || r == '\u00a0' || r == '\u202f':
			case r >= 'a' && r <= 'z':
				b.WriteRune(r - 32)
			case (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
				b.WriteRune(r)
			default:
				clean = false
			}
		}
		v := b.String()
		valid := clean && len(v) == 20 && v[:2] == "KZ" && isDigitString(v[2:7]) &&
			v[2:4] != "00" && v[2:4] != "01" && v[2:4] != "99" && bigMod97(v[4:]+v[:4]) == 1
		if (err == nil) != valid {
			t.Fatalf("ParseIBAN(%q) err = %v, reference says valid = %v", s, err, valid)
		}
		if err == nil {
			if i.String() != v || i.BankCode() != v[4:7] || strings.ReplaceAll(i.Grouped(), " ", "") != v {
				t.Fatalf("accessors of %q: %s %s %s", s, i, i.BankCode(), i.Grouped())
			}
			if again, err := ParseIBAN(i.Grouped()); err != nil || again != i {
				t.Fatalf("Grouped form does not parse back: %v", err)
			}
		}
	})
}

func isDigitString(s string) bool {
	return strings.Trim(s, "0123456789") == "" && s != ""
}

func bigMod97(s string) int64 {
	var digits strings.Builder
	for _, c := range s {
		if c >= 'A' && c <= 'Z' {
			digits.WriteString(big.NewInt(int64(c - 'A' + 10)).String())
		} else {
			digits.WriteRune(c)
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	if !ok {
		return -1
	}
	return new(big.Int).Mod(n, big.NewInt(97)).Int64()
}

// The loaders read operator files: no input may panic, and whatever they accept is well formed.

func FuzzLoadBanks(f *testing.F) {
	f.Add("code,bic,name\n123,TESTKZKA,Bank\n")
	f.Add("722,caspkzka,\"A, B\"\n# c\n")
	f.Add("12,X,\n\"")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := LoadBanks(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, b := range d.Banks() {
			if len(b.Code) != 3 || !isDigitString(b.Code) || !validBIC(b.BIC) || b.Name == "" {
				t.Fatalf("accepted a malformed row %+v", b)
			}
		}
	})
}

func FuzzLoadMRP(f *testing.F) {
	f.Add("2027 4 500\n# c\n2028\t4600,50 ₸\n")
	f.Add("2027 -1\n")
	f.Add("99999999999999999999 1\n")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := LoadMRP(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, y := range m.Years() {
			if a, err := m.For(y); err != nil || a <= 0 || y < 1991 || y > 9999 {
				t.Fatalf("accepted year %d amount %d (%v)", y, a, err)
			}
		}
	})
}

func FuzzLoadCalendarTransfers(f *testing.F) {
	f.Add("2026-01-05 2026-01-10\n")
	f.Add("# c\n2026-01-10 2026-01-05\n")
	f.Add("2026-02-30 x y\n")
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := LoadCalendarTransfers(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, tr := range ts {
			if isWeekend(tr.DayOff) || !isWeekend(tr.WorkDay) {
				t.Fatalf("accepted %+v", tr)
			}
		}
	})
}
