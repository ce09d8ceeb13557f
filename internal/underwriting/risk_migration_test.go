package underwriting

import (
	"context"
	"testing"

	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// riskMigration is the migration that adds the risk level, on each engine.
var riskMigration = map[store.Engine]string{store.SQLite: "0012_risk_level", store.Postgres: "0015_risk_level"}

// TestR8_1_RiskMigrationKeepsEarlierDecisionsUnassessed: the migration runs over a table that
// already holds decisions and steps. The earlier decisions keep no level (NULL, not a "low"
// never weighed), their steps survive, a review pending from before can still be decided, and
// a new assessment on the same database writes its level; the database refuses a value that
// is not a level.
func TestR8_1_RiskMigrationKeepsEarlierDecisionsUnassessed(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			u := storetest.NewUnmigrated(t, engine)
			admin, migs := u.Admin, u.Migrations
			apply := func(m store.Migration) { u.Apply(t, m) }
			i := u.UpTo(t, riskMigration[engine])
			// Decided before the level existed: a review still pending, an approval with steps.
			for _, q := range []string{
				`INSERT INTO underwriting_decision (application_id, client_id, product_code, amount, system_outcome, outcome, score, reasons, decided_by, assessed_at, decided_at)
					VALUES ('old-review', 'c-1', 'standard', 10000000, 'review', 'review', 300, '[{"code":"score_review","law":"internal","text":"x"}]', 'system', 1, NULL)`,
				`INSERT INTO underwriting_decision (application_id, client_id, product_code, amount, system_outcome, outcome, score, reasons, decided_by, assessed_at, decided_at)
					VALUES ('old-approved', 'c-2', 'standard', 10000000, 'approved', 'approved', 380, '[]', 'system', 2, 2)`,
				`INSERT INTO underwriting_step (application_id, seq, name, passed, detail, at) VALUES ('old-approved', 1, 'aml', 1, 'AML/CFT screening: clear.', 2)`,
				`INSERT INTO underwriting_step (application_id, seq, name, passed, detail, at) VALUES ('old-approved', 2, 'scorecard', 1, 'Score 380.', 2)`,
			} {
				if _, err := admin.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			apply(migs[i])

			var nulls, steps int
			if err := admin.QueryRow(`SELECT count(*) FROM underwriting_decision WHERE risk_level IS NULL`).Scan(&nulls); err != nil || nulls != 2 {
				t.Errorf("%d earlier decisions without a level (%v), want 2", nulls, err)
			}
			if err := admin.QueryRow(`SELECT count(*) FROM underwriting_step WHERE application_id = 'old-approved'`).Scan(&steps); err != nil || steps != 2 {
				t.Errorf("%d earlier steps kept (%v), want 2", steps, err)
			}
			if _, err := admin.Exec(`UPDATE underwriting_decision SET risk_level = 'extreme' WHERE application_id = 'old-approved'`); err == nil {
				t.Error("the database took 'extreme' as a risk level")
			}
			if _, err := admin.Exec(`INSERT INTO underwriting_step (application_id, seq, name, passed, detail, at) VALUES ('old-approved', 3, 'nonsense', 1, 'x', 2)`); err == nil {
				t.Error("the database took a step name it does not know")
			}

			// The service on the migrated database (the later migrations applied as usual).
			env := u.Open(t)
			r := newRig(t, env, DefaultConfig())
			if old, err := r.decision(t, "old-approved"); err != nil || old.RiskLevel != "" || len(old.Steps) != 2 {
				t.Errorf("earlier decision loads as level %q with %d steps (%v); want no level, 2 steps", old.RiskLevel, len(old.Steps), err)
			}
			if q := r.queue(t); len(q) != 1 || q[0].ApplicationID != "old-review" || q[0].RiskLevel != "" {
				t.Errorf("queue %+v, want old-review with no level", q)
			}
			d, err := r.svc.Review(ctx, "old-review", "staff-a", true, "ok")
			if err != nil || d.Outcome != Approved || d.RiskLevel != "" {
				t.Fatalf("deciding the earlier review: %s level %q %v", d.Outcome, d.RiskLevel, err)
			}
			if col := r.storedRisk(t, "old-review"); col.Valid {
				t.Errorf("the earlier review got level %q by its decision", col.String)
			}
			d, err = r.svc.Assess(ctx, request(t, "new-app"))
			if err != nil {
				t.Fatal(err)
			}
			r.wantRisk(t, d, RiskLow)
		})
	}
}
