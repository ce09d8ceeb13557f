package payout

import (
	"bytes"
	"context"
	"database/sql"
	"testing"
	"time"

	"nesie.kz/nesie/internal/bank"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

// heldMigration is the migration that adds the held status, on each engine.
var heldMigration = map[store.Engine]string{store.SQLite: "0015_payout_held", store.Postgres: "0018_payout_held"}

// oldOrder is a payout_order row as the schema before heldMigration stores it.
type oldOrder struct {
	id, kind, destKind, status string
	iban                       bool
	voucher                    []byte
	attempts                   int
	lease, settled             *int64
}

// TestR8_2_6_HeldMigrationKeepsOrders: the migration runs over orders in every status (on
// SQLite it rebuilds the table, with a cash identification referring to it). Every row and its
// sealed values survive, the identification keeps its order, the old CHECKs still hold with
// 'held' allowed only as a hold (no lease, not settled, with its time), and the service on the
// migrated database pays the orders that were waiting.
func TestR8_2_6_HeldMigrationKeepsOrders(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			u := storetest.NewUnmigrated(t, engine)
			admin, migs := u.Admin, u.Migrations
			i := u.UpTo(t, heldMigration[engine])
			keys, err := vault.NewKeys()
			if err != nil {
				t.Fatal(err)
			}
			v, err := vault.New(keys)
			if err != nil {
				t.Fatal(err)
			}
			seal := func(value, id, column string) []byte {
				b, err := v.Seal([]byte(value), orderAAD(id, column))
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			one, expired := int64(1), storetest.Start.Add(-time.Hour).UnixMicro()
			rows := []oldOrder{
				{id: "o-pending", kind: "bank", destKind: "account", status: "pending", iban: true},
				{id: "o-sending", kind: "bank", destKind: "account", status: "sending", iban: true, attempts: 1, lease: &expired},
				{id: "o-voucher", kind: "bank", destKind: "cash_voucher", status: "paid", voucher: seal("VC-1", "o-voucher", colVoucher), attempts: 1, settled: &one},
				{id: "o-cash", kind: "cash_desk", status: "awaiting_cash_desk"},
				{id: "o-cash-paid", kind: "cash_desk", status: "paid", settled: &one},
			}
			for n, o := range rows {
				var ibanSealed []byte
				if o.iban {
					ibanSealed = seal(ownIBAN, o.id, colIBAN)
				}
				if _, err := admin.Exec(`INSERT INTO payout_order (id, reference, client_id, beneficiary_sealed, amount, kind, dest_kind,
					dest_iban_sealed, biometric_check_id, status, voucher_code_sealed, attempts, due_at, lease_until, created_at, settled_at)
					VALUES ($1, $2, 'client-1', $3, $4, $5, $6, $7, '', $8, $9, $10, 0, $11, 0, $12)`,
					o.id, "loan-"+o.id, seal(clientIIN, o.id, colBeneficiary), 1_000_00*(n+1), o.kind, o.destKind, ibanSealed,
					o.status, o.voucher, o.attempts, o.lease, o.settled); err != nil {
					t.Fatalf("old row %s: %v", o.id, err)
				}
			}
			document := seal("012345678", "o-cash-paid", colDocumentNumber)
			if _, err := admin.Exec(`INSERT INTO payout_cash_identification (order_id, staff_id, document_kind, document_number_sealed,
				document_valid_until, digital_document, represents_legal_entity, power_of_attorney_ref, identified_at)
				VALUES ('o-cash-paid', 'cashier-1', 'id_card', $1, 20000, 0, 0, '', 1)`, document); err != nil {
				t.Fatal(err)
			}
			u.Apply(t, migs[i])

			for _, o := range rows {
				var status string
				var attempts int
				if err := admin.QueryRow(`SELECT status, attempts FROM payout_order WHERE id = $1`, o.id).Scan(&status, &attempts); err != nil ||
					status != o.status || attempts != o.attempts {
					t.Errorf("order %s after the migration: %s after %d attempts (%v), want %s after %d", o.id, status, attempts, err, o.status, o.attempts)
				}
			}
			var kept []byte
			if err := admin.QueryRow(`SELECT document_number_sealed FROM payout_cash_identification WHERE order_id = 'o-cash-paid'`).Scan(&kept); err != nil || !bytes.Equal(kept, document) {
				t.Errorf("cash identification after the migration: %v", err)
			}
			schemaHolds(t, admin, engine)

			// The service on the migrated database, later migrations applied as usual.
			env := u.Open(t)
			r := newRig(t, env)
			r.vault = v
			r.svc = r.newService(t)
			if got := r.find(t, "o-voucher"); got.VoucherCode != "VC-1" || got.BeneficiaryID != clientIIN || got.HeldAt != (time.Time{}) || got.ReleasedBy != "" {
				t.Errorf("old voucher order reads as %+v", got)
			}
			r.bank.OpenAccount(clientIIN, iban(t, ownIBAN))
			r.runOnce(t, r.svc)
			for _, id := range []string{"o-pending", "o-sending"} {
				if got := r.find(t, id); got.Status != Paid || got.To.Kind != bank.DestinationAccount || r.paidCount(id) != 1 {
					t.Errorf("old order %s: %s, Paid %d; want paid once", id, got.Status, r.paidCount(id))
				}
			}
			idCard := CashIdentification{DocumentKind: "id_card", DocumentNumber: "N7", DocumentValidUntil: date.In(env.Clock.Now()).AddDays(30)}
			if paid, err := r.svc.RecordCashPayout(ctx, "o-cash", "cashier-1", idCard); err != nil || paid.Status != Paid {
				t.Errorf("old cash order: %+v, %v; want paid", paid, err)
			}
		})
	}
}

// schemaHolds checks the migrated payout_order: the old rules still refuse what they refused,
// a hold is refused with a lease or without its time, a release names its author and time,
// the identification still needs its order, and the worker's indexes are there.
func schemaHolds(t *testing.T, admin *sql.DB, engine store.Engine) {
	t.Helper()
	insert := func(id, status, extraCols, extraVals string) error {
		_, err := admin.Exec(`INSERT INTO payout_order (id, reference, client_id, beneficiary_sealed, amount, kind, dest_kind,
			biometric_check_id, status, due_at, created_at`+extraCols+`) VALUES ($1, $2, 'c', $3, 1, 'cash_desk', '', '', $4, 0, 0`+extraVals+`)`,
			id, "ref-"+id, []byte("sealed"), status)
		return err
	}
	if err := insert("x-held", "held", ", held_at, held_reasons", ", 5, 'list_iin'"); err != nil {
		t.Errorf("a proper hold refused: %v", err)
	}
	if err := insert("x-released", "pending", ", held_at, released_by, released_at", ", 5, 'analyst-1', 6"); err != nil {
		t.Errorf("a proper release refused: %v", err)
	}
	for _, bad := range []struct{ name, status, cols, vals string }{
		{"unknown status", "bogus", "", ""},
		{"held without its time", "held", "", ""},
		{"held with a lease", "held", ", held_at, lease_until", ", 5, 9"},
		{"held and settled", "held", ", held_at, settled_at", ", 5, 9"},
		{"sending without a lease", "sending", "", ""},
		{"paid without settled_at", "paid", "", ""},
		{"release without its author", "pending", ", held_at, released_at", ", 5, 6"},
		{"release with an empty author", "pending", ", held_at, released_by, released_at", ", 5, '', 6"},
		{"release without a hold", "pending", ", released_by, released_at", ", 'analyst-1', 6"},
	} {
		if err := insert("x-bad", bad.status, bad.cols, bad.vals); err == nil {
			t.Errorf("the database took an order %s", bad.name)
			admin.Exec(`DELETE FROM payout_order WHERE id = 'x-bad'`)
		}
	}
	if _, err := admin.Exec(`INSERT INTO payout_cash_identification (order_id, staff_id, document_kind, document_number_sealed,
		document_valid_until, digital_document, represents_legal_entity, power_of_attorney_ref, identified_at)
		VALUES ('no-such-order', 'cashier-1', 'id_card', $1, 1, 0, 0, '', 1)`, []byte("sealed")); err == nil {
		t.Error("an identification without its order was taken: the foreign key was lost")
	}
	indexes := `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'payout_order' AND name IN ('payout_order_due', 'payout_order_lease')`
	want := 2
	if engine == store.Postgres {
		indexes = `SELECT count(*) FROM pg_indexes WHERE tablename = 'payout_order' AND indexname IN ('payout_order_pending_due', 'payout_order_sending_lease', 'payout_order_held')`
		want = 3
	}
	if n := 0; admin.QueryRow(indexes).Scan(&n) != nil || n != want {
		t.Errorf("%d of the worker's %d indexes on payout_order", n, want)
	}
	admin.Exec(`DELETE FROM payout_order WHERE id LIKE 'x-%'`)
}
