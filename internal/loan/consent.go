package loan

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/otp"
	"nesie.kz/nesie/internal/store"
)

// ConsentStatement is the text of the consent to receive the money after the cooling-off
// (R9-1.1), in Russian and Kazakh: what the client signs with the EDS, or confirms with a
// one-time password, and what is kept as an electronic document. It depends only on the
// loan, so the client signs the same bytes the MFO later checks.
func ConsentStatement(l Loan, c client.Client) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "Согласие на получение потребительского микрокредита / Тұтынушылық микрокредитті алуға келісім\n")
	fmt.Fprintf(&b, "Договор / Шарт: %s\n", l.Number)
	fmt.Fprintf(&b, "Заёмщик / Қарыз алушы: %s, ИИН / ЖСН %s\n", c.FullName, c.IIN)
	fmt.Fprintf(&b, "Сумма / Сомасы: %s\n", l.Amount)
	fmt.Fprintf(&b, "Подписан / Қол қойылды: %s\n", l.SignedAt.In(date.Almaty).Format("02.01.2006 15:04:05"))
	fmt.Fprintf(&b, "Деньги не ранее / Ақша ерте емес: %s\n", l.MoneyNotBefore.In(date.Almaty).Format("02.01.2006 15:04:05"))
	b.WriteString("По истечении 24 часов после подписания договора я подтверждаю своё согласие на получение микрокредита.\n")
	b.WriteString("Шартқа қол қойылғаннан кейін 24 сағат өткен соң микрокредитті алуға келісімімді растаймын.\n")
	return []byte(b.String())
}

// Statement returns the consent statement of the client's cooling loan.
func (s *Service) Statement(ctx context.Context, clientID, id string) ([]byte, error) {
	var out []byte
	err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		l, err := s.owned(ctx, tx, clientID, id)
		if err != nil {
			return err
		}
		if l.Status != Cooling {
			return errWrongStatus(l.Status, "take a consent")
		}
		c, err := s.Clients.Find(ctx, tx, clientID)
		if err != nil {
			return err
		}
		out = ConsentStatement(l, c)
		return nil
	})
	return out, err
}

// Errors of the consent.
var (
	ErrConsentTooEarly = fault.New(fault.ErrConflict, "consent_too_early",
		"The 24 hours after signing have not passed yet: consent can be given only after them (R9-1.1).")
	ErrConsentLate = fault.New(fault.ErrConflict, "consent_window_passed",
		"The time to consent has passed: the contract is annulled and nothing will be paid.")
	errCodeWrong = fault.New(fault.ErrForbidden, "consent_code_wrong", "The one-time password is wrong or expired.")
)

// inWindow refuses a consent outside [MoneyNotBefore, ConsentDeadline].
func inWindow(l Loan, now time.Time) error {
	switch {
	case now.Before(l.MoneyNotBefore):
		return ErrConsentTooEarly
	case now.After(l.ConsentDeadline):
		return ErrConsentLate
	}
	return nil
}

// ConsentCode is a one-time password sent for a consent.
type ConsentCode struct {
	ID        string
	ExpiresAt time.Time
	SentTo    string
}

// RequestConsentCode sends a one-time password for the consent to the client's phone. It is
// refused before the 24 hours have passed: a password asked for earlier would be given in the
// window the rule keeps free.
func (s *Service) RequestConsentCode(ctx context.Context, clientID, id string) (ConsentCode, error) {
	code, err := otp.New()
	if err != nil {
		return ConsentCode{}, err
	}
	cc := ConsentCode{ID: newID()}
	var phone string
	err = s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		l, err := s.owned(ctx, tx, clientID, id)
		if err != nil {
			return err
		}
		if l.Status != Cooling {
			return errWrongStatus(l.Status, "take a consent")
		}
		if err := inWindow(l, tx.Now()); err != nil {
			return err
		}
		if phone, err = s.Clients.Phone(ctx, tx, clientID); err != nil {
			return err
		}
		cc.ExpiresAt = tx.Now().Add(s.cfg.CodeLifetime)
		_, err = tx.ExecContext(ctx, `INSERT INTO loan_consent_code (id, loan_id, code_hash, created_at, expires_at, tries_left)
			VALUES ($1, $2, $3, $4, $5, $6)`, cc.ID, id, otp.Hash(consentCodePurpose, cc.ID, code), tx.Now().UnixMicro(), cc.ExpiresAt.UnixMicro(), s.cfg.CodeTries)
		if err != nil {
			return fmt.Errorf("keep consent code: %w", err)
		}
		return s.Trail.Record(ctx, tx, audit.Event{Action: "loan.consent_code_sent", ObjectType: "loan", ObjectID: id,
			Reason: "a one-time password for the consent", Change: map[string]any{"code_id": cc.ID}})
	})
	if err != nil {
		return ConsentCode{}, err
	}
	text := fmt.Sprintf("Nesie: код согласия на получение микрокредита / микрокредит алуға келісім коды: %s", code)
	if err := s.SMS.Send(ctx, phone, text); err != nil {
		return ConsentCode{}, err
	}
	cc.SentTo = "…" + phone[max(0, len(phone)-4):]
	return cc, nil
}

// consentCodePurpose is what a consent's one-time password is hashed for (otp.Hash).
const consentCodePurpose = "nesie consent code"

// ConsentRequest is the client's consent after the cooling-off: a passed biometric check and
// either the EDS over ConsentStatement, or the one-time password sent for it.
type ConsentRequest struct {
	BiometricCheckID string
	Signature        []byte
	CodeID, Code     string
}

// Consent takes the client's consent to receive the money once the 24 hours have passed
// (R9-1.1) and orders the payout. The statement and its signature (or the password's
// confirmation) are kept as electronic documents (R34).
func (s *Service) Consent(ctx context.Context, clientID, id string, r ConsentRequest) (Loan, error) {
	if len(r.Signature) == 0 && r.CodeID == "" {
		return Loan{}, fault.Field("signature", "sign the consent with your EDS, or confirm it with the one-time password (code_id, code)")
	}
	var l Loan
	var c client.Client
	if err := s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if l, err = s.owned(ctx, tx, clientID, id); err != nil {
			return err
		}
		c, err = s.Clients.Find(ctx, tx, clientID)
		return err
	}); err != nil {
		return Loan{}, err
	}
	statement := ConsentStatement(l, c)
	// The signature or the password is checked before the transaction (the verifier is
	// outside; a wrong password's try must stay); proven records that it was.
	var ev eds.Evidence
	proven := false
	if l.Status == Cooling && inWindow(l, s.db.Now()) == nil {
		var err error
		if len(r.Signature) > 0 {
			ev, err = s.verify(ctx, r.Signature, statement, expectation(c))
		} else {
			err = s.spendCode(ctx, id, r.CodeID, r.Code)
		}
		if err != nil {
			return Loan{}, s.refused(ctx, "loan.consent_refused", id, err)
		}
		proven = true
	}
	var late bool
	err := s.exclusive(ctx, clientID, func(ctx context.Context, tx *store.Tx) error {
		cur, err := s.owned(ctx, tx, clientID, id)
		if err != nil {
			return err
		}
		if cur.Status != Cooling {
			return errWrongStatus(cur.Status, "take a consent")
		}
		if err := inWindow(cur, tx.Now()); err != nil {
			late = errors.Is(err, ErrConsentLate)
			return err
		}
		if !proven {
			return ErrConsentTooEarly
		}
		if err := s.Biometrics.Spend(ctx, tx, r.BiometricCheckID, c.IIN, s.cfg.BiometricMaxAge, "loan_consent", id); err != nil {
			return err
		}
		if _, err := s.addDocument(ctx, tx, id, DocConsentStatement, Received, "text/plain; charset=utf-8", statement); err != nil {
			return err
		}
		if len(r.Signature) > 0 {
			if err := s.keepSignature(ctx, tx, id, DocConsentSignature, r.Signature, ev); err != nil {
				return err
			}
		} else if _, err := s.addDocument(ctx, tx, id, DocConsentCode, Received, "text/plain; charset=utf-8",
			[]byte("consent confirmed with the one-time password "+r.CodeID+" sent by SMS, at "+tx.Now().Format(time.RFC3339Nano))); err != nil {
			return err
		}
		order, err := s.disburse(ctx, tx, cur, c, "", false)
		if err != nil {
			return err
		}
		if err := move(ctx, tx, id, Cooling, Disbursing, "consented_at = $3, payout_order_id = $4", tx.Now().UnixMicro(), order); err != nil {
			return err
		}
		if err := s.Trail.Record(ctx, tx, audit.Event{Action: "loan.consented", ObjectType: "loan", ObjectID: id,
			Reason: "the client consented after the cooling-off (R9-1.1)", Change: map[string]any{"biometric_check_id": r.BiometricCheckID,
				"by": map[bool]string{true: "eds", false: "otp"}[len(r.Signature) > 0]}}); err != nil {
			return err
		}
		cur.Status, cur.ConsentedAt, cur.PayoutOrderID = Disbursing, tx.Now(), order
		l = cur
		return nil
	})
	if err != nil {
		if late {
			if _, aerr := s.AnnulExpired(ctx); aerr != nil {
				err = errors.Join(err, aerr)
			}
		}
		return Loan{}, s.refused(ctx, "loan.consent_refused", id, err)
	}
	s.wakePayouts()
	return l, nil
}

// spendCode checks and spends the one-time password of a consent in a transaction of its
// own: a wrong code's spent try must stay even though the consent is refused. A code spent
// on a consent that then fails (the biometric check was stale, say) is gone: the client asks
// for another.
func (s *Service) spendCode(ctx context.Context, loanID, codeID, code string) error {
	var refusal error
	err := s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		refusal = nil
		var hash []byte
		var expires int64
		var tries int
		var used sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT code_hash, expires_at, tries_left, used_at FROM loan_consent_code WHERE id = $1 AND loan_id = $2`,
			codeID, loanID).Scan(&hash, &expires, &tries, &used)
		if errors.Is(err, sql.ErrNoRows) {
			refusal = errCodeWrong
			return nil
		}
		if err != nil {
			return fmt.Errorf("read consent code: %w", err)
		}
		if used.Valid || tries <= 0 || tx.Now().UnixMicro() > expires {
			refusal = errCodeWrong
			return nil
		}
		if !otp.Matches(hash, consentCodePurpose, codeID, code) {
			refusal = errCodeWrong
			_, err := tx.ExecContext(ctx, `UPDATE loan_consent_code SET tries_left = tries_left - 1 WHERE id = $1`, codeID)
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE loan_consent_code SET used_at = $1 WHERE id = $2`, tx.Now().UnixMicro(), codeID)
		return err
	})
	if err != nil {
		return fmt.Errorf("consent code: %w", err)
	}
	return refusal
}
