package main

import (
	"strings"
	"testing"
)

// TestR8_1_ReviewQueueListsWhatStaffMustDecide: `nesie staff review-queue` lists the
// applications in review, oldest first, each with its amount, score, the customer's AML/CFT
// risk level, the approvals it still needs (two above the four-eyes amount of 500 000 ₸) and
// the reasons — the real ones, which the client is not told; a decided application is not
// listed.
func TestR8_1_ReviewQueueListsWhatStaffMustDecide(t *testing.T) {
	admin, run := staffDir(t)
	for _, q := range []string{
		`INSERT INTO underwriting_decision (application_id, client_id, product_code, amount, system_outcome, outcome, score, risk_level,
			reasons, decided_by, assessed_at, decided_at) VALUES ('loan-later', 'client-2', 'consumer-12', 60000000, 'review', 'review', 310, 'high',
			'[{"code":"aml_high_risk","law":"aml","text":"x"}]', '', 2000000, NULL)`,
		`INSERT INTO underwriting_decision (application_id, client_id, product_code, amount, system_outcome, outcome, score, risk_level,
			reasons, decided_by, assessed_at, decided_at) VALUES ('loan-earlier', 'client-1', 'consumer-12', 10000000, 'review', 'review', 350, 'low',
			'[{"code":"fraud_review","law":"internal","text":"x"},{"code":"score_review","law":"internal","text":"y"}]', '', 1000000, NULL)`,
		`INSERT INTO underwriting_decision (application_id, client_id, product_code, amount, system_outcome, outcome, score, risk_level,
			reasons, decided_by, assessed_at, decided_at) VALUES ('loan-decided', 'client-3', 'consumer-12', 10000000, 'approved', 'approved', 400, 'low',
			'[]', 'system', 500000, 500000)`,
	} {
		if _, err := admin.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := run("review-queue")
	if code != 0 {
		t.Fatalf("review-queue: %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "LOAN") {
		t.Fatalf("want a header and two applications, got:\n%s", out)
	}
	for i, want := range [][]string{
		{"loan-earlier", "client-1", "consumer-12", "100 000", "350", "low", "0 of 1", "fraud_review,score_review"},
		{"loan-later", "client-2", "consumer-12", "600 000", "310", "high", "0 of 2", "aml_high_risk"},
	} {
		for _, field := range want {
			if !strings.Contains(strings.ReplaceAll(lines[i+1], "\u00a0", " "), field) {
				t.Errorf("line %d %q lacks %q", i+1, lines[i+1], field)
			}
		}
	}
	if strings.Contains(out, "loan-decided") {
		t.Errorf("a decided application is listed:\n%s", out)
	}
}
