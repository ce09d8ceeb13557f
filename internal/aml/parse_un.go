package aml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// unIndividual is the part of a UN consolidated list INDIVIDUAL element the screening uses.
type unIndividual struct {
	DataID   string `xml:"DATAID"`
	First    string `xml:"FIRST_NAME"`
	Second   string `xml:"SECOND_NAME"`
	Third    string `xml:"THIRD_NAME"`
	Fourth   string `xml:"FOURTH_NAME"`
	Ref      string `xml:"REFERENCE_NUMBER"`
	Original string `xml:"NAME_ORIGINAL_SCRIPT"`
	Aliases  []struct {
		Quality string `xml:"QUALITY"`
		Name    string `xml:"ALIAS_NAME"`
	} `xml:"INDIVIDUAL_ALIAS"`
	Births []struct {
		Type string `xml:"TYPE_OF_DATE"`
		Date string `xml:"DATE"`
		Year string `xml:"YEAR"`
	} `xml:"INDIVIDUAL_DATE_OF_BIRTH"`
}

// unEntity is the part of a UN consolidated list ENTITY element the screening uses.
type unEntity struct {
	DataID  string `xml:"DATAID"`
	Name    string `xml:"FIRST_NAME"`
	Ref     string `xml:"REFERENCE_NUMBER"`
	Aliases []struct {
		Name string `xml:"ALIAS_NAME"`
	} `xml:"ENTITY_ALIAS"`
}

// parseUN reads the UN Security Council consolidated list: CONSOLIDATED_LIST with
// INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY elements.
func parseUN(r io.Reader) ([]Entry, error) {
	dec := newXMLDecoder(r)
	var out []Entry
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("un-xml: %w", err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		line, _ := dec.InputPos()
		if root == "" {
			root = start.Name.Local
			if root != "CONSOLIDATED_LIST" {
				return nil, fmt.Errorf("un-xml: line %d: root element is %s, want CONSOLIDATED_LIST", line, root)
			}
			continue
		}
		where := fmt.Sprintf("un-xml: line %d: %s", line, start.Name.Local)
		switch start.Name.Local {
		case "INDIVIDUAL":
			var v unIndividual
			if err := dec.DecodeElement(&v, &start); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			e, err := v.entry(where, len(out))
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		case "ENTITY":
			var v unEntity
			if err := dec.DecodeElement(&v, &start); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			e := Entry{Ref: firstNonEmpty(v.Ref, v.DataID, fmt.Sprint(len(out)+1)), Name: v.Name, Kind: KindOrganisation}
			for _, a := range v.Aliases {
				e.Aliases = append(e.Aliases, a.Name)
			}
			if err := finish(&e, where); err != nil {
				return nil, err
			}
			out = append(out, e)
		}
	}
	if root == "" {
		return nil, errors.New("un-xml: no CONSOLIDATED_LIST element")
	}
	return out, nil
}

func (v unIndividual) entry(where string, n int) (Entry, error) {
	e := Entry{
		Ref:  firstNonEmpty(v.Ref, v.DataID, fmt.Sprint(n+1)),
		Name: strings.Join([]string{v.First, v.Second, v.Third, v.Fourth}, " "),
		Kind: KindPerson,
	}
	for _, a := range v.Aliases {
		e.Aliases = append(e.Aliases, a.Name)
	}
	if strings.TrimSpace(v.Original) != "" {
		e.Aliases = append(e.Aliases, v.Original)
	}
	for i, b := range v.Births {
		w := fmt.Sprintf("%s: INDIVIDUAL_DATE_OF_BIRTH[%d]", where, i+1)
		if err := birthDate(&e, v.Births[i].Date, w+": DATE"); err != nil {
			return Entry{}, err
		}
		// A year alone (TYPE_OF_DATE EXACT or APPROXIMATELY); BETWEEN ranges carry FROM_YEAR
		// and TO_YEAR, which the screening does not use.
		if strings.TrimSpace(b.Date) == "" {
			if err := birthDate(&e, b.Year, w+": YEAR"); err != nil {
				return Entry{}, err
			}
		}
	}
	if err := finish(&e, where); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// newXMLDecoder returns a strict decoder that reads UTF-8 only: the lists are published in
// UTF-8, and any other declared encoding is refused rather than guessed.
func newXMLDecoder(r io.Reader) *xml.Decoder {
	dec := xml.NewDecoder(r)
	dec.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "utf8") {
			return input, nil
		}
		return nil, fmt.Errorf("encoding %q: only UTF-8 is read", label)
	}
	return dec
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
