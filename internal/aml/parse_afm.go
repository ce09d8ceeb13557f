package aml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// AFMSchema names the elements of the АФМ's XML export. The export's schema is not published
// with the lists; the defaults are the element names the export used when last seen (see the
// package documentation), and an operator whose file differs passes its own names to
// ParseAFM instead of waiting for a release.
type AFMSchema struct {
	// Person and Org are the record elements, found at any depth.
	Person, Org string
	// A person's surname, given name, patronymic, birth date and IIN.
	LastName, FirstName, MiddleName, BirthDate, IIN string
	// An organisation's name, its name in English, its IIN/BIN. Both name fields may hold
	// several names separated by NameSeparator.
	OrgName, OrgNameEn, OrgID string
	NameSeparator             string
	// Ref is the element holding the record's number in the list; when it is absent the
	// record's position in the file is its reference.
	Ref string
}

// DefaultAFMSchema returns the element names of the АФМ export as last seen: person records
// (lname, fname, mname, birthdate DD.MM.YYYY, iin) and org records (org_name, org_name_en
// with names separated by "; ", org_iin). The list of participants in terrorist activity
// writes persons as org records; an org record whose identifier has an IIN's shape is read
// as a person.
func DefaultAFMSchema() AFMSchema {
	return AFMSchema{
		Person: "person", Org: "org",
		LastName: "lname", FirstName: "fname", MiddleName: "mname", BirthDate: "birthdate", IIN: "iin",
		OrgName: "org_name", OrgNameEn: "org_name_en", OrgID: "org_iin", NameSeparator: ";",
		Ref: "num",
	}
}

// afmRecord is one record element's children by local name (case-folded), text content.
type afmRecord struct {
	Fields []struct {
		XMLName xml.Name
		Text    string `xml:",chardata"`
	} `xml:",any"`
}

func (r afmRecord) get(name string) string {
	for _, f := range r.Fields {
		if strings.EqualFold(f.XMLName.Local, name) {
			return strings.TrimSpace(f.Text)
		}
	}
	return ""
}

func parseAFM(r io.Reader) ([]Entry, error) { return ParseAFM(r, DefaultAFMSchema()) }

// ParseAFM reads an АФМ XML list export with the element names of schema.
func ParseAFM(r io.Reader, schema AFMSchema) ([]Entry, error) {
	dec := newXMLDecoder(r)
	var out []Entry
	sawRoot := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("afm-xml: %w", err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		sawRoot = true
		isPerson := strings.EqualFold(start.Name.Local, schema.Person)
		if !isPerson && !strings.EqualFold(start.Name.Local, schema.Org) {
			continue
		}
		line, _ := dec.InputPos()
		where := fmt.Sprintf("afm-xml: line %d: %s", line, start.Name.Local)
		var rec afmRecord
		if err := dec.DecodeElement(&rec, &start); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		e, err := schema.entry(rec, isPerson, where, len(out))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if !sawRoot {
		return nil, errors.New("afm-xml: no XML element")
	}
	return out, nil
}

func (s AFMSchema) entry(rec afmRecord, isPerson bool, where string, n int) (Entry, error) {
	e := Entry{Ref: firstNonEmpty(rec.get(s.Ref), fmt.Sprint(n+1))}
	if isPerson {
		e.Kind = KindPerson
		// Written «Фамилия Имя Отчество», the order the list and Kazakh documents use.
		e.Name = strings.Join([]string{rec.get(s.LastName), rec.get(s.FirstName), rec.get(s.MiddleName)}, " ")
		if err := birthDate(&e, rec.get(s.BirthDate), where+": "+s.BirthDate); err != nil {
			return Entry{}, err
		}
		id, err := identifier(rec.get(s.IIN), where+": "+s.IIN)
		if err != nil {
			return Entry{}, err
		}
		e.IIN = id
	} else {
		names := splitNames(rec.get(s.OrgName), s.NameSeparator)
		names = append(names, splitNames(rec.get(s.OrgNameEn), s.NameSeparator)...)
		if len(names) > 0 {
			e.Name, e.Aliases = names[0], names[1:]
		}
		id, err := identifier(rec.get(s.OrgID), where+": "+s.OrgID)
		if err != nil {
			return Entry{}, err
		}
		e.Kind = KindOrganisation
		switch {
		case id == "":
		case isBINShape(id):
			e.BIN = id
		default:
			e.IIN, e.Kind = id, KindPerson
		}
	}
	if err := finish(&e, where); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// splitNames splits a field holding several names.
func splitNames(s, sep string) []string {
	if sep == "" {
		sep = ";"
	}
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = cleanSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
