package aml

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"nesie.kz/nesie/internal/date"
)

func parseFile(t *testing.T, format Format, path string) []Entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := Parse(format, f)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return entries
}

func TestR8_1_ParseUNConsolidatedList(t *testing.T) {
	got := parseFile(t, FormatUN, "testdata/un.xml")
	want := []Entry{
		{Ref: "QDi.990", Name: "YUSUF KHABIBULLAEV", Aliases: []string{"Yousef Habibulayev"},
			BirthDates: []date.Date{date.Of(1969, 3, 14), date.Of(1970, 3, 14)}, Kind: KindPerson},
		{Ref: "QDi.991", Name: "TIMUR ZHAKSYLYKOV", BirthYear: 1975, Kind: KindPerson},
		{Ref: "QDe.990", Name: "NORTHERN STEPPE RELIEF FOUNDATION", Aliases: []string{"Steppe Relief"}, Kind: KindOrganisation},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(date.Date{})); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

func TestR8_1_ParseAFMList(t *testing.T) {
	got := parseFile(t, FormatAFM, "testdata/afm.xml")
	want := []Entry{
		{Ref: "1", Name: "ҚАСЫМОВ ЖАНДОС ЕРЛАНҰЛЫ", BirthDates: []date.Date{date.Of(1977, 9, 12)}, IIN: "770912300453", Kind: KindPerson},
		{Ref: "2", Name: "СЕРІКБАЕВА АЙГЕРІМ", BirthDates: []date.Date{date.Of(1988, 2, 24)}, Kind: KindPerson},
		{Ref: "3", Name: "ТОО «Шығыс Сауда Орталығы»", Aliases: []string{"Шыгыс Сауда", "Shygys Sauda Ortalygy LLP"},
			BIN: "040340001233", Kind: KindOrganisation},
		// An org record carrying an IIN is a person (the participants' list writes them so).
		{Ref: "4", Name: "ТОКТАРОВ БАУЫРЖАН", IIN: "900615300785", Kind: KindPerson},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(date.Date{}), cmpEmpty()); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

func TestR8_1_ParseCSVWithBOMAndSemicolons(t *testing.T) {
	got := parseFile(t, FormatCSV, "testdata/list.csv")
	want := []Entry{
		{Ref: "C-1", Name: "Ömirzaqov Daniiar", Aliases: []string{"Омирзаков Данияр", "Omirzakov Daniyar"},
			BirthDates: []date.Date{date.Of(1985, 7, 3)}, Kind: KindPerson},
		{Ref: "C-2", Name: "Нұрланова; Сәуле", BirthYear: 1988, IIN: "880224400125", Kind: KindPerson},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(date.Date{}), cmpEmpty()); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

func TestR8_1_ParseCSVWithCommasAndSplitNames(t *testing.T) {
	in := "Last_Name,First_Name,Middle_Name,DOB,IIN,Ref,Kind\nАхметов,Серик,,03.07.1985,,R1,\n,,,,,,\n"
	got, err := Parse(FormatCSV, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "Ахметов Серик" || got[0].Ref != "R1" || len(got[0].BirthDates) != 1 ||
		got[0].BirthDates[0] != date.Of(1985, 7, 3) {
		t.Errorf("got %+v", got)
	}
}

func TestR8_1_ParseErrorsNameTheLine(t *testing.T) {
	cases := []struct {
		format Format
		in     string
		want   []string
	}{
		{FormatCSV, "name;birth_date\nA B;1990-01-01\nC D;31.02.1990\n", []string{"line 3", "birth date"}},
		{FormatCSV, "birth_date;iin\n1990-01-01;\n", []string{"line 1", "no name column"}},
		{FormatCSV, "name;iin\nA B;12345\n", []string{"line 2", "IIN/BIN", "not 12 digits"}},
		{FormatCSV, "name;kind\nA B;vessel\n", []string{"line 2", "kind"}},
		{FormatUN, "<CONSOLIDATED_LIST><INDIVIDUALS>\n<INDIVIDUAL><FIRST_NAME></FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
			[]string{"line 2", "INDIVIDUAL", "no name"}},
		{FormatUN, "<CONSOLIDATED_LIST>\n\n<INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><INDIVIDUAL_DATE_OF_BIRTH><DATE>1990-13-01</DATE></INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
			[]string{"line 3", "INDIVIDUAL_DATE_OF_BIRTH[1]", "DATE"}},
		{FormatUN, "<list/>", []string{"root element is list"}},
		{FormatAFM, "<list>\n<person><lname>А</lname><iin>77091230045X</iin></person></list>", []string{"line 2", "person", "iin"}},
		{FormatAFM, "<list>\n<person><birthdate>1990</birthdate></person></list>", []string{"line 2", "no name"}},
		{FormatAFM, "<?xml version=\"1.0\" encoding=\"windows-1251\"?><list/>", []string{"only UTF-8"}},
		{"pdf", "", []string{"format"}},
	}
	for _, c := range cases {
		_, err := Parse(c.format, strings.NewReader(c.in))
		if err == nil {
			t.Errorf("%s %q: accepted", c.format, c.in)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s %q: error %q does not mention %q", c.format, c.in, err, w)
			}
		}
	}
}

// cmpEmpty treats nil and empty slices alike.
func cmpEmpty() cmp.Option {
	return cmp.FilterValues(func(a, b []string) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())
}
