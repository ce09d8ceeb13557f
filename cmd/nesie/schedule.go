package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/gesv"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/legalcap"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/schedule"
)

// runSchedule is `nesie schedule`: it prints a draft repayment schedule in the form a
// contract carries, with the overpayment, the ГЭСВ and any violation of the legal caps
// (Rules 217 p. 8 sub. 3–4). now is the injected clock's instant; --start defaults to its
// date in Almaty. Exit 0 with a schedule, 2 for bad input (the field named, nothing printed
// on stdout), 1 if the computation fails.
func runSchedule(args []string, now time.Time, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("schedule", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: nesie schedule --amount TENGE --rate PERCENT --term N [--unit month|day]\n"+
			"  [--method annuity|differentiated|bullet|single] [--start YYYY-MM-DD]\n"+
			"  [--daycount 30/360|actual/365|actual/actual] [--fee TENGE] [--json]")
		fs.PrintDefaults()
	}
	var in scheduleFlags
	fs.StringVar(&in.amount, "amount", "", "amount in tenge, e.g. 150000 or 150000.50 (required)")
	fs.StringVar(&in.rate, "rate", "", "nominal annual rate in percent, e.g. 34.5 (required)")
	fs.StringVar(&in.term, "term", "", "term, a whole number of --unit (required)")
	fs.StringVar(&in.unit, "unit", "month", "unit of the term: month or day")
	fs.StringVar(&in.method, "method", "annuity", "annuity, differentiated, bullet or single")
	fs.StringVar(&in.start, "start", "", "disbursement date YYYY-MM-DD (default: today in Almaty)")
	fs.StringVar(&in.daycount, "daycount", "30/360", "30/360, actual/365 or actual/actual")
	fs.StringVar(&in.fee, "fee", "0", "one-time fee paid at disbursement, tenge")
	fs.StringVar(&in.periodFee, "monthly-fee", "0", "fee added to every payment, tenge")
	fs.StringVar(&in.payDay, "payment-day", "0", "day of the month payments fall due (0: the disbursement day)")
	fs.StringVar(&in.grace, "grace", "0", "first periods with interest only (annuity, differentiated)")
	fs.StringVar(&in.round, "round", "tiyn", "round payments to the tiyn or to whole tenge")
	fs.StringVar(&in.lang, "lang", "ru", "language of the table and messages: ru, kk or en")
	asJSON := fs.Bool("json", false, "print JSON (amounts in tiyn)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "nesie schedule: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	terms, lang, err := in.parse(now)
	if err != nil {
		fmt.Fprintf(stderr, "nesie schedule: %v\n", err)
		return 2
	}
	s, err := schedule.Build(terms)
	if err != nil {
		var fe *schedule.FieldError
		if errors.As(err, &fe) {
			fmt.Fprintf(stderr, "nesie schedule: %s: %s\n", flagName(fe.Field), fe.Problem)
			return 2
		}
		fmt.Fprintf(stderr, "nesie schedule: %v\n", err)
		return 1
	}
	disc, err := gesv.OfSchedule(s)
	if errors.Is(err, gesv.ErrNoRate) {
		// Only fees out of all proportion to the amount push the rate past any bound.
		fmt.Fprintf(stderr, "nesie schedule: fee: the fees leave no effective rate (ГЭСВ) to compute: %v\n", err)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "nesie schedule: %v\n", err)
		return 1
	}
	violations, capsErr := legalcap.DefaultBook().Check(legalcap.ContractOf(s, disc), kz.DefaultMRP())
	if capsErr != nil {
		fmt.Fprintf(stderr, "nesie schedule: warning: legal caps not checked: %v\n", capsErr)
	}
	if *asJSON {
		err = writeScheduleJSON(stdout, s, disc, violations, capsErr == nil, lang)
	} else {
		err = writeScheduleTable(stdout, s, disc, violations, lang)
	}
	if err != nil {
		fmt.Fprintf(stderr, "nesie schedule: %v\n", err)
		return 1
	}
	return 0
}

// scheduleFlags are the raw flag values, parsed by parse so that each error names its flag.
type scheduleFlags struct {
	amount, rate, term, unit, method, start, daycount string
	fee, periodFee, payDay, grace, round, lang        string
}

func (in scheduleFlags) parse(now time.Time) (schedule.Terms, string, error) {
	var t schedule.Terms
	var err error
	bad := func(field string, err error) (schedule.Terms, string, error) {
		return schedule.Terms{}, "", fmt.Errorf("%s: %w", field, err)
	}
	if in.amount == "" {
		return bad("amount", errors.New("required, in tenge"))
	}
	if t.Amount, err = money.Parse(in.amount); err != nil {
		return bad("amount", err)
	}
	if t.Amount <= 0 {
		return bad("amount", errors.New("must be positive"))
	}
	if in.rate == "" {
		return bad("rate", errors.New("required, a percentage such as 34.5"))
	}
	if t.Rate, err = schedule.ParseRate(in.rate); err != nil {
		return bad("rate", err)
	}
	if in.term == "" {
		return bad("term", errors.New("required, a whole number of months or days"))
	}
	if t.Term, err = wholeNumber(in.term, 1); err != nil {
		return bad("term", err)
	}
	if t.Unit, err = schedule.ParseUnit(in.unit); err != nil {
		return bad("unit", err)
	}
	if t.Method, err = schedule.ParseMethod(in.method); err != nil {
		return bad("method", err)
	}
	if in.start == "" {
		t.Start = date.In(now)
	} else if t.Start, err = date.Parse(in.start); err != nil {
		return bad("start", err)
	}
	if t.DayCount, err = schedule.ParseDayCount(in.daycount); err != nil {
		return bad("daycount", err)
	}
	if t.UpfrontFee, err = money.Parse(in.fee); err != nil {
		return bad("fee", err)
	}
	if t.PeriodFee, err = money.Parse(in.periodFee); err != nil {
		return bad("monthly-fee", err)
	}
	if t.PaymentDay, err = wholeNumber(in.payDay, 0); err != nil {
		return bad("payment-day", err)
	}
	if t.Grace, err = wholeNumber(in.grace, 0); err != nil {
		return bad("grace", err)
	}
	switch in.round {
	case "tiyn":
		t.Rounding = schedule.ToTiyn
	case "tenge":
		t.Rounding = schedule.ToTenge
	default:
		return bad("round", fmt.Errorf("%q: want tiyn or tenge", in.round))
	}
	switch in.lang {
	case "ru", "kk", "en":
	default:
		return bad("lang", fmt.Errorf("%q: want ru, kk or en", in.lang))
	}
	return t, in.lang, nil
}

// wholeNumber reads a decimal integer, digits only, of at least least.
func wholeNumber(s string, least int) (int, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q: want a whole number", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q: too large", s)
	}
	if n < least {
		return 0, fmt.Errorf("%q: must be at least %d", s, least)
	}
	return n, nil
}

// flagName maps a schedule.FieldError field to the flag that set it.
func flagName(field string) string {
	switch field {
	case "period_fee":
		return "monthly-fee"
	case "payment_day":
		return "payment-day"
	case "rounding":
		return "round"
	}
	return field
}
