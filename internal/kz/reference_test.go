package kz

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/date"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadReferenceAppliesTheOperatorsFiles(t *testing.T) {
	mrp := writeTemp(t, "mrp.txt", "2027 4 700\n")
	ref, err := LoadReference(ReferenceFiles{MRP: mrp})
	if err != nil {
		t.Fatal(err)
	}
	a, err := ref.MRP.For(2027)
	if err != nil || a.Tiyn() != 470000 {
		t.Fatalf("2027 МРП = %v, %v", a, err)
	}
	if a, err := ref.MRP.For(2026); err != nil || a.Tiyn() != 432500 {
		t.Fatalf("2026 МРП lost: %v, %v", a, err)
	}
	if !ref.Calendar.IsHoliday(date.Of(2026, 3, 23)) {
		t.Fatal("built-in calendar missing")
	}
}

func TestLoadReferenceNamesTheBadFile(t *testing.T) {
	bad := writeTemp(t, "mrp.txt", "2027 four thousand\n")
	_, err := LoadReference(ReferenceFiles{MRP: bad})
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("err = %v, want it to name %s", err, bad)
	}
	if _, err := LoadReference(ReferenceFiles{Banks: filepath.Join(t.TempDir(), "missing.csv")}); err == nil {
		t.Fatal("a missing bank file was accepted")
	}
}
