package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/payout"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

// TestR8_2_6_StaffDecideHeldPayouts drives `nesie staff payouts-held`, `payout-release` and
// `payout-reject` on two cash payouts the anti-fraud screen held at the cash desk: the queue
// names them with their reasons; a release sends one back to the cashier, a rejection fails
// the other and its loan (payout_failed); deciding either again is refused (exit 1) and
// changes nothing; each decision is audited under the staff member.
func TestR8_2_6_StaffDecideHeldPayouts(t *testing.T) {
	env := storetest.New(t, store.SQLite)
	dir := filepath.Dir(env.Path)
	v, err := vault.LoadOrCreateKeyFile(filepath.Join(dir, "vault.key"))
	if err != nil {
		t.Fatal(err)
	}
	trail := audit.NewTrail(env.DB, nil)
	clientID := registerTestClient(t, env, client.NewService(v, trail))
	// The cash desk's payouts, screened by an anti-fraud system that asks for a review.
	bankClient, err := bank.NewClient("http://127.0.0.1:9", time.Second) // a cash payout never calls the bank
	if err != nil {
		t.Fatal(err)
	}
	review := func(context.Context, payout.Order) (payout.Verdict, error) {
		return payout.Verdict{Outcome: payout.Review, Reasons: []string{"list_phone"}}, nil
	}
	desk, err := payout.New(env.DB, trail, bankClient, payout.Hooks{}, payout.Config{Vault: v, Screen: review})
	if err != nil {
		t.Fatal(err)
	}
	held := make([]string, 2)
	for i, ref := range []string{"loan-held-1", "loan-held-2"} {
		if _, err := env.Admin.Exec(`INSERT INTO loan (id, number, client_id, kind, product_version_id, consumer, secured, credit_line,
			client_kind, amount, term, unit, method, purpose, monthly_income, rules_version, rights_version, acknowledged_at,
			payout_kind, status, signed_at, created_at, updated_at)
			VALUES ($1, $1, $2, 'loan', 'pv-1', 1, 0, 0, 'entrepreneur', 5000000, 12, 'month', 'annuity', '', 0, 'r-1', 'r-1', 0,
			'cash_desk', 'disbursing', 1, 0, 0)`, ref, clientID); err != nil {
			t.Fatal(err)
		}
		var o payout.Order
		err := env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) (err error) {
			o, err = desk.Enqueue(ctx, tx, payout.Order{Reference: ref, ClientID: clientID, BeneficiaryID: "010204600783",
				Amount: 50_000_00, Kind: payout.KindCashDesk})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		id := payout.CashIdentification{DocumentKind: "id_card", DocumentNumber: "N01122334", DocumentValidUntil: date.Of(2033, 2, 1)}
		if _, err := desk.RecordCashPayout(context.Background(), o.ID, "cashier-1", id); err == nil || !strings.Contains(err.Error(), "payout_held") {
			t.Fatalf("hand-out under review: %v, want payout_held", err)
		}
		held[i] = o.ID
	}
	run := staffRunner(dir)
	code, out, errOut := run("payouts-held")
	if code != 0 || !strings.Contains(out, held[0]) || !strings.Contains(out, held[1]) || !strings.Contains(out, "list_phone") {
		t.Fatalf("payouts-held: %d %s %s", code, out, errOut)
	}
	if code, out, errOut := run("payout-release", "--staff", "s-9", "--order", held[0], "--note", "identity confirmed in person"); code != 0 || !strings.Contains(out, "awaiting_cash_desk") {
		t.Fatalf("payout-release: %d %s %s", code, out, errOut)
	}
	if code, out, errOut := run("payout-reject", "--staff", "s-9", "--order", held[1], "--reason", "the phone belongs to a mule network"); code != 0 || !strings.Contains(out, "fraud_rejected") {
		t.Fatalf("payout-reject: %d %s %s", code, out, errOut)
	}
	for _, args := range [][]string{
		{"payout-release", "--staff", "s-9", "--order", held[0], "--note", "again"},
		{"payout-reject", "--staff", "s-9", "--order", held[0], "--reason", "changed my mind"},
		{"payout-release", "--staff", "s-9", "--order", held[1], "--note", "too late"},
	} {
		if code, _, errOut := run(args...); code != 1 || !strings.Contains(errOut, "payout_not_held") {
			t.Errorf("%v: %d %s", args, code, errOut)
		}
	}
	for i, want := range []struct{ order, loan string }{{"awaiting_cash_desk", "disbursing"}, {"failed", "payout_failed"}} {
		var order, loan string
		if err := env.Admin.QueryRow(`SELECT o.status, l.status FROM payout_order o JOIN loan l ON l.id = o.reference WHERE o.id = $1`, held[i]).Scan(&order, &loan); err != nil ||
			order != want.order || loan != want.loan {
			t.Errorf("order %d: %s, loan %s (%v); want %s, %s", i, order, loan, err, want.order, want.loan)
		}
	}
	if code, out, _ := run("payouts-held"); code != 0 || !strings.Contains(out, "no payout is held") {
		t.Errorf("payouts-held after the decisions: %d %s", code, out)
	}
	var decided int
	if err := env.Admin.QueryRow(`SELECT count(*) FROM audit_pending WHERE actor_kind = 'staff' AND actor_id = 's-9'
		AND action IN ('payout.released', 'payout.failed')`).Scan(&decided); err != nil || decided != 2 {
		t.Errorf("%d decisions audited under s-9 (%v), want 2", decided, err)
	}
}

// TestR8_2_6_StaffPayoutCommandsNeedTheirFlags: a decision without --staff, the order or its
// grounds exits 2 naming the flag before anything is opened; an unknown order exits 1.
func TestR8_2_6_StaffPayoutCommandsNeedTheirFlags(t *testing.T) {
	_, run := staffDir(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"payout-release", "--order", "o-1", "--note", "ok"}, "--staff is required"},
		{[]string{"payout-reject", "--order", "o-1", "--reason", "no"}, "--staff is required"},
		{[]string{"payout-release", "--staff", "s-1", "--note", "ok"}, "--order is required"},
		{[]string{"payout-release", "--staff", "s-1", "--order", "o-1"}, "--note is required"},
		{[]string{"payout-release", "--staff", "s-1", "--order", "o-1", "--note", "   "}, "--note is required"},
		{[]string{"payout-reject", "--staff", "s-1", "--order", "o-1"}, "--reason is required"},
		{[]string{"payout-reject", "--staff", "s-1", "--order", "o-1", "--reason", "no", "extra"}, "unexpected argument"},
		{[]string{"payouts-held", "--order", "o-1"}, "flag provided but not defined"},
	} {
		if code, _, errOut := run(tc.args...); code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: %d %s", tc.args, code, errOut)
		}
	}
	for _, args := range [][]string{
		{"payout-release", "--staff", "s-1", "--order", "no-such-order", "--note", "ok"},
		{"payout-reject", "--staff", "s-1", "--order", "no-such-order", "--reason", "no"},
	} {
		if code, _, errOut := run(args...); code != 1 || !strings.Contains(errOut, "payout_not_found") {
			t.Errorf("%v: %d %s", args, code, errOut)
		}
	}
	if code, out, _ := run("payouts-held"); code != 0 || !strings.Contains(out, "no payout is held") {
		t.Errorf("empty queue: %d %s", code, out)
	}
}

// staffRunner runs `nesie staff ARGS… --data dir`.
func staffRunner(dir string) func(args ...string) (code int, out, errOut string) {
	return func(args ...string) (int, string, string) {
		c, out, errOut := testCLI()
		code := c.run(context.Background(), append(append([]string{"staff"}, args...), "--data", dir))
		return code, out.String(), errOut.String()
	}
}
