package underwriting

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/store"
)

// decisionRow is an underwriting_decision row.
type decisionRow struct {
	applicationID, clientID, productCode string
	amount                               money.Amount
	systemOutcome, outcome               Outcome
	score                                int
	riskLevel                            RiskLevel // empty for a decision recorded before the level was kept
	reasons                              []Reason
	decidedBy                            string
	assessedAt                           time.Time
	decidedAt                            sql.NullInt64
}

func insertDecision(ctx context.Context, tx *store.Tx, r Request, d Decision) error {
	// The column takes NULL for the decisions made before the level was kept; a new one
	// always has its level.
	if d.RiskLevel.rank() == 0 {
		return fmt.Errorf("underwriting: record decision: risk level %q: want low, medium or high", d.RiskLevel)
	}
	reasons, err := json.Marshal(nonNil(d.Reasons))
	if err != nil {
		return err
	}
	var decidedAt any
	if d.Outcome != Review {
		decidedAt = d.At.UnixMicro()
	}
	// One decision per application is the key: a second is "already_assessed". The insert goes
	// out with the transaction's next statement.
	return tx.ExecDeferred(ctx, func(err error) error {
		switch {
		case store.IsUniqueViolation(err):
			return alreadyAssessed()
		case err != nil:
			return fmt.Errorf("underwriting: record decision: %w", err)
		}
		return nil
	}, `INSERT INTO underwriting_decision
		(application_id, client_id, product_code, amount, system_outcome, outcome, score, risk_level, reasons, decided_by, assessed_at, decided_at)
		VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11)`,
		d.ApplicationID, r.Person.ClientID, r.ProductCode, r.Amount.Tiyn(), string(d.Outcome), d.Score, string(d.RiskLevel), string(reasons), d.DecidedBy, d.At.UnixMicro(), decidedAt)
}

// insertSteps records every step of an assessment in one statement (one round trip instead
// of one a step), each step's evidence sealed.
func (s *Service) insertSteps(ctx context.Context, tx *store.Tx, applicationID string, steps []Step) error {
	if len(steps) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO underwriting_step
		(application_id, seq, name, passed, detail, evidence_sealed, evidence_sha256, signature, at) VALUES `)
	args := make([]any, 0, 9*len(steps))
	for i, st := range steps {
		ev, err := s.sealEvidence(applicationID, i+1, st)
		if err != nil {
			return err
		}
		if i > 0 {
			q.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9)
		args = append(args, applicationID, i+1, st.Name, boolInt(st.Passed), st.Detail, ev.sealed, ev.digest, nonEmpty(st.Signature), st.At.UnixMicro())
	}
	return tx.ExecDeferred(ctx, func(err error) error {
		if err != nil {
			return fmt.Errorf("underwriting: record steps: %w", err)
		}
		return nil
	}, q.String(), args...)
}

func loadDecisionRow(ctx context.Context, tx *store.Tx, applicationID string) (decisionRow, error) {
	var (
		d              decisionRow
		sys, out, rsns string
		risk           sql.NullString
		amount, at     int64
	)
	err := tx.QueryRowContext(ctx, `SELECT application_id, client_id, product_code, amount, system_outcome, outcome, score, risk_level, reasons, decided_by, assessed_at, decided_at
		FROM underwriting_decision WHERE application_id = $1`, applicationID).
		Scan(&d.applicationID, &d.clientID, &d.productCode, &amount, &sys, &out, &d.score, &risk, &rsns, &d.decidedBy, &at, &d.decidedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fault.New(fault.ErrNotFound, "decision_not_found", "This application has no underwriting decision.")
	}
	if err != nil {
		return d, fmt.Errorf("underwriting: load decision: %w", err)
	}
	d.amount, d.systemOutcome, d.outcome, d.assessedAt = money.Amount(amount), Outcome(sys), Outcome(out), time.UnixMicro(at).UTC()
	if risk.Valid {
		if d.riskLevel, err = ParseRiskLevel(risk.String); err != nil {
			return d, fmt.Errorf("underwriting: load decision %s: %w", applicationID, err)
		}
	}
	if err := json.Unmarshal([]byte(rsns), &d.reasons); err != nil {
		return d, fmt.Errorf("underwriting: decision reasons: %w", err)
	}
	return d, nil
}

func (d decisionRow) decision() Decision {
	at := d.assessedAt
	if d.decidedAt.Valid {
		at = time.UnixMicro(d.decidedAt.Int64).UTC()
	}
	return Decision{ApplicationID: d.applicationID, Outcome: d.outcome, Reasons: d.reasons, Score: d.score, RiskLevel: d.riskLevel, DecidedBy: d.decidedBy, At: at}
}

// Steps returns the checks an application went through, in the order made, with their
// evidence (R7.4: what the client is shown and the auditor inspects). None is not an error.
func (s *Service) Steps(ctx context.Context, tx *store.Tx, applicationID string) ([]Step, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, name, passed, detail, evidence_sealed, evidence_sha256, signature, at
		FROM underwriting_step WHERE application_id = $1 ORDER BY seq`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("underwriting: steps: %w", err)
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		var (
			st          Step
			seq, passed int
			at          int64
			ev          sealedEvidence
		)
		if err := rows.Scan(&seq, &st.Name, &passed, &st.Detail, &ev.sealed, &ev.digest, &st.Signature, &at); err != nil {
			return nil, fmt.Errorf("underwriting: steps: %w", err)
		}
		if st.Evidence, err = s.openEvidence(applicationID, seq, st.Name, ev); err != nil {
			return nil, err
		}
		st.Passed, st.At = passed == 1, time.UnixMicro(at).UTC()
		out = append(out, st)
	}
	return out, rows.Err()
}

// Decision returns the decision in force on an application, with its steps; an application
// never assessed is fault.ErrNotFound.
func (s *Service) Decision(ctx context.Context, tx *store.Tx, applicationID string) (Decision, error) {
	row, err := loadDecisionRow(ctx, tx, applicationID)
	if err != nil {
		return Decision{}, err
	}
	d := row.decision()
	if d.Steps, err = s.Steps(ctx, tx, applicationID); err != nil {
		return Decision{}, err
	}
	return d, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nonNil(rs []Reason) []Reason {
	if rs == nil {
		return []Reason{}
	}
	return rs
}

func jsonReasons(rs []Reason) (string, error) {
	b, err := json.Marshal(nonNil(rs))
	return string(b), err
}
