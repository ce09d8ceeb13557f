package aml

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
)

// Entry is one person or organisation of a published list, as parsed.
type Entry struct {
	// ListID names the list the entry was loaded into ("afm-terror", "un-sc"); Parse leaves
	// it empty, Load fills it.
	ListID string
	// Ref is the list's own reference for the entry (the UN REFERENCE_NUMBER, the АФМ
	// number), or its position in the file when the list gives none.
	Ref string
	// Name is the primary name as the list writes it; Aliases the other names it gives.
	Name    string
	Aliases []string
	// BirthDates are the full birth dates the list gives (several when it is unsure);
	// BirthYear the year when only a year is known (0: none).
	BirthDates []date.Date
	BirthYear  int
	// IIN and BIN are the Kazakh identifiers when the list gives them: 12 digits, not
	// checksum-verified (the list's value is matched as published).
	IIN, BIN string
	// Kind is KindPerson or KindOrganisation.
	Kind string
}

// The kinds of entry.
const (
	KindPerson       = "person"
	KindOrganisation = "organisation"
)

// Format names a list file format Parse reads.
type Format string

// The formats Parse reads.
const (
	// FormatUN is the UN Security Council consolidated list XML.
	FormatUN Format = "un-xml"
	// FormatAFM is the АФМ's XML export of its lists.
	FormatAFM Format = "afm-xml"
	// FormatCSV is a CSV file with named columns (DefaultCSVColumns).
	FormatCSV Format = "csv"
)

// maxFileBytes bounds a list file: the UN consolidated list is a few megabytes.
const maxFileBytes = 64 << 20

// Parse reads the entries of a list file in format. A malformed file is refused whole, with
// an error naming the line and element or column: a list loaded in part would let a listed
// person through unnoticed.
func Parse(format Format, r io.Reader) ([]Entry, error) {
	switch format {
	case FormatUN:
		return parseUN(r)
	case FormatAFM:
		return parseAFM(r)
	case FormatCSV:
		return ParseCSV(r, DefaultCSVColumns())
	default:
		return nil, fault.Field("format", "must be one of un-xml, afm-xml, csv, not %q", string(format))
	}
}

// finish checks a parsed entry and fills what follows from the rest: a name that leaves no
// matching key is refused (it could never match and would hide a broken file), and an
// identifier is sorted into IIN or BIN by its shape.
func finish(e *Entry, where string) error {
	e.Name, e.Ref = cleanSpace(e.Name), cleanSpace(e.Ref)
	if e.Name == "" || len(nameTokens(e.Name)) == 0 {
		if len(e.Aliases) == 0 {
			return fmt.Errorf("%s: no name", where)
		}
		// Some UN entries carry their name only as an alias.
		e.Name, e.Aliases = cleanSpace(e.Aliases[0]), e.Aliases[1:]
		if e.Name == "" || len(nameTokens(e.Name)) == 0 {
			return fmt.Errorf("%s: no name", where)
		}
	}
	aliases := e.Aliases[:0]
	for _, a := range e.Aliases {
		if a = cleanSpace(a); a != "" && len(nameTokens(a)) > 0 {
			aliases = append(aliases, a)
		}
	}
	e.Aliases = aliases
	if e.Kind != KindPerson && e.Kind != KindOrganisation {
		return fmt.Errorf("%s: kind %q is neither person nor organisation", where, e.Kind)
	}
	return nil
}

// cleanSpace trims s and folds its runs of white space (and the newlines that separate
// aliases in storage) into single spaces.
// Control characters (a NUL the database would refuse) and invalid UTF-8 become spaces too.
func cleanSpace(s string) string {
	s = strings.ToValidUTF8(s, " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// identifier reads an IIN/BIN field: blank or a dash is none; otherwise 12 digits after
// dropping spaces, else an error naming the field.
func identifier(raw, where string) (string, error) {
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\t' {
			return -1
		}
		return r
	}, raw)
	if s == "" || s == "-" || s == "—" {
		return "", nil
	}
	if len(s) != 12 || strings.Trim(s, "0123456789") != "" {
		return "", fmt.Errorf("%s: identifier %q is not 12 digits", where, raw)
	}
	return s, nil
}

// isBINShape tells a BIN from an IIN by its fifth digit (4, 5 or 6 for a BIN, FACTS.md §7).
func isBINShape(id string) bool { return len(id) == 12 && id[4] >= '4' && id[4] <= '6' }

// birthDate reads a birth date written DD.MM.YYYY, YYYY-MM-DD (a time part after it is
// ignored) or YYYY alone, into e: a full date is appended to BirthDates, a year alone set as
// BirthYear. Blank or a dash is no date.
func birthDate(e *Entry, raw, where string) error {
	s := strings.TrimSpace(raw)
	if s == "" || s == "-" {
		return nil
	}
	if len(s) == 4 {
		y, ok := digits(s)
		if !ok || y < 1850 {
			return fmt.Errorf("%s: birth year %q not understood", where, raw)
		}
		e.BirthYear = y
		return nil
	}
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	if len(s) == 10 && s[2] == '.' && s[5] == '.' {
		s = s[6:10] + "-" + s[3:5] + "-" + s[0:2]
	}
	d, err := date.Parse(s)
	if err != nil {
		return fmt.Errorf("%s: birth date %q not understood: %w", where, raw, err)
	}
	if d.Year() < 1850 {
		return fmt.Errorf("%s: birth date %q not understood", where, raw)
	}
	e.BirthDates = append(e.BirthDates, d)
	return nil
}

// digits reads an unsigned decimal number of ASCII digits.
func digits(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
