// Package docs holds the project's documents; its test keeps the compliance matrix true.
package docs

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestComplianceMatrixNamesOnlyTestsThatExist reads docs/compliance.md and checks that every
// test it cites as proof exists in the tree, and that every paragraph of the index
// (REQUIREMENTS.md, when the shared folder is beside the repository) has a row.
func TestComplianceMatrixNamesOnlyTestsThatExist(t *testing.T) {
	matrix, err := os.ReadFile("compliance.md")
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func ((?:Test|Fuzz|Benchmark)\w+)\(`)
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, "_test.go") {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range decl.FindAllSubmatch(b, -1) {
				defined[string(m[1])] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cited := regexp.MustCompile("`((?:Test|Fuzz)\\w+[A-Za-z0-9])`").FindAllSubmatch(matrix, -1)
	if len(cited) < 50 {
		t.Fatalf("only %d tests cited; is the matrix truncated?", len(cited))
	}
	for _, m := range cited {
		if !defined[string(m[1])] {
			t.Errorf("docs/compliance.md cites %s, which no test file defines", m[1])
		}
	}

	index, err := os.ReadFile("../../shared/regulation/REQUIREMENTS.md")
	if err != nil {
		t.Skipf("the shared regulation index is not beside the repository (%v); rows not checked", err)
	}
	ids := regexp.MustCompile(`(?m)^- (R\d+(?:[.-]\d+)*)`).FindAllSubmatch(index, -1)
	for _, m := range ids {
		id := string(m[1])
		if !rowCovers(string(matrix), id) {
			t.Errorf("docs/compliance.md has no row for %s", id)
		}
	}
}

// rowCovers reports whether some row of the matrix names id, alone or in a range such as
// R6.1–R6.3, R15–R17 or "R25 (other)".
func rowCovers(matrix, id string) bool {
	for _, line := range strings.Split(matrix, "\n") {
		if !strings.HasPrefix(line, "| R") {
			continue
		}
		cell := strings.TrimSpace(strings.Split(line, "|")[1])
		cell = strings.TrimSuffix(cell, " (other)")
		if cell == id {
			return true
		}
		if lo, hi, ok := strings.Cut(cell, "–"); ok && inRange(id, lo, hi) {
			return true
		}
		// A row for a whole paragraph ("R8-1") covers its sub-paragraphs ("R8-1.3"); rows for
		// the sub-paragraphs ("R24.1–R24.4", "R24.5") cover a paragraph the index lists whole.
		if strings.HasPrefix(id, cell+".") || strings.HasPrefix(id, cell+"-") || strings.HasPrefix(cell, id+".") {
			return true
		}
	}
	return false
}

// inRange compares paragraph ids part by part: R6.1 ≤ R6.2 ≤ R6.3.
func inRange(id, lo, hi string) bool {
	return compareID(lo, id) <= 0 && compareID(id, hi) <= 0
}

func compareID(a, b string) int {
	split := func(s string) []string {
		return strings.FieldsFunc(strings.TrimPrefix(s, "R"), func(r rune) bool { return r == '.' || r == '-' })
	}
	pa, pb := split(a), split(b)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		var x, y int
		for _, c := range pa[i] {
			x = x*10 + int(c-'0')
		}
		for _, c := range pb[i] {
			y = y*10 + int(c-'0')
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return len(pa) - len(pb)
}
