package biometric_test

import (
	"bytes"
	"fmt"
	"regexp"
	"testing"

	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/vault"
)

// twelveDigits is the shape of an IIN in a value: exactly twelve digits, not inside a longer
// number (a timestamp in microseconds has sixteen) nor inside a hex id, where a run of digits
// happens by chance.
var twelveDigits = regexp.MustCompile(`(^|[^0-9a-f])[0-9]{12}([^0-9a-f]|$)`)

func TestR37_BiometricIdentityNotInClearAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		h := setup(t, env)
		// A passed session, a session that fails every attempt (a check per attempt and an
		// anti-fraud signal), and another person's session: every table gets rows.
		passed := h.start(t, demoIIN)
		h.perform(t, passed, passed.Movements, h.reference(t, demoIIN))
		if _, err := h.svc.Complete(h.ctx, passed.ID); err != nil {
			t.Fatalf("complete: %v", err)
		}
		failed := h.start(t, demoIIN)
		for range h.cfg.MaxAttempts {
			h.perform(t, failed, failed.Movements, []byte("a printed photo of somebody"))
			if _, err := h.svc.Complete(h.ctx, failed.ID); err == nil {
				t.Fatal("a printed photo passed")
			}
		}
		other := h.start(t, otherIIN)

		var served [][]byte
		for _, sess := range []biometric.Session{passed, failed} {
			raw, err := h.client.FetchResult(h.ctx, sess.ProviderSessionID)
			if err != nil {
				t.Fatal(err)
			}
			served = append(served, raw)
		}
		rows := 0
		for _, table := range []string{"biometric_session", "biometric_check", "antifraud_signal"} {
			rows += scanTable(t, h, table, func(column string, value []byte) {
				for _, who := range []string{demoIIN, otherIIN} {
					if bytes.Contains(value, []byte(who)) {
						t.Errorf("%s.%s holds the IIN %s in clear", table, column, who)
					}
				}
				if twelveDigits.Match(value) {
					t.Errorf("%s.%s holds twelve digits in a row: %q", table, column, value)
				}
				if bytes.Contains(value, []byte(`"iin"`)) {
					t.Errorf("%s.%s holds the provider's result text", table, column)
				}
				for _, raw := range served {
					if bytes.Contains(value, raw) {
						t.Errorf("%s.%s holds the provider's raw result", table, column)
					}
				}
			})
		}
		// 3 sessions, 1 + MaxAttempts checks, 1 signal: the scan saw every row.
		if want := 3 + 1 + h.cfg.MaxAttempts + 1; rows != want {
			t.Fatalf("scanned %d rows, want %d", rows, want)
		}

		// Read back, the IIN is the person's: the service opens the sealed copy.
		for who, sess := range map[string]biometric.Session{demoIIN: passed, otherIIN: other} {
			got, err := h.svc.FindSession(h.ctx, sess.ID)
			if err != nil || got.IIN.String() != who {
				t.Fatalf("session %s read back with IIN %v (%v), want %s", sess.ID, got.IIN, err, who)
			}
		}
		// A sealed IIN is bound to its row: another session's ciphertext does not open here.
		var sealedOther []byte
		if err := env.Admin.QueryRow(`SELECT iin_sealed FROM biometric_session WHERE id = $1`, other.ID).Scan(&sealedOther); err != nil {
			t.Fatal(err)
		}
		if _, err := h.vault.Open(sealedOther, vault.AAD("biometric_session", "iin_sealed", passed.ID)); err == nil {
			t.Fatal("a sealed IIN opened as another row's")
		}
		if pt, err := h.vault.Open(sealedOther, vault.AAD("biometric_session", "iin_sealed", other.ID)); err != nil || string(pt) != otherIIN {
			t.Fatalf("sealed IIN of its own row: %q, %v", pt, err)
		}
	})
}

// scanTable reads every row of table as the database owner and calls see with each column's
// value rendered as bytes; it returns the number of rows.
func scanTable(t *testing.T, h *harness, table string, see func(column string, value []byte)) int {
	t.Helper()
	rows, err := h.env.Admin.Query(`SELECT * FROM ` + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	columns, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		values := make([]any, len(columns))
		ptrs := make([]any, len(columns))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range values {
			switch v := v.(type) {
			case []byte:
				see(columns[i], v)
			case string:
				see(columns[i], []byte(v))
			case nil:
			default:
				see(columns[i], fmt.Append(nil, v))
			}
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}
