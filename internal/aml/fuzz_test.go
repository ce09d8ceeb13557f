package aml

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// checkAccepted re-validates what a parser accepted, independently of the parser's checks.
func checkAccepted(t *testing.T, entries []Entry) {
	t.Helper()
	for i, e := range entries {
		if strings.TrimSpace(e.Name) == "" || len(nameTokens(e.Name)) == 0 {
			t.Fatalf("entry %d accepted with no name: %+v", i, e)
		}
		if e.Kind != KindPerson && e.Kind != KindOrganisation {
			t.Fatalf("entry %d kind %q", i, e.Kind)
		}
		for _, id := range []string{e.IIN, e.BIN} {
			if id != "" && (len(id) != 12 || strings.Trim(id, "0123456789") != "") {
				t.Fatalf("entry %d identifier %q", i, id)
			}
		}
		for _, s := range append([]string{e.Name, e.Ref}, e.Aliases...) {
			if !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl) {
				t.Fatalf("entry %d holds text the database would refuse: %q", i, s)
			}
		}
		for _, a := range e.Aliases {
			if len(nameTokens(a)) == 0 {
				t.Fatalf("entry %d empty alias %q", i, a)
			}
		}
		for _, d := range e.BirthDates {
			if d.Year() < 1850 {
				t.Fatalf("entry %d birth date %s", i, d)
			}
		}
	}
}

func seedFile(f *testing.F, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

func FuzzParseUN(f *testing.F) {
	seedFile(f, "testdata/un.xml")
	f.Add([]byte("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>\x00</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"))
	f.Add([]byte("<CONSOLIDATED_LIST><ENTITIES><ENTITY><ENTITY_ALIAS><ALIAS_NAME>X</ALIAS_NAME></ENTITY_ALIAS></ENTITY></ENTITIES></CONSOLIDATED_LIST>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse(FormatUN, bytes.NewReader(data))
		if err == nil {
			checkAccepted(t, entries)
		}
	})
}

func FuzzParseAFM(f *testing.F) {
	seedFile(f, "testdata/afm.xml")
	f.Add([]byte("<list><org><org_name>;;</org_name><org_iin>040340001233</org_iin></org></list>"))
	f.Add([]byte("<list><person><lname>А</lname><birthdate>29.02.1900</birthdate></person></list>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse(FormatAFM, bytes.NewReader(data))
		if err == nil {
			checkAccepted(t, entries)
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	seedFile(f, "testdata/list.csv")
	f.Add([]byte("name,dob,iin\n\"a\"\"b\",1990,\n"))
	f.Add([]byte("last_name;first_name\n;\n\xff;\x00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse(FormatCSV, bytes.NewReader(data))
		if err == nil {
			checkAccepted(t, entries)
		}
	})
}

// FuzzNameSimilarity: any two names compare without panic, symmetrically, within [0, 1],
// and a name is fully similar to itself.
func FuzzNameSimilarity(f *testing.F) {
	f.Add("Қасымов Жандос", "Zhandos Kassymov")
	f.Add("", "a")
	f.Fuzz(func(t *testing.T, a, b string) {
		fa, fb := formOf(a), formOf(b)
		s := nameSimilarity(fa, fb)
		if s > 1 || s < 0 {
			t.Fatalf("similarity %v out of range", s)
		}
		if back := nameSimilarity(fb, fa); len(fa) == len(fb) && back != s {
			t.Fatalf("not symmetric: %v vs %v", s, back)
		}
		if len(fa) > 0 && len(fa) <= maxRunes && nameSimilarity(fa, fa) < 0.999 {
			t.Fatalf("%q not similar to itself: %v", a, nameSimilarity(fa, fa))
		}
	})
}
