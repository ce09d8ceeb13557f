package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"nesie.kz/nesie/internal/app"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/product"
	"nesie.kz/nesie/internal/schedule"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/strictjson"
)

// specFile is the JSON a product proposal is written in (`nesie staff propose-product
// --file`). The names are those product.Spec.Validate reports, so an error names the line to
// fix; money is in tiyn, rates are percent as people type them ("30", "0.25"), the unit,
// day count and methods by name:
//
//	{"code": "consumer-12", "name_ru": "…", "name_kk": "…", "kind": "consumer",
//	 "secured": false, "credit_line": false, "borrowers": ["individual", "entrepreneur"],
//	 "min_amount": 5000000, "max_amount": 100000000, "unit": "month", "min_term": 3,
//	 "max_term": 24, "annual_rate": "30", "upfront_fee": 50000, "period_fee": 0,
//	 "methods": ["annuity", "differentiated"], "day_count": "30/360", "penalty_daily": "0.1"}
type specFile struct {
	Code         string   `json:"code"`
	NameRu       string   `json:"name_ru"`
	NameKk       string   `json:"name_kk"`
	Kind         string   `json:"kind"`
	Secured      bool     `json:"secured"`
	CreditLine   bool     `json:"credit_line"`
	Borrowers    []string `json:"borrowers"`
	MinAmount    int64    `json:"min_amount"`
	MaxAmount    int64    `json:"max_amount"`
	Unit         string   `json:"unit"`
	MinTerm      int      `json:"min_term"`
	MaxTerm      int      `json:"max_term"`
	AnnualRate   string   `json:"annual_rate"`
	UpfrontFee   int64    `json:"upfront_fee"`
	PeriodFee    int64    `json:"period_fee"`
	Methods      []string `json:"methods"`
	DayCount     string   `json:"day_count"`
	PenaltyDaily string   `json:"penalty_daily"`
}

// maxSpecBytes bounds a spec file: a real one is well under a kilobyte.
const maxSpecBytes = 64 << 10

// readSpec reads and validates the product spec in path. Errors are fault.Field on "file",
// naming the spec's field.
func readSpec(path string) (product.Spec, error) {
	bad := func(field, reason string, args ...any) error {
		return fault.Field("file", "%s: %s: %s", path, field, fmt.Sprintf(reason, args...))
	}
	f, err := os.Open(path)
	if err != nil {
		return product.Spec{}, fault.Field("file", "%v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSpecBytes+1))
	if err != nil {
		return product.Spec{}, fault.Field("file", "%v", err)
	}
	if len(b) > maxSpecBytes {
		return product.Spec{}, bad("size", "a spec is at most %d KiB", maxSpecBytes>>10)
	}
	var sf specFile
	if err := strictjson.Decode(b, &sf, strictjson.RefuseUnknown); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return product.Spec{}, bad(te.Field, "want a JSON %s, not %s", te.Type, te.Value)
		}
		var ke *strictjson.KeyError
		if errors.As(err, &ke) {
			return product.Spec{}, bad(ke.Path, "%s", ke.Problem)
		}
		return product.Spec{}, fault.Field("file", "%s: %v", path, err)
	}
	spec, err := sf.spec()
	if err == nil {
		err = spec.Validate()
	}
	var fe *fault.FieldError
	if errors.As(err, &fe) {
		return product.Spec{}, bad(fe.Field, "%s", fe.Reason)
	}
	return spec, err
}

// spec converts the file's names and percent strings; the ranges are Spec.Validate's.
func (sf specFile) spec() (product.Spec, error) {
	s := product.Spec{
		Code: sf.Code, NameRu: sf.NameRu, NameKk: sf.NameKk, Kind: product.Kind(sf.Kind),
		Secured: sf.Secured, CreditLine: sf.CreditLine,
		MinAmount: money.Amount(sf.MinAmount), MaxAmount: money.Amount(sf.MaxAmount),
		MinTerm: sf.MinTerm, MaxTerm: sf.MaxTerm,
		UpfrontFee: money.Amount(sf.UpfrontFee), PeriodFee: money.Amount(sf.PeriodFee),
	}
	for _, b := range sf.Borrowers {
		s.Borrowers = append(s.Borrowers, client.Kind(b))
	}
	var err error
	if s.Unit, err = schedule.ParseUnit(sf.Unit); err != nil {
		return s, fault.Field("unit", "want month or day, not %q", sf.Unit)
	}
	if s.AnnualRate, err = schedule.ParseRate(sf.AnnualRate); err != nil {
		return s, fault.Field("annual_rate", "want a percentage such as \"30\" or \"0.25\", not %q", sf.AnnualRate)
	}
	if s.PenaltyDaily, err = schedule.ParseRate(sf.PenaltyDaily); err != nil {
		return s, fault.Field("penalty_daily", "want a percentage such as \"0.1\", not %q", sf.PenaltyDaily)
	}
	if s.DayCount, err = schedule.ParseDayCount(sf.DayCount); err != nil {
		return s, fault.Field("day_count", "want 30/360, actual/365 or actual/actual, not %q", sf.DayCount)
	}
	for i, name := range sf.Methods {
		m, err := schedule.ParseMethod(name)
		if err != nil {
			return s, fault.Field(fmt.Sprintf("methods[%d]", i), "want annuity, differentiated, bullet or single, not %q", name)
		}
		s.Methods = append(s.Methods, m)
	}
	return s, nil
}

// listProducts is `nesie staff products`: the versions clients are offered and those
// awaiting a second staff member.
func listProducts(staffInput) (staffAction, error) {
	return func(ctx context.Context, svc *app.Services) (string, error) {
		var active, pending []product.Version
		err := svc.DB().Read(ctx, func(ctx context.Context, tx *store.Tx) (err error) {
			if active, err = svc.Products.ActiveAll(ctx, tx); err != nil {
				return err
			}
			pending, err = svc.Products.Pending(ctx, tx)
			return err
		})
		if err != nil {
			return "", err
		}
		if len(active)+len(pending) == 0 {
			return "no products\n", nil
		}
		var out strings.Builder
		w := tabwriter.NewWriter(&out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "VERSION\tCODE\tNO\tSTATUS\tAMOUNT\tTERM\tRATE\tMETHODS\tPROPOSED BY\tDECIDED BY")
		for _, v := range append(active, pending...) {
			s := v.Spec
			methods := make([]string, len(s.Methods))
			for i, m := range s.Methods {
				methods[i] = m.String()
			}
			fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s–%s\t%d–%d %s\t%s %%\t%s\t%s\t%s\n", v.ID, v.Code, v.Number, v.Status,
				s.MinAmount, s.MaxAmount, s.MinTerm, s.MaxTerm, s.Unit, s.AnnualRate, strings.Join(methods, ","),
				v.ProposedBy, v.DecidedBy)
		}
		err = w.Flush() // before out is read
		return out.String(), err
	}, nil
}

// proposeProduct is `nesie staff propose-product`: a new pending version from a spec file.
func proposeProduct(in staffInput) (staffAction, error) {
	spec, err := readSpec(in.get("file"))
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, svc *app.Services) (string, error) {
		v, err := svc.Products.Propose(ctx, in.staff, spec)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("product %s version %d proposed as %s: it awaits another staff member's approval", v.Code, v.Number, v.ID), nil
	}, nil
}

// approveProduct is `nesie staff approve-product`: the second pair of eyes activates a version.
func approveProduct(in staffInput) (staffAction, error) {
	return func(ctx context.Context, svc *app.Services) (string, error) {
		v, err := svc.Products.Approve(ctx, in.get("version"), in.staff)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("product %s version %d (%s) is active: proposed by %s, approved by %s", v.Code, v.Number, v.ID, v.ProposedBy, v.DecidedBy), nil
	}, nil
}

// rejectProduct is `nesie staff reject-product`.
func rejectProduct(in staffInput) (staffAction, error) {
	return func(ctx context.Context, svc *app.Services) (string, error) {
		v, err := svc.Products.Reject(ctx, in.get("version"), in.staff, in.get("reason"))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("product %s version %d (%s) rejected by %s", v.Code, v.Number, v.ID, v.DecidedBy), nil
	}, nil
}
