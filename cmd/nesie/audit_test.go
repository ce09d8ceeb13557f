package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestR32_AuditVerifyCommandExitCodes writes a trail, checks `nesie audit verify` says intact
// (exit 0), then tampers with it by raw SQL after dropping the triggers and checks exit 1
// with the first bad event named — on both engines.
func TestR32_AuditVerifyCommandExitCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		ctx := context.Background()
		dir := t.TempDir()
		key, err := audit.LoadOrCreateKey(filepath.Join(dir, "k.pem"))
		if err != nil {
			t.Fatal(err)
		}
		cpFile := filepath.Join(dir, "cp.log")
		sealer, err := audit.NewSealer(env.DB, audit.SealerConfig{Key: key, File: audit.NewCheckpointFile(cpFile), CheckpointEvery: 5})
		if err != nil {
			t.Fatal(err)
		}
		trail := audit.NewTrail(env.DB, nil)
		ctx = reqctx.WithActor(ctx, reqctx.Actor{Kind: reqctx.Staff, ID: "s-1"})
		for i := 0; i < 2; i++ {
			for j := 0; j < 5; j++ {
				if err := env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
					return trail.Record(ctx, tx, audit.Event{Action: "test.done", ObjectType: "t", ObjectID: "1"})
				}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := sealer.SealAll(ctx); err != nil {
				t.Fatal(err)
			}
		}
		args := []string{"audit", "verify", "--audit-key", filepath.Join(dir, "k.pem"), "--audit-checkpoints", cpFile}
		if env.Engine == store.Postgres {
			args = append(args, "--database-url", env.URL)
		} else {
			args = append(args, "--data", filepath.Dir(env.Path))
		}
		verify := func() (int, string, string) {
			c, out, errOut := testCLI()
			code := c.run(context.Background(), args)
			return code, out.String(), errOut.String()
		}
		if code, out, errOut := verify(); code != 0 || !strings.Contains(out, "intact: 10 events") {
			t.Fatalf("intact trail: exit %d %s %s", code, out, errOut)
		}
		// An auditor holding only the public key verifies the same way.
		pubFile := filepath.Join(dir, "pub.pem")
		c, out, _ := testCLI()
		if code := c.run(ctx, []string{"audit", "public-key", "--audit-key", filepath.Join(dir, "k.pem")}); code != 0 {
			t.Fatal("public-key failed")
		}
		writeFile(t, pubFile, out.String())
		c, out, errOut := testCLI()
		if code := c.run(ctx, append(append([]string{}, args...), "--public-key", pubFile)); code != 0 {
			t.Fatalf("verify with the public key: %d %s %s", code, out, errOut)
		}

		if env.Engine == store.Postgres {
			mustExec(t, env, `DROP TRIGGER audit_event_append_only ON audit_event`)
		} else {
			mustExec(t, env, `DROP TRIGGER audit_event_no_update`)
			mustExec(t, env, `DROP TRIGGER audit_event_no_delete`)
		}
		mustExec(t, env, `UPDATE audit_event SET actor_id = 's-2' WHERE seq = 7`)
		if code, _, errOut := verify(); code != 1 || !strings.Contains(errOut, "first bad event 7") {
			t.Fatalf("changed row: exit %d, %s", code, errOut)
		}
		mustExec(t, env, `UPDATE audit_event SET actor_id = 's-1' WHERE seq = 7`)
		mustExec(t, env, `DELETE FROM audit_event WHERE seq > 6`)
		if code, _, errOut := verify(); code != 1 || !strings.Contains(errOut, "first bad event 7") || !strings.Contains(errOut, "missing") {
			t.Fatalf("cut tail: exit %d, %s", code, errOut)
		}
	})
}

func mustExec(t *testing.T, env *storetest.Env, q string) {
	t.Helper()
	if _, err := env.Admin.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
