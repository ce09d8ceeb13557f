package product

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
	"nesie.kz/nesie/internal/store"
)

// columns is the column list every read selects, in the order scanVersion reads.
const columns = `id, code, number, name_ru, name_kk, kind, secured, credit_line,
	for_individual, for_entrepreneur, for_legal_entity, min_amount, max_amount, unit,
	min_term, max_term, annual_rate_micro, upfront_fee, period_fee, method_annuity,
	method_differentiated, method_bullet, method_single, day_count, penalty_daily_micro,
	status, proposed_by, proposed_at, decided_by, decided_at, reason, retired_by, retired_at`

// insertVersion writes a new pending version.
func insertVersion(ctx context.Context, tx *store.Tx, v Version) error {
	s := v.Spec
	_, err := tx.ExecContext(ctx, `INSERT INTO product_version (`+columns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
			$18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, NULL, NULL, '', NULL, NULL)`,
		v.ID, v.Code, v.Number, s.NameRu, s.NameKk, string(s.Kind), flag(s.Secured), flag(s.CreditLine),
		flag(s.Allows(client.Individual)), flag(s.Allows(client.Entrepreneur)), flag(s.Allows(client.LegalEntity)),
		s.MinAmount.Tiyn(), s.MaxAmount.Tiyn(), s.Unit.String(), s.MinTerm, s.MaxTerm,
		s.AnnualRate.Micro(), s.UpfrontFee.Tiyn(), s.PeriodFee.Tiyn(),
		flag(hasMethod(s, schedule.Annuity)), flag(hasMethod(s, schedule.Differentiated)),
		flag(hasMethod(s, schedule.Bullet)), flag(hasMethod(s, schedule.Single)),
		s.DayCount.String(), s.PenaltyDaily.Micro(), string(v.Status), v.ProposedBy, v.ProposedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("insert product version %s #%d: %w", v.Code, v.Number, err)
	}
	return nil
}

// nextNumber returns the number the next version of code gets. Two racing proposals of one
// code would pick the same number; UNIQUE (code, number) refuses the second.
func nextNumber(ctx context.Context, tx *store.Tx, code string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM product_version WHERE code = $1`, code).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next version number of %s: %w", code, err)
	}
	return n, nil
}

// queryVersions runs a SELECT of columns with the given tail (WHERE … ORDER BY …).
func queryVersions(ctx context.Context, tx *store.Tx, tail string, args ...any) ([]Version, error) {
	var out []Version
	err := tx.QueryBatch(ctx, versionsQuery(&out, tail, args...))
	return out, err
}

// versionsQuery reads the versions tail selects into out, as one read of a batch.
func versionsQuery(out *[]Version, tail string, args ...any) store.Query {
	return store.Query{SQL: `SELECT ` + columns + ` FROM product_version ` + tail, Args: args, Rows: func(rows store.Rows) error {
		for rows.Next() {
			v, err := scanVersion(rows)
			if err != nil {
				return err
			}
			*out = append(*out, v)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read product versions: %w", err)
		}
		return nil
	}}
}

// oneVersion is queryVersions expecting one row; none is product_not_found.
func oneVersion(ctx context.Context, tx *store.Tx, tail string, args ...any) (Version, error) {
	var v Version
	err := tx.QueryBatch(ctx, oneVersionQuery(&v, tail, args...))
	return v, err
}

// oneVersionQuery is oneVersion as one read of a batch: into is set when the batch runs.
func oneVersionQuery(into *Version, tail string, args ...any) store.Query {
	var vs []Version
	q := versionsQuery(&vs, tail, args...)
	read := q.Rows
	q.Rows = func(rows store.Rows) error {
		if err := read(rows); err != nil {
			return err
		}
		if len(vs) == 0 {
			return fault.New(fault.ErrNotFound, "product_not_found", "No such product.")
		}
		*into = vs[0]
		return nil
	}
	return q
}

// scanVersion restores a version from a row. The database's CHECKs guard the values; a row
// that still does not parse (an enum this code does not know) is an error, not a guess.
func scanVersion(rows store.Rows) (Version, error) {
	var (
		v                                          Version
		kind, unit, dayCount, status               string
		secured, creditLine, forInd, forEnt, forLE int64
		minAmount, maxAmount, upfront, periodFee   int64
		rateMicro, penaltyMicro, proposedAt        int64
		mAnn, mDiff, mBullet, mSingle              int64
		decidedBy, retiredBy                       sql.NullString
		decidedAt, retiredAt                       sql.NullInt64
	)
	err := rows.Scan(&v.ID, &v.Code, &v.Number, &v.Spec.NameRu, &v.Spec.NameKk, &kind, &secured, &creditLine,
		&forInd, &forEnt, &forLE, &minAmount, &maxAmount, &unit, &v.Spec.MinTerm, &v.Spec.MaxTerm,
		&rateMicro, &upfront, &periodFee, &mAnn, &mDiff, &mBullet, &mSingle, &dayCount, &penaltyMicro,
		&status, &v.ProposedBy, &proposedAt, &decidedBy, &decidedAt, &v.Reason, &retiredBy, &retiredAt)
	if err != nil {
		return Version{}, fmt.Errorf("scan product version: %w", err)
	}
	s := &v.Spec
	s.Code, s.Kind, s.Secured, s.CreditLine = v.Code, Kind(kind), secured == 1, creditLine == 1
	for _, b := range []struct {
		set  int64
		kind client.Kind
	}{{forInd, client.Individual}, {forEnt, client.Entrepreneur}, {forLE, client.LegalEntity}} {
		if b.set == 1 {
			s.Borrowers = append(s.Borrowers, b.kind)
		}
	}
	for _, m := range []struct {
		set    int64
		method schedule.Method
	}{{mAnn, schedule.Annuity}, {mDiff, schedule.Differentiated}, {mBullet, schedule.Bullet}, {mSingle, schedule.Single}} {
		if m.set == 1 {
			s.Methods = append(s.Methods, m.method)
		}
	}
	s.MinAmount, s.MaxAmount = money.Amount(minAmount), money.Amount(maxAmount)
	s.UpfrontFee, s.PeriodFee = money.Amount(upfront), money.Amount(periodFee)
	if s.Unit, err = schedule.ParseUnit(unit); err != nil {
		return Version{}, fmt.Errorf("product version %s: %w", v.ID, err)
	}
	if s.DayCount, err = schedule.ParseDayCount(dayCount); err != nil {
		return Version{}, fmt.Errorf("product version %s: %w", v.ID, err)
	}
	if s.AnnualRate, err = schedule.NewRate(rateMicro); err != nil {
		return Version{}, fmt.Errorf("product version %s: %w", v.ID, err)
	}
	if s.PenaltyDaily, err = schedule.NewRate(penaltyMicro); err != nil {
		return Version{}, fmt.Errorf("product version %s: %w", v.ID, err)
	}
	v.Status, v.ProposedAt = Status(status), time.UnixMicro(proposedAt).UTC()
	v.DecidedBy, v.RetiredBy = decidedBy.String, retiredBy.String
	if decidedAt.Valid {
		v.DecidedAt = time.UnixMicro(decidedAt.Int64).UTC()
	}
	if retiredAt.Valid {
		v.RetiredAt = time.UnixMicro(retiredAt.Int64).UTC()
	}
	return v, nil
}

// move changes the status of version id from → to with the extra assignments of set (which
// use placeholders from $4), or refuses: the move must be in the table, and the row must still
// be in from — of two racing requests only one updates the row. A row the partial unique
// index refuses (a second active version of the code) is a conflict too.
func move(ctx context.Context, tx *store.Tx, id string, from, to Status, set string, args ...any) error {
	if !canMove(from, to) {
		return fault.New(fault.ErrConflict, "product_status", fmt.Sprintf("A product version cannot move from %s to %s.", from, to))
	}
	res, err := tx.ExecContext(ctx, `UPDATE product_version SET status = $1, `+set+` WHERE id = $2 AND status = $3`,
		append([]any{string(to), id, string(from)}, args...)...)
	if store.IsUniqueViolation(err) {
		return fault.Wrap(fault.ErrConflict, "product_already_active", "Another version of this product was activated meanwhile.", err)
	}
	if err != nil {
		return fmt.Errorf("move product version %s to %s: %w", id, to, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("move product version %s: %w", id, err)
	} else if n != 1 {
		return fault.New(fault.ErrConflict, "product_status", "The product version was decided meanwhile.")
	}
	return nil
}

func hasMethod(s Spec, m schedule.Method) bool {
	for _, x := range s.Methods {
		if x == m {
			return true
		}
	}
	return false
}

func flag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", errors.Join(errors.New("product: no randomness for an id"), err)
	}
	return hex.EncodeToString(b[:]), nil
}
