package main

import (
	"database/sql"
	"regexp"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/merchant"
)

// TestStaffAMLLoad loads a small made-up list from CSV: both entries are stored under the
// list's active version, loaded by the staff member; a reload replaces it; a file that holds
// no entries is bad input and changes nothing.
func TestStaffAMLLoad(t *testing.T) {
	admin, run := staffDir(t)
	list := tempFile(t, "list.csv", "full_name;birth_date;iin;ref\n"+
		"Выдуманов Первый Тестович;1970-01-01;;T-1\n"+
		"Придуманова Вторая;1982-12-31;;T-2\n")
	code, out, errOut := run("aml-load", "--staff", "s-aml", "--list", "test-list", "--format", "csv", "--file", list)
	if code != 0 || !strings.Contains(out, "2 entries") {
		t.Fatalf("aml-load: %d %s %s", code, out, errOut)
	}
	var version, by string
	var count int
	if err := admin.QueryRow(`SELECT id, entry_count, loaded_by FROM aml_list_version WHERE list_id = 'test-list' AND active = 1`).Scan(&version, &count, &by); err != nil {
		t.Fatal(err)
	}
	if count != 2 || by != "s-aml" {
		t.Fatalf("version %s: %d entries loaded by %s", version, count, by)
	}
	var names string
	if err := admin.QueryRow(`SELECT group_concat(ref, ',') FROM (SELECT ref FROM aml_entry WHERE version_id = $1 ORDER BY seq)`, version).Scan(&names); err != nil || names != "T-1,T-2" {
		t.Fatalf("entries %q, %v", names, err)
	}
	code, out, errOut = run("aml-load", "--staff", "s-aml", "--list", "test-list", "--format", "csv", "--file", list)
	if code != 0 || !strings.Contains(out, "replacing version "+version) {
		t.Fatalf("reload: %d %s %s", code, out, errOut)
	}
	empty := tempFile(t, "empty.csv", "full_name;birth_date;iin;ref\n")
	if code, _, errOut := run("aml-load", "--staff", "s-aml", "--list", "test-list", "--format", "csv", "--file", empty); code != 2 || !strings.Contains(errOut, "--file") {
		t.Fatalf("empty list: %d %s", code, errOut)
	}
	if err := admin.QueryRow(`SELECT count(*) FROM aml_list_version WHERE list_id = 'test-list'`).Scan(&count); err != nil || count != 2 {
		t.Fatalf("versions after the empty file: %d, %v", count, err)
	}
}

// TestStaffAntifraudAddRemove puts a made-up IIN on the stop list (deny), a phone for review,
// and takes the IIN off again: the entry stays, stamped by who removed it.
func TestStaffAntifraudAddRemove(t *testing.T) {
	admin, run := staffDir(t)
	if _, err := kz.ParseIIN("850305400120"); err != nil {
		t.Fatalf("the test IIN is not valid: %v", err)
	}
	entryID := regexp.MustCompile(`entry (\S+) added`)
	code, out, errOut := run("antifraud-add", "--staff", "s-af", "--kind", "iin", "--value", "850305400120", "--reason", "document forged")
	if code != 0 || strings.Contains(out, "850305400120") {
		t.Fatalf("add: %d %s %s", code, out, errOut)
	}
	iin := entryID.FindStringSubmatch(out)
	code, out, errOut = run("antifraud-add", "--staff", "s-af", "--kind", "phone", "--value", "+77015550177", "--reason", "many applications", "--review")
	if code != 0 {
		t.Fatalf("add phone: %d %s", code, errOut)
	}
	phone := entryID.FindStringSubmatch(out)
	if iin == nil || phone == nil {
		t.Fatal("no entry ids printed")
	}
	entry := func(id string) (deny int, removedBy string, removed bool) {
		var at sql.NullInt64
		if err := admin.QueryRow(`SELECT deny, removed_by, removed_at FROM antifraud_list_entry WHERE id = $1`, id).Scan(&deny, &removedBy, &at); err != nil {
			t.Fatal(err)
		}
		return deny, removedBy, at.Valid
	}
	if deny, _, removed := entry(iin[1]); deny != 1 || removed {
		t.Fatalf("iin entry: deny %d, removed %v", deny, removed)
	}
	if deny, _, _ := entry(phone[1]); deny != 0 {
		t.Fatal("--review stored a denying entry")
	}
	if code, _, errOut := run("antifraud-add", "--staff", "s-af", "--kind", "iin", "--value", "850305400121", "--reason", "r"); code != 2 || !strings.Contains(errOut, "--value") {
		t.Fatalf("bad IIN: %d %s", code, errOut)
	}
	if code, _, errOut := run("antifraud-remove", "--staff", "s-af2", "--entry", iin[1], "--reason", "cleared by the АФЦ"); code != 0 {
		t.Fatalf("remove: %d %s", code, errOut)
	}
	if _, by, removed := entry(iin[1]); !removed || by != "s-af2" {
		t.Fatalf("after removal: removed %v by %q", removed, by)
	}
	if code, _, errOut := run("antifraud-remove", "--staff", "s-af2", "--entry", iin[1], "--reason", "again"); code != 1 || !strings.Contains(errOut, "already removed") {
		t.Fatalf("second removal: %d %s", code, errOut)
	}
}

// TestStaffMerchantAddSuspend registers a made-up partner merchant, refuses the same BIN
// twice and a BIN with a wrong check digit, and suspends the merchant.
func TestStaffMerchantAddSuspend(t *testing.T) {
	admin, run := staffDir(t)
	m := merchant.DemoMerchants()[0]
	add := func(bin string) (int, string, string) {
		return run("merchant-add", "--staff", "s-m", "--bin", bin, "--name", "ТОО «Тестовая мебель»",
			"--iban", m.IBAN.String(), "--contract", "№ 17 от 01.03.2026")
	}
	code, out, errOut := add(m.BIN.String())
	if code != 0 {
		t.Fatalf("add: %d %s", code, errOut)
	}
	id := regexp.MustCompile(`merchant (\S+) added`).FindStringSubmatch(out)
	if id == nil {
		t.Fatalf("no merchant id in %q", out)
	}
	var name, status, by string
	if err := admin.QueryRow(`SELECT name, status, added_by FROM merchant WHERE id = $1`, id[1]).Scan(&name, &status, &by); err != nil {
		t.Fatal(err)
	}
	if name != "ТОО «Тестовая мебель»" || status != "active" || by != "s-m" {
		t.Fatalf("stored %q %s by %s", name, status, by)
	}
	if code, _, errOut := add(m.BIN.String()); code != 1 || !strings.Contains(errOut, "merchant_exists") {
		t.Fatalf("same BIN again: %d %s", code, errOut)
	}
	bin := m.BIN.String()
	wrong := bin[:11] + string('0'+(bin[11]-'0'+1)%10)
	if code, _, errOut := add(wrong); code != 2 || !strings.Contains(errOut, "--bin") {
		t.Fatalf("wrong check digit: %d %s", code, errOut)
	}
	if code, _, errOut := run("merchant-suspend", "--staff", "s-m2", "--merchant", id[1], "--reason", "contract ended"); code != 0 {
		t.Fatalf("suspend: %d %s", code, errOut)
	}
	if err := admin.QueryRow(`SELECT status, suspended_by FROM merchant WHERE id = $1`, id[1]).Scan(&status, &by); err != nil || status != "suspended" || by != "s-m2" {
		t.Fatalf("after suspension: %s by %s, %v", status, by, err)
	}
}
