package main

import (
	"bytes"
	"encoding/json"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"
)

// scheduleOut mirrors the --json contract of `nesie schedule` (DESIGN.md).
type scheduleOut struct {
	Rows []struct {
		N         int    `json:"n"`
		Date      string `json:"date"`
		Payment   int64  `json:"payment"`
		Principal int64  `json:"principal"`
		Interest  int64  `json:"interest"`
		Fee       int64  `json:"fee"`
		Balance   int64  `json:"balance"`
	} `json:"rows"`
	TotalPayment  int64  `json:"total_payment"`
	TotalInterest int64  `json:"total_interest"`
	Overpayment   int64  `json:"overpayment"`
	GESV          string `json:"gesv"`
	Violations    []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"violations"`
	CapsChecked bool `json:"caps_checked"`
}

// testNow is 31 March 2026, 20:00 UTC: already 1 April in Almaty.
var testNow = time.Date(2026, 3, 31, 20, 0, 0, 0, time.UTC)

func runScheduleJSON(t *testing.T, args ...string) (scheduleOut, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := runSchedule(append(args, "--json"), testNow, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	var out scheduleOut
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return out, stderr.String()
}

// stdoutBytes returns the raw --json output, to check its exact form.
func stdoutBytes(t *testing.T, args []string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	runSchedule(append(args, "--json"), testNow, &stdout, &stderr)
	return stdout.Bytes()
}

// 1 000 000 ₸ at 30 %, 12 months, 30/360, from 31 January 2025, fee 1 000 ₸: the annuity
// of internal/schedule's hand-checked table (payment 97 487.13, last 97 487.09); the ГЭСВ
// of these flows, solved independently with 50-digit arithmetic, is 35.0566 % → 35.1.
func TestR8_1_1_ScheduleJSON(t *testing.T) {
	out, _ := runScheduleJSON(t, "--amount", "1000000", "--rate", "30", "--term", "12",
		"--start", "2025-01-31", "--fee", "1000")
	if len(out.Rows) != 13 {
		t.Fatalf("%d rows, want the fee row and 12 payments", len(out.Rows))
	}
	first, second, last := out.Rows[0], out.Rows[1], out.Rows[12]
	if first.N != 0 || first.Date != "2025-01-31" || first.Fee != 100_000 || first.Payment != 100_000 || first.Balance != 100_000_000 {
		t.Errorf("fee row %+v", first)
	}
	if second.N != 1 || second.Date != "2025-02-28" || second.Payment != 9_748_713 || second.Interest != 2_500_000 ||
		second.Principal != 7_248_713 || second.Balance != 92_751_287 {
		t.Errorf("row 1 %+v", second)
	}
	if last.Date != "2026-01-31" || last.Payment != 9_748_709 || last.Balance != 0 {
		t.Errorf("last row %+v", last)
	}
	if out.TotalPayment != 117_084_552 || out.TotalInterest != 16_984_552 || out.Overpayment != 17_084_552 {
		t.Errorf("totals %d %d %d", out.TotalPayment, out.TotalInterest, out.Overpayment)
	}
	if out.GESV != "35.1" || !out.CapsChecked || out.Violations == nil || len(out.Violations) != 0 {
		t.Errorf("ГЭСВ %q, caps checked %v, violations %#v (want an empty list)", out.GESV, out.CapsChecked, out.Violations)
	}
	if raw := string(stdoutBytes(t, []string{"--amount", "1000", "--rate", "10", "--term", "3"})); !strings.Contains(raw, `"violations": []`) {
		t.Errorf("violations must be an empty list, not null:\n%s", raw)
	}
}

// Every method gives a schedule whose principal is the amount and whose balance ends at 0,
// so a client can compare them (R8.4).
func TestR8_4_ScheduleEveryMethod(t *testing.T) {
	for _, method := range []string{"annuity", "differentiated", "bullet", "single"} {
		for _, dc := range []string{"30/360", "actual/365", "actual/actual"} {
			out, _ := runScheduleJSON(t, "--amount", "250000.50", "--rate", "39.9", "--term", "6",
				"--method", method, "--daycount", dc, "--start", "2024-01-31")
			var principal int64
			for _, r := range out.Rows {
				principal += r.Principal
			}
			if principal != 25_000_050 || out.Rows[len(out.Rows)-1].Balance != 0 || out.GESV == "" {
				t.Errorf("%s %s: principal %d, rows %+v", method, dc, principal, out.Rows)
			}
			if method == "single" && len(out.Rows) != 1 || method != "single" && len(out.Rows) != 6 {
				t.Errorf("%s: %d rows", method, len(out.Rows))
			}
			if out.Rows[0].Date != map[bool]string{true: "2024-07-31", false: "2024-02-29"}[method == "single"] {
				t.Errorf("%s: first payment on %s", method, out.Rows[0].Date)
			}
		}
	}
}

// Without --start the schedule starts today in Almaty: at 20:00 UTC on 31 March it is
// already 1 April there, so the first monthly payment falls on 1 May.
func TestScheduleDefaultStartIsTodayInAlmaty(t *testing.T) {
	out, _ := runScheduleJSON(t, "--amount", "100000", "--rate", "20", "--term", "2")
	if out.Rows[0].Date != "2026-05-01" || out.Rows[1].Date != "2026-06-01" {
		t.Errorf("dates %s, %s", out.Rows[0].Date, out.Rows[1].Date)
	}
}

// A 30-day payday loan at 0.3 %/day (109.5 % on actual/365) in 2026 breaks both short-term
// limits: the daily rate must be below 0.3 % and its ГЭСВ, (1.09)^(365/30) − 1 = 185.3 %,
// is above 179 %.
func TestScheduleReportsViolations(t *testing.T) {
	args := []string{"--amount", "100000", "--rate", "109.5", "--term", "30", "--unit", "day",
		"--method", "single", "--daycount", "actual/365", "--start", "2026-02-01"}
	out, _ := runScheduleJSON(t, args...)
	if out.GESV != "185.3" || len(out.Violations) != 2 || out.Violations[0].Code != "short_term_daily_rate" ||
		out.Violations[1].Code != "short_term_gesv_above_cap" {
		t.Fatalf("ГЭСВ %s, violations %+v", out.GESV, out.Violations)
	}
	if !strings.Contains(out.Violations[1].Message, "ГЭСВ 185,3 %") {
		t.Errorf("default language is ru: %q", out.Violations[1].Message)
	}
	en, _ := runScheduleJSON(t, append(args, "--lang", "en")...)
	if !strings.Contains(en.Violations[1].Message, "annual effective rate 185.3 %") {
		t.Errorf("en: %q", en.Violations[1].Message)
	}
}

// A year with no МРП in the table still gets its schedule; the caps are reported unchecked.
func TestScheduleWithoutMRPStillPrints(t *testing.T) {
	out, stderr := runScheduleJSON(t, "--amount", "100000", "--rate", "20", "--term", "2", "--start", "2031-05-05")
	if out.CapsChecked || len(out.Rows) != 2 || !strings.Contains(stderr, "legal caps not checked") {
		t.Errorf("caps checked %v, rows %d, stderr %q", out.CapsChecked, len(out.Rows), stderr)
	}
}

func TestSchedulePlainTable(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := runSchedule([]string{"--amount", "1000000", "--rate", "30", "--term", "12", "--start", "2025-01-31",
		"--fee", "1000"}, testNow, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	text := stdout.String()
	for _, want := range []string{"№", "Дата платежа", "Сумма платежа", "Основной долг", "Вознаграждение",
		"Комиссия", "Остаток долга", "28.02.2025", "97 487,13", "927 512,87", "Итого", "1 170 845,52",
		"Сумма переплаты: 170 845,52 ₸", "ГЭСВ: 35,1 %"} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, text)
		}
	}
	for line := range strings.Lines(text) {
		if strings.HasSuffix(strings.TrimSuffix(line, "\n"), " ") {
			t.Errorf("trailing blanks in %q", line)
		}
	}
	stdout.Reset()
	runSchedule([]string{"--amount", "1000", "--rate", "10", "--term", "1", "--lang", "kk"}, testNow, &stdout, &stderr)
	if !strings.Contains(stdout.String(), "Артық төлем сомасы") || !strings.Contains(stdout.String(), "ЖТСМ") {
		t.Errorf("kk table:\n%s", stdout.String())
	}
}

// Bad input exits 2, names the field on stderr and prints no schedule.
func TestScheduleBadInputNamesTheField(t *testing.T) {
	base := map[string]string{"--amount": "100000", "--rate": "30", "--term": "12", "--start": "2025-01-31"}
	for _, tc := range []struct {
		flag, value, field string
	}{
		{"--amount", "-100", "amount"},
		{"--amount", "abc", "amount"},
		{"--amount", "0", "amount"},
		{"--amount", "1.234", "amount"},
		{"--amount", "", "amount"},
		{"--amount", "99999999999999999999", "amount"},
		{"--rate", "-1", "rate"},
		{"--rate", "thirty", "rate"},
		{"--rate", "", "rate"},
		{"--term", "0", "term"},
		{"--term", "-3", "term"},
		{"--term", "1.5", "term"},
		{"--term", "601", "term"},
		{"--unit", "week", "unit"},
		{"--method", "balloon", "method"},
		{"--daycount", "30/365", "daycount"},
		{"--start", "2025-02-29", "start"},
		{"--start", "31.01.2025", "start"},
		{"--fee", "-5", "fee"},
		{"--grace", "12", "grace"},
		{"--payment-day", "32", "payment-day"},
		{"--round", "kopeck", "round"},
		{"--lang", "de", "lang"},
		{"--fee", "99999999", "fee"}, // a fee of 1000 times the amount: no ГЭСВ exists
	} {
		args := []string{}
		for k, v := range base {
			if k != tc.flag {
				args = append(args, k, v)
			}
		}
		args = append(args, tc.flag, tc.value)
		var stdout, stderr bytes.Buffer
		code := runSchedule(args, testNow, &stdout, &stderr)
		if code != 2 || stdout.Len() != 0 || !strings.Contains(stderr.String(), tc.field+":") {
			t.Errorf("%s %q: exit %d, stdout %q, stderr %q", tc.flag, tc.value, code, stdout.String(), stderr.String())
		}
	}
	for _, args := range [][]string{
		{"--rate", "30", "--term", "12"},     // amount missing
		{"--amount", "1000", "--term", "12"}, // rate missing
		{"--amount", "1000", "--rate", "30"}, // term missing
		{"--amount", "1000", "--rate", "30", "--term", "12", "extra"},
		{"--amount", "1000", "--rate", "30", "--term", "12", "--bogus"},
	} {
		var stdout, stderr bytes.Buffer
		if code := runSchedule(args, testNow, &stdout, &stderr); code != 2 || stdout.Len() != 0 || stderr.Len() == 0 {
			t.Errorf("%q: exit %d, stdout %q", args, code, stdout.String())
		}
	}
}

// referenceTenge reads the plain forms "1234", "1234.5", "1234,56" (no grouping, no sign)
// independently of internal/money; ok is false for anything else.
func referenceTenge(s string) (tiyn int64, ok bool) {
	if !regexp.MustCompile(`^[0-9]{1,15}([.,][0-9]{1,2})?$`).MatchString(s) {
		return 0, false
	}
	r, _ := new(big.Rat).SetString(strings.Replace(s, ",", ".", 1))
	r.Mul(r, big.NewRat(100, 1))
	return r.Num().Int64(), r.IsInt()
}

var knownFields = regexp.MustCompile(`nesie schedule: (amount|rate|term|unit|method|start|daycount|fee|monthly-fee|payment-day|grace|round|lang): `)

// FuzzScheduleArgs feeds arbitrary values to every flag: nothing panics; a refusal exits 2
// with a known field named and nothing on stdout; an acceptance prints JSON whose principal is
// the amount (read independently when it is in plain form) and whose balance ends at zero.
func FuzzScheduleArgs(f *testing.F) {
	f.Add("1000000", "30", "12", "month", "annuity", "2025-01-31", "30/360", "1000")
	f.Add("50000", "109.5", "30", "day", "single", "2026-02-01", "actual/365", "0")
	f.Add("1 234,56 ₸", "0", "1", "day", "bullet", "2024-02-29", "actual/actual", "0.01")
	f.Add("-1", "1e3", "0", "year", "x", "2025-02-30", "360", "-0")
	f.Fuzz(func(t *testing.T, amount, rate, term, unit, method, start, daycount, fee string) {
		var stdout, stderr bytes.Buffer
		code := runSchedule([]string{"--amount", amount, "--rate", rate, "--term", term, "--unit", unit,
			"--method", method, "--start", start, "--daycount", daycount, "--fee", fee, "--json"}, testNow, &stdout, &stderr)
		switch code {
		case 2:
			if stdout.Len() != 0 || !knownFields.MatchString(stderr.String()) {
				t.Fatalf("exit 2 with stdout %q, stderr %q", stdout.String(), stderr.String())
			}
		case 0:
			var out scheduleOut
			if err := json.Unmarshal(stdout.Bytes(), &out); err != nil || len(out.Rows) == 0 {
				t.Fatalf("exit 0 but output %q: %v", stdout.String(), err)
			}
			var principal int64
			for _, r := range out.Rows {
				principal += r.Principal
			}
			if want, ok := referenceTenge(amount); ok && principal != want {
				t.Fatalf("amount %q: principal %d, want %d", amount, principal, want)
			}
			if out.Rows[len(out.Rows)-1].Balance != 0 {
				t.Fatalf("balance ends at %d", out.Rows[len(out.Rows)-1].Balance)
			}
		default:
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	})
}

// FuzzScheduleAmount aims at the amount parser: whatever it accepts is exactly the amount
// an independent reading gives, and a plain amount in range is never refused.
func FuzzScheduleAmount(f *testing.F) {
	for _, s := range []string{"100000", "1000.5", "1000,55", "1 000", "1\u00a0000,00 ₸", "0.001", "٣", "1e5", "+5", "00100", "86500000.00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, amount string) {
		var stdout, stderr bytes.Buffer
		code := runSchedule([]string{"--amount", amount, "--rate", "20", "--term", "1", "--start", "2026-01-15", "--json"},
			testNow, &stdout, &stderr)
		want, plain := referenceTenge(amount)
		inRange := plain && want > 0 && want <= 1_000_000_000_000
		switch {
		case code == 0:
			var out scheduleOut
			if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			if plain && out.Rows[0].Principal != want {
				t.Fatalf("amount %q read as %d tiyn, want %d", amount, out.Rows[0].Principal, want)
			}
		case code == 2 && inRange:
			t.Fatalf("plain amount %q refused: %s", amount, stderr.String())
		case code != 2:
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	})
}
