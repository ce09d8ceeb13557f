package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// staffDir is a migrated demo data directory; run runs `nesie staff ARGS… --data DIR` in it.
func staffDir(t *testing.T) (admin *sql.DB, run func(args ...string) (code int, out, errOut string)) {
	t.Helper()
	env := storetest.New(t, store.SQLite)
	dir := filepath.Dir(env.Path)
	return env.Admin, func(args ...string) (int, string, string) {
		c, out, errOut := testCLI()
		code := c.run(context.Background(), append(append([]string{"staff"}, args...), "--data", dir))
		return code, out.String(), errOut.String()
	}
}

// tempFile writes content to a new file of the test and returns its path.
func tempFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	writeFile(t, path, content)
	return path
}

// goodSpec is an unsecured consumer product of 50 000–1 000 000 ₸ over 3–24 months at 30 %
// a year with a 500 ₸ fee: within the caps in force from 16.06.2025 (ГЭСВ ≤ 46 %).
const goodSpec = `{"code": "cli-consumer", "name_ru": "Потребительский кредит", "name_kk": "Тұтынушылық несие",
 "kind": "consumer", "secured": false, "credit_line": false, "borrowers": ["individual", "entrepreneur"],
 "min_amount": 5000000, "max_amount": 100000000, "unit": "month", "min_term": 3, "max_term": 24,
 "annual_rate": "30", "upfront_fee": 50000, "period_fee": 0, "methods": ["annuity", "differentiated"],
 "day_count": "30/360", "penalty_daily": "0.1"}`

// TestStaffProductFourEyes proposes a product as one staff member and approves it as another:
// the version becomes active under both names. The proposer approving their own version is
// refused (exit 1) and changes nothing.
func TestStaffProductFourEyes(t *testing.T) {
	admin, run := staffDir(t)
	code, out, errOut := run("propose-product", "--staff", "s-author", "--file", tempFile(t, "spec.json", goodSpec))
	if code != 0 {
		t.Fatalf("propose: %d %s", code, errOut)
	}
	m := regexp.MustCompile(`proposed as (\S+):`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no version id in %q", out)
	}
	version := m[1]
	status := func() (status, proposer, decider string) {
		var d sql.NullString
		if err := admin.QueryRow(`SELECT status, proposed_by, decided_by FROM product_version WHERE id = $1`, version).Scan(&status, &proposer, &d); err != nil {
			t.Fatal(err)
		}
		return status, proposer, d.String
	}
	if s, p, _ := status(); s != "pending" || p != "s-author" {
		t.Fatalf("after the proposal: %s by %s", s, p)
	}
	if code, out, _ := run("products"); code != 0 || !strings.Contains(out, version) || !strings.Contains(out, "pending") {
		t.Fatalf("products before approval: %d %s", code, out)
	}
	code, _, errOut = run("approve-product", "--staff", "s-author", "--version", version)
	if code != 1 || !strings.Contains(errOut, "four_eyes") {
		t.Fatalf("self-approval: %d %s", code, errOut)
	}
	if s, _, _ := status(); s != "pending" {
		t.Fatalf("self-approval changed the status to %s", s)
	}
	if code, out, errOut := run("approve-product", "--staff", "s-approver", "--version", version); code != 0 || !strings.Contains(out, "active") {
		t.Fatalf("approve: %d %s %s", code, out, errOut)
	}
	if s, p, d := status(); s != "active" || p != "s-author" || d != "s-approver" {
		t.Fatalf("after the approval: %s, proposed by %s, decided by %s", s, p, d)
	}
	if code, out, _ := run("products"); code != 0 || !strings.Contains(out, "cli-consumer") || !strings.Contains(out, "active") {
		t.Fatalf("products after approval: %d %s", code, out)
	}
	// A second version, rejected: by its proposer refused as well, then by someone else.
	_, out, _ = run("propose-product", "--staff", "s-author", "--file", tempFile(t, "spec.json", goodSpec))
	second := regexp.MustCompile(`version 2 proposed as (\S+):`).FindStringSubmatch(out)
	if second == nil {
		t.Fatalf("no second version in %q", out)
	}
	if code, _, errOut := run("reject-product", "--staff", "s-author", "--version", second[1], "--reason", "typo"); code != 1 || !strings.Contains(errOut, "four_eyes") {
		t.Fatalf("self-rejection: %d %s", code, errOut)
	}
	if code, out, errOut := run("reject-product", "--staff", "s-approver", "--version", second[1], "--reason", "no change"); code != 0 || !strings.Contains(out, "rejected") {
		t.Fatalf("reject: %d %s %s", code, out, errOut)
	}
	var rejected string
	if err := admin.QueryRow(`SELECT status FROM product_version WHERE id = $1`, second[1]).Scan(&rejected); err != nil || rejected != "rejected" {
		t.Fatalf("second version: %s, %v", rejected, err)
	}
	if code, _, errOut := run("retire-product", "--staff", "s-author", "--code", "cli-consumer", "--reason", "replaced"); code != 0 {
		t.Fatalf("retire: %d %s", code, errOut)
	}
	if s, _, _ := status(); s != "retired" {
		t.Fatalf("after retirement: %s", s)
	}
	var audited int
	if err := admin.QueryRow(`SELECT count(*) FROM audit_pending WHERE actor_kind = 'staff' AND actor_id IN ('s-author', 's-approver')`).Scan(&audited); err != nil || audited < 3 {
		t.Fatalf("staff product actions audited: %d, %v", audited, err)
	}
}

// TestStaffProposeProductBadSpec: a spec file with a bad field exits 2 naming the field, and
// proposes nothing.
func TestStaffProposeProductBadSpec(t *testing.T) {
	admin, run := staffDir(t)
	for _, tc := range []struct{ name, from, to, field string }{
		{"rate not a percentage", `"annual_rate": "30"`, `"annual_rate": "thirty"`, "annual_rate"},
		{"amount as a string", `"min_amount": 5000000`, `"min_amount": "5000000"`, "min_amount"},
		{"unknown method", `"differentiated"]`, `"weekly"]`, "methods[1]"},
		{"range upside down", `"max_amount": 100000000`, `"max_amount": 100`, "max_amount"},
		{"unknown day count", `"30/360"`, `"30/365"`, "day_count"},
		{"unknown field", `"secured": false`, `"secure": false`, `secure: is not a known field`},
		{"field in another case", `"secured": false`, `"Secured": true`, `Secured: differs in case`},
		{"field twice", `"secured": false`, `"secured": false, "secured": true`, `secured: appears twice`},
		{"no penalty", `, "penalty_daily": "0.1"`, ``, "penalty_daily"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := strings.Replace(goodSpec, tc.from, tc.to, 1)
			if spec == goodSpec {
				t.Fatalf("the case does not change the spec")
			}
			code, _, errOut := run("propose-product", "--staff", "s-author", "--file", tempFile(t, "spec.json", spec))
			if code != 2 || !strings.Contains(errOut, "--file") || !strings.Contains(errOut, tc.field) {
				t.Fatalf("exit %d: %s", code, errOut)
			}
		})
	}
	if code, _, errOut := run("propose-product", "--staff", "s-author", "--file", filepath.Join(t.TempDir(), "missing.json")); code != 2 || !strings.Contains(errOut, "--file") {
		t.Fatalf("missing file: %d %s", code, errOut)
	}
	var n int
	if err := admin.QueryRow(`SELECT count(*) FROM product_version`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("versions written by bad specs: %d, %v", n, err)
	}
}

// TestStaffCommandsNeedStaffAndTheirFlags: every acting command without --staff, or without
// one of its required flags, exits 2 naming the flag, before touching anything.
func TestStaffCommandsNeedStaffAndTheirFlags(t *testing.T) {
	_, run := staffDir(t)
	for _, args := range [][]string{
		{"propose-product", "--file", "spec.json"},
		{"approve-product", "--version", "v"},
		{"review", "--loan", "l", "--approve", "--reason", "ok"},
		{"aml-load", "--list", "un", "--format", "csv", "--file", "x.csv"},
		{"antifraud-add", "--kind", "iin", "--value", "850305400120", "--reason", "r"},
		{"merchant-add", "--bin", "b", "--name", "n", "--iban", "i", "--contract", "c"},
		{"cash-payout", "--order", "o", "--document-kind", "id_card", "--document-number", "1", "--document-valid-until", "2030-01-01"},
	} {
		if code, _, errOut := run(args...); code != 2 || !strings.Contains(errOut, "--staff is required") {
			t.Errorf("%s without --staff: %d %s", args[0], code, errOut)
		}
	}
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"reject-product", "--staff", "s-1", "--version", "v"}, "--reason"},
		{[]string{"merchant-suspend", "--staff", "s-1", "--reason", "r"}, "--merchant"},
		{[]string{"review", "--staff", "s-1", "--loan", "l", "--reason", "r"}, "--approve"},
		{[]string{"review", "--staff", "s-1", "--loan", "l", "--approve", "--refuse", "--reason", "r"}, "--approve"},
		{[]string{"cash-payout", "--staff", "s-1", "--order", "o", "--document-kind", "id_card", "--document-number", "1",
			"--document-valid-until", "31.01.2030"}, "--document-valid-until"},
		{[]string{"antifraud-add", "--staff", "s-1", "--kind", "email", "--value", "a@b", "--reason", "r"}, "--kind"},
		{[]string{"aml-load", "--staff", "s-1", "--list", "un", "--format", "pdf", "--file", "x"}, "--format"},
	} {
		if code, _, errOut := run(tc.args...); code != 2 || !strings.Contains(errOut, tc.flag) {
			t.Errorf("%v: %d %s", tc.args, code, errOut)
		}
	}
	if code, _, errOut := run("review", "--staff", "s-1", "--loan", "no-such-loan", "--approve", "--reason", "fine"); code != 1 || !strings.Contains(errOut, "decision_not_found") {
		t.Errorf("review of an unknown loan: %d %s", code, errOut)
	}
	if code, _, errOut := run("cash-payout", "--staff", "s-1", "--order", "no-such-order", "--document-kind", "id_card",
		"--document-number", "N01122334", "--document-valid-until", "2030-01-31"); code != 1 || !strings.Contains(errOut, "payout_not_found") {
		t.Errorf("cash payout of an unknown order: %d %s", code, errOut)
	}
	if code, out, _ := run("review-queue"); code != 0 || !strings.Contains(out, "no application") {
		t.Errorf("empty review queue: %d %s", code, out)
	}
}
