package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// trailWithCheckpoints records 15 events with signed checkpoints at 4, 8 and 12; events 13
// to 15 are sealed but not yet signed.
func trailWithCheckpoints(t *testing.T, env *storetest.Env) *fixture {
	t.Helper()
	f := newFixture(t, env, 4)
	for i := 0; i < 3; i++ {
		f.record(t, 4)
		if _, err := f.sealer.SealAll(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	f.record(t, 3)
	if _, err := f.sealer.SealAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rep := f.verify(t); !rep.Intact() || rep.HeadSeq != 15 || rep.LastCheckpoint != 12 {
		t.Fatalf("before tampering: %+v %v", rep, rep.Problem)
	}
	return f
}

// dropTriggers does what an attacker with the database owner's rights would do first.
func dropTriggers(t *testing.T, env *storetest.Env) {
	t.Helper()
	var stmts []string
	if env.Engine == store.Postgres {
		stmts = []string{
			`DROP TRIGGER audit_event_append_only ON audit_event`,
			`DROP TRIGGER audit_checkpoint_append_only ON audit_checkpoint`,
		}
	} else {
		stmts = []string{
			`DROP TRIGGER audit_event_no_update`, `DROP TRIGGER audit_event_no_delete`,
			`DROP TRIGGER audit_checkpoint_no_update`, `DROP TRIGGER audit_checkpoint_no_delete`,
		}
	}
	for _, s := range stmts {
		mustExec(t, env.Admin, s)
	}
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestR32_AppendOnlyTriggersRefuseChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := trailWithCheckpoints(t, env)
		_ = f
		for _, q := range []string{
			`UPDATE audit_event SET action = 'x' WHERE seq = 1`,
			`DELETE FROM audit_event WHERE seq = 15`,
			`UPDATE audit_checkpoint SET key_id = 'x'`,
			`DELETE FROM audit_checkpoint`,
		} {
			if _, err := env.Admin.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s as the owner: err = %v, want refused as append-only", q, err)
			}
		}
		if env.Engine == store.Postgres {
			if _, err := env.Admin.Exec(`TRUNCATE audit_event`); err == nil {
				t.Error("TRUNCATE of the trail was allowed")
			}
		}
	})
}

// TestR32_ApplicationRoleCannotRewriteTheTrail shows that on PostgreSQL the role the
// application connects as may not UPDATE or DELETE audit rows even with the triggers gone.
func TestR32_ApplicationRoleCannotRewriteTheTrail(t *testing.T) {
	env := storetest.New(t, store.Postgres)
	trailWithCheckpoints(t, env)
	dropTriggers(t, env)
	for _, q := range []string{
		`UPDATE audit_event SET action = 'x' WHERE seq = 1`,
		`DELETE FROM audit_event WHERE seq = 15`,
		`DELETE FROM audit_checkpoint`,
		`TRUNCATE audit_event`,
	} {
		_, err := env.DB.Raw().Exec(q)
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%s as the application role: err = %v, want permission denied", q, err)
		}
	}
	if _, err := env.DB.Raw().Exec(`INSERT INTO audit_checkpoint (seq, hash, signed_at, key_id, signature) VALUES (99, $1, 0, 'k', $2)`,
		make([]byte, 32), make([]byte, 64)); err != nil {
		t.Errorf("the application role may append: %v", err)
	}
}

// TestR32_VerifyNamesTheFirstTamperedEvent plays an attacker who drops the triggers and
// edits the trail with raw SQL, once per kind of tampering, on both engines.
func TestR11_R32_VerifyNamesTheFirstTamperedEvent(t *testing.T) {
	cases := []struct {
		name    string
		tamper  func(t *testing.T, f *fixture)
		wantSeq int64
		want    string
	}{
		{"row changed", func(t *testing.T, f *fixture) {
			mustExec(t, f.env.Admin, `UPDATE audit_event SET object_id = 'someone-else' WHERE seq = 6`)
		}, 6, "changed"},
		{"details changed", func(t *testing.T, f *fixture) {
			mustExec(t, f.env.Admin, `UPDATE audit_event SET details = '{"change":{"i":999}}' WHERE seq = 7`)
		}, 7, "changed"},
		{"details and digest changed together", func(t *testing.T, f *fixture) {
			body := `{"change":{"i":999}}`
			sum := sha256.Sum256([]byte(body))
			mustExec(t, f.env.Admin, `UPDATE audit_event SET details = $1, change_digest = $2 WHERE seq = 7`, body, sum[:])
		}, 7, "does not match its hash"},
		{"time changed", func(t *testing.T, f *fixture) {
			mustExec(t, f.env.Admin, `UPDATE audit_event SET occurred_at = occurred_at - 3600000000 WHERE seq = 3`)
		}, 3, "changed"},
		{"row deleted", func(t *testing.T, f *fixture) {
			mustExec(t, f.env.Admin, `DELETE FROM audit_event WHERE seq = 5`)
		}, 5, "missing"},
		{"row inserted in the middle", func(t *testing.T, f *fixture) {
			mustExec(t, f.env.Admin, `UPDATE audit_event SET seq = seq + 1000 WHERE seq >= 10`)
			mustExec(t, f.env.Admin, `UPDATE audit_event SET seq = seq - 999 WHERE seq >= 1010`)
			mustExec(t, f.env.Admin, `INSERT INTO audit_event (seq, occurred_at, sealed_at, actor_kind, actor_id, action, object_type, object_id, request_id, ip, details, change_digest, hash)
				SELECT 10, occurred_at, sealed_at, actor_kind, actor_id, 'loan.written_off', object_type, object_id, request_id, ip, details, change_digest, hash FROM audit_event WHERE seq = 9`)
		}, 10, "changed"},
		{"row appended with a made-up hash", func(t *testing.T, f *fixture) {
			mustExec(t, f.env.Admin, `INSERT INTO audit_event (seq, occurred_at, sealed_at, actor_kind, actor_id, action, object_type, object_id, request_id, ip, details, change_digest, hash)
				SELECT 16, occurred_at, sealed_at, actor_kind, actor_id, action, object_type, object_id, request_id, ip, details, change_digest, hash FROM audit_event WHERE seq = 15`)
		}, 16, "changed"},
		{"rows reordered", func(t *testing.T, f *fixture) {
			mustExec(t, f.env.Admin, `UPDATE audit_event SET seq = 1000 WHERE seq = 2`)
			mustExec(t, f.env.Admin, `UPDATE audit_event SET seq = 2 WHERE seq = 3`)
			mustExec(t, f.env.Admin, `UPDATE audit_event SET seq = 3 WHERE seq = 1000`)
		}, 2, "changed"},
		{"tail cut after a checkpoint", func(t *testing.T, f *fixture) {
			mustExec(t, f.env.Admin, `DELETE FROM audit_event WHERE seq > 9`)
		}, 10, "missing"},
		{"tail and its checkpoints cut", func(t *testing.T, f *fixture) {
			mustExec(t, f.env.Admin, `DELETE FROM audit_event WHERE seq > 9`)
			mustExec(t, f.env.Admin, `DELETE FROM audit_checkpoint WHERE seq > 9`)
		}, 10, "missing"},
		{"checkpoint removed from the database", func(t *testing.T, f *fixture) {
			mustExec(t, f.env.Admin, `DELETE FROM audit_checkpoint WHERE seq = 8`)
		}, 8, "removed from the database"},
		{"chain rewritten with hashes recomputed", func(t *testing.T, f *fixture) {
			rewriteFrom(t, f, 6)
		}, 5, "rewritten"},
		{"checkpoint file edited", func(t *testing.T, f *fixture) {
			b, err := os.ReadFile(f.file.Path())
			if err != nil {
				t.Fatal(err)
			}
			b = bytes.Replace(b, []byte(`"seq":8,`), []byte(`"seq":9,`), 1)
			if err := os.WriteFile(f.file.Path(), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, 9, "signature"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, env *storetest.Env) {
				f := trailWithCheckpoints(t, env)
				dropTriggers(t, env)
				c.tamper(t, f)
				rep := f.verify(t)
				if rep.Intact() {
					t.Fatalf("tampering went unnoticed: %+v", rep)
				}
				if rep.Problem.Seq != c.wantSeq || !strings.Contains(rep.Problem.What, c.want) {
					t.Fatalf("problem = %v, want event %d and %q", rep.Problem, c.wantSeq, c.want)
				}
			})
		})
	}
}

// rewriteFrom changes event from and recomputes the hash of it and every later event, as an
// attacker who knows the chain's algorithm would. Only the signed checkpoints give it away.
func rewriteFrom(t *testing.T, f *fixture, from int64) {
	t.Helper()
	mustExec(t, f.env.Admin, `UPDATE audit_event SET actor_id = 'staff-other' WHERE seq = $1`, from)
	rows, err := f.env.Admin.Query(`SELECT seq, occurred_at, sealed_at, actor_kind, actor_id, action, object_type, object_id, request_id, ip, details, change_digest, hash
		FROM audit_event ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.Seq, &r.OccurredAt, &r.SealedAt, &r.ActorKind, &r.ActorID, &r.Action, &r.ObjectType, &r.ObjectID, &r.RequestID, &r.IP, &r.Details, &r.ChangeDigest, &r.Hash); err != nil {
			t.Fatal(err)
		}
		all = append(all, r)
	}
	rows.Close()
	c := newChainer()
	prev := genesis
	for _, r := range all {
		h := bytes.Clone(c.next(prev, &r))
		if r.Seq >= from {
			mustExec(t, f.env.Admin, `UPDATE audit_event SET hash = $1 WHERE seq = $2`, h, r.Seq)
		}
		prev = h
	}
}
