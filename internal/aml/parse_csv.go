package aml

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// CSVColumns names the header of a list CSV file: each field lists the header names accepted
// for it (compared case-insensitively, surrounding blanks ignored). Name, or all of
// LastName and FirstName, must be present; the rest are optional.
type CSVColumns struct {
	Name, LastName, FirstName, MiddleName []string
	BirthDate, ID, Ref, Aliases, Kind     []string
	// AliasSeparator splits the aliases column (not the file's field separator).
	AliasSeparator string
}

// DefaultCSVColumns returns the header names read by default, in English and Russian.
func DefaultCSVColumns() CSVColumns {
	return CSVColumns{
		Name:           []string{"full_name", "name", "fio", "фио", "наименование", "полное наименование", "ф.и.о."},
		LastName:       []string{"last_name", "lname", "фамилия"},
		FirstName:      []string{"first_name", "fname", "имя"},
		MiddleName:     []string{"middle_name", "mname", "patronymic", "отчество"},
		BirthDate:      []string{"birth_date", "birthdate", "dob", "date_of_birth", "дата рождения"},
		ID:             []string{"iin_bin", "iin", "bin", "иин/бин", "иин", "бин"},
		Ref:            []string{"ref", "reference", "list_ref", "номер", "№", "num"},
		Aliases:        []string{"aliases", "alias", "aka", "псевдонимы"},
		Kind:           []string{"kind", "type", "тип"},
		AliasSeparator: "|",
	}
}

// ParseCSV reads a list CSV file: UTF-8 with or without a byte-order mark, fields separated
// by ';' or ',' (whichever the header line holds more of), a header naming the columns.
func ParseCSV(r io.Reader, cols CSVColumns) ([]Entry, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3) //nolint:errcheck // the bytes were just peeked
	}
	head, err := br.Peek(br.Size())
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("csv: %w", err)
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	cr := csv.NewReader(br)
	cr.Comma = ','
	if bytes.Count(head, []byte{';'}) > bytes.Count(head, []byte{','}) {
		cr.Comma = ';'
	}
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("csv: header: %w", err)
	}
	idx := columnIndex(header)
	at := func(names []string) int {
		for _, n := range names {
			if i, ok := idx[strings.ToLower(strings.TrimSpace(n))]; ok {
				return i
			}
		}
		return -1
	}
	c := struct{ name, last, first, middle, birth, id, ref, aliases, kind int }{
		at(cols.Name), at(cols.LastName), at(cols.FirstName), at(cols.MiddleName),
		at(cols.BirthDate), at(cols.ID), at(cols.Ref), at(cols.Aliases), at(cols.Kind),
	}
	if c.name < 0 && (c.last < 0 || c.first < 0) {
		return nil, fmt.Errorf("csv: line 1: no name column (one of %s, or last and first name)", strings.Join(cols.Name, ", "))
	}
	var out []Entry
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		where := fmt.Sprintf("csv: line %d", line)
		if blankRecord(rec) {
			continue
		}
		get := func(i int) string {
			if i < 0 || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		for i, f := range rec {
			if !utf8.ValidString(f) {
				return nil, fmt.Errorf("%s: column %q: not UTF-8", where, header[i])
			}
		}
		e := Entry{Ref: firstNonEmpty(get(c.ref), fmt.Sprint(len(out)+1)), Name: get(c.name), Kind: KindPerson}
		if e.Name == "" {
			e.Name = strings.Join([]string{get(c.last), get(c.first), get(c.middle)}, " ")
		}
		e.Aliases = splitNames(get(c.aliases), cols.AliasSeparator)
		if err := birthDate(&e, get(c.birth), where+": birth date"); err != nil {
			return nil, err
		}
		id, err := identifier(get(c.id), where+": IIN/BIN")
		if err != nil {
			return nil, err
		}
		switch k := strings.ToLower(get(c.kind)); {
		case k == "" || k == KindPerson || k == "individual" || k == "фл" || k == "физическое лицо":
		case k == KindOrganisation || k == "organization" || k == "entity" || k == "юл" || k == "юридическое лицо":
			e.Kind = KindOrganisation
		default:
			return nil, fmt.Errorf("%s: kind %q is neither person nor organisation", where, k)
		}
		switch {
		case id == "":
		case isBINShape(id):
			e.BIN, e.Kind = id, KindOrganisation
		default:
			e.IIN = id
		}
		if err := finish(&e, where); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// columnIndex maps each header name, lower-cased and trimmed, to its column (first wins).
func columnIndex(header []string) map[string]int {
	idx := make(map[string]int, len(header))
	for i, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if _, dup := idx[k]; !dup {
			idx[k] = i
		}
	}
	return idx
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
