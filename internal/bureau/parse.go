package bureau

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/strictjson"
)

// Limits a well-formed report keeps. They are generous; what exceeds them is garbage.
const (
	maxCredits    = 1000
	maxIDLen      = 128
	maxNameLen    = 300
	maxOverdue    = 100 * 366           // a century of days
	maxMoneyTiyn  = 1_000_000_000_00_00 // 1e12 ₸ in tiyn: more than any person's credit
	maxNonceBytes = 128
)

type wireCredit struct {
	Creditor           *string `json:"creditor"`
	OutstandingTiyn    *int64  `json:"outstanding_tiyn"`
	MonthlyPaymentTiyn *int64  `json:"monthly_payment_tiyn"`
	DaysOverdue        *int    `json:"days_overdue"`
	MaxDaysOverdue12m  *int    `json:"max_days_overdue_12m"`
	Secured            *bool   `json:"secured"`
}

type wireReport struct {
	ReportID         string          `json:"report_id"`
	IIN              string          `json:"iin"`
	Nonce            string          `json:"nonce"`
	MadeAt           string          `json:"made_at"`
	VoluntaryRefusal json.RawMessage `json:"voluntary_refusal"`
	Credits          *[]wireCredit   `json:"credits"`
}

// ParseReport reads a report body (without checking its signature) and returns the report,
// with Raw set to a copy of raw, and the nonce it echoes. It refuses anything not exactly the
// protocol: unknown or missing fields (a misspelt "voluntary_refusal" must not read as "no
// mark"), a key twice or in another case (a second "voluntary_refusal": null must not hide
// the first), negative sums or days, a current overdue longer than the 12-month maximum,
// trailing data.
func ParseReport(raw []byte) (Report, string, error) {
	var w wireReport
	if err := strictjson.Decode(raw, &w, strictjson.RefuseUnknown); err != nil {
		return Report{}, "", fmt.Errorf("report is not the protocol's JSON: %w", err)
	}
	if !printableASCII(w.ReportID, maxIDLen) {
		return Report{}, "", errors.New("report_id: want 1–128 printable ASCII characters")
	}
	if !printableASCII(w.Nonce, maxNonceBytes) {
		return Report{}, "", errors.New("nonce: want 1–128 printable ASCII characters")
	}
	iin, err := kz.ParseIIN(w.IIN)
	if err != nil {
		return Report{}, "", fmt.Errorf("iin: %w", err)
	}
	madeAt, err := time.Parse(time.RFC3339Nano, w.MadeAt)
	if err != nil {
		return Report{}, "", errors.New("made_at: want an RFC 3339 time")
	}
	rep := Report{ID: w.ReportID, IIN: iin, MadeAt: madeAt.UTC(), Raw: bytes.Clone(raw)}
	if err := readRefusal(w.VoluntaryRefusal, &rep); err != nil {
		return Report{}, "", err
	}
	if w.Credits == nil {
		return Report{}, "", errors.New("credits: missing (an empty history is [])")
	}
	if len(*w.Credits) > maxCredits {
		return Report{}, "", fmt.Errorf("credits: more than %d", maxCredits)
	}
	rep.Credits = make([]Credit, 0, len(*w.Credits))
	for i, wc := range *w.Credits {
		c, err := readCredit(wc)
		if err != nil {
			return Report{}, "", fmt.Errorf("credits[%d].%w", i, err)
		}
		rep.Credits = append(rep.Credits, c)
	}
	return rep, w.Nonce, nil
}

// readRefusal reads the mark: the key must be present, null for no mark.
func readRefusal(m json.RawMessage, rep *Report) error {
	if m == nil {
		return errors.New("voluntary_refusal: missing (no mark is null)")
	}
	if string(m) == "null" {
		return nil
	}
	var r struct {
		Since *string `json:"since"`
	}
	if err := strictjson.Decode(m, &r, strictjson.RefuseUnknown); err != nil || r.Since == nil {
		return errors.New("voluntary_refusal: want null or {\"since\": \"YYYY-MM-DD\"}")
	}
	since, err := date.Parse(*r.Since)
	if err != nil {
		return errors.New("voluntary_refusal.since: want YYYY-MM-DD")
	}
	rep.VoluntaryRefusal, rep.RefusalSince = true, since
	return nil
}

func readCredit(w wireCredit) (Credit, error) {
	switch {
	case w.Creditor == nil || w.OutstandingTiyn == nil || w.MonthlyPaymentTiyn == nil ||
		w.DaysOverdue == nil || w.MaxDaysOverdue12m == nil || w.Secured == nil:
		return Credit{}, errors.New("fields: every field of a credit is required")
	case *w.Creditor == "" || len(*w.Creditor) > maxNameLen || !utf8.ValidString(*w.Creditor):
		return Credit{}, errors.New("creditor: want 1–300 bytes of UTF-8")
	case *w.OutstandingTiyn < 0 || *w.OutstandingTiyn > maxMoneyTiyn:
		return Credit{}, errors.New("outstanding_tiyn: out of range")
	case *w.MonthlyPaymentTiyn < 0 || *w.MonthlyPaymentTiyn > maxMoneyTiyn:
		return Credit{}, errors.New("monthly_payment_tiyn: out of range")
	case *w.DaysOverdue < 0 || *w.DaysOverdue > maxOverdue:
		return Credit{}, errors.New("days_overdue: out of range")
	case *w.MaxDaysOverdue12m < *w.DaysOverdue || *w.MaxDaysOverdue12m > maxOverdue:
		return Credit{}, errors.New("max_days_overdue_12m: below the current overdue or out of range")
	}
	return Credit{
		Creditor:          *w.Creditor,
		Outstanding:       money.Amount(*w.OutstandingTiyn),
		MonthlyPayment:    money.Amount(*w.MonthlyPaymentTiyn),
		DaysOverdue:       *w.DaysOverdue,
		MaxDaysOverdue12m: *w.MaxDaysOverdue12m,
		Secured:           *w.Secured,
	}, nil
}

func printableASCII(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
