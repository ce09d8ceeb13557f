package main

import (
	"context"
	"fmt"
	"strings"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
)

// migrate is `nesie migrate`: apply every pending migration and, with --app-role, grant the
// application's PostgreSQL role its rights (no UPDATE or DELETE on the audit trail). The
// change to the schema is itself an audited event.
func (c *cli) migrate(ctx context.Context, args []string) int {
	cfg, _, code, ok := c.loadConfig("migrate", args)
	if !ok {
		return code
	}
	db, err := c.openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie migrate: %v\n", err)
		return 1
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie migrate: %v\n", err)
		return 1
	}
	if cfg.AppRole != "" {
		if err := db.GrantAppRole(ctx, cfg.AppRole); err != nil {
			fmt.Fprintf(c.stderr, "nesie migrate: %v\n", err)
			return 1
		}
	}
	if len(applied) == 0 {
		fmt.Fprintf(c.stdout, "%s is up to date\n", describeDB(cfg))
		return 0
	}
	if err := recordMigration(ctx, db, applied); err != nil {
		fmt.Fprintf(c.stderr, "nesie migrate: %v\n", err)
		return 1
	}
	fmt.Fprintf(c.stdout, "%s: applied %s\n", describeDB(cfg), strings.Join(applied, ", "))
	return 0
}

// recordMigration audits a schema change. The server's sealer chains the event when it next
// runs.
func recordMigration(ctx context.Context, db *store.DB, applied []string) error {
	ctx = reqctx.WithActor(ctx, reqctx.SystemActor("migrate"))
	trail := audit.NewTrail(db, nil)
	return db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		return trail.Record(ctx, tx, audit.Event{Action: "schema.migrated", ObjectType: "schema", ObjectID: applied[len(applied)-1],
			Change: map[string]any{"applied": applied, "version": version()}})
	})
}
