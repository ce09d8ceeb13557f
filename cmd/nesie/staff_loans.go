package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"nesie.kz/nesie/internal/app"
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/config"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/obs"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
)

// staffAction is what a staff command does once its flags are known to be well formed: it
// acts through the domain services and returns the line (or table) to print.
type staffAction func(ctx context.Context, svc *app.Services) (string, error)

// staffInput is the flags a staff command was given.
type staffInput struct {
	staff string
	text  map[string]*string
	on    map[string]*bool
}

// get is the value of the text flag name, trimmed.
func (in staffInput) get(name string) string { return strings.TrimSpace(*in.text[name]) }

// originationCommand is one of the staff commands loan origination needs.
type originationCommand struct {
	// required and optional are the command's text flags (besides --staff), bools its
	// switches.
	required, optional, bools []string
	// listing commands only read, so they need no --staff.
	listing bool
	// parse checks the flags — before the database is opened, so bad input costs nothing —
	// and returns the action; its errors are fault.Field naming the flag.
	parse func(in staffInput) (staffAction, error)
}

// originationCommands are the staff commands of loan origination, by name.
func originationCommands() map[string]originationCommand {
	return map[string]originationCommand{
		"products":        {listing: true, parse: listProducts},
		"propose-product": {required: []string{"file"}, parse: proposeProduct},
		"approve-product": {required: []string{"version"}, parse: approveProduct},
		"reject-product":  {required: []string{"version", "reason"}, parse: rejectProduct},
		"retire-product": {required: []string{"code", "reason"},
			parse: forReason("code", "product %s retired by %s: no longer offered; loans made under it keep their terms",
				func(s *app.Services) reasonedAct { return s.Products.Retire })},
		"review-queue": {listing: true, parse: listReviewQueue},
		"review":       {required: []string{"loan", "reason"}, bools: []string{"approve", "refuse"}, parse: reviewApplication},
		"cash-payout": {required: []string{"order", "document-kind", "document-number", "document-valid-until"},
			optional: []string{"power-of-attorney"},
			bools:    []string{"digital-document", "legal-entity"}, parse: recordCashPayout},
		"payouts-held":   {listing: true, parse: listHeldPayouts},
		"payout-release": {required: []string{"order", "note"}, parse: releasePayout},
		"payout-reject":  {required: []string{"order", "reason"}, parse: rejectPayout},
		"aml-load":       {required: []string{"list", "format", "file"}, parse: loadAMLList},
		"antifraud-add":  {required: []string{"kind", "value", "reason"}, bools: []string{"review"}, parse: addAntifraudEntry},
		"antifraud-remove": {required: []string{"entry", "reason"},
			parse: forReason("entry", "anti-fraud entry %s removed by %s (it stays stored, stamped)",
				func(s *app.Services) reasonedAct { return s.Antifraud.Remove })},
		"merchant-add": {required: []string{"bin", "name", "iban", "contract"}, parse: addMerchant},
		"merchant-suspend": {required: []string{"merchant", "reason"},
			parse: forReason("merchant", "merchant %s suspended by %s: no new loan is paid to it",
				func(s *app.Services) reasonedAct { return s.Merchants.Suspend })},
	}
}

// reasonedAct is a domain operation on one object, by a staff member, for a reason.
type reasonedAct func(ctx context.Context, id, staffID, reason string) error

// forReason is the parse of a command that applies the operation of pick to the object the
// flag key names, for --reason, and prints done (formatted with the id and the staff member).
func forReason(key, done string, pick func(*app.Services) reasonedAct) func(staffInput) (staffAction, error) {
	return func(in staffInput) (staffAction, error) {
		return func(ctx context.Context, svc *app.Services) (string, error) {
			id := in.get(key)
			if err := pick(svc)(ctx, id, in.staff, in.get("reason")); err != nil {
				return "", err
			}
			return fmt.Sprintf(done, id, in.staff), nil
		}, nil
	}
}

// oneOf returns the value of flag when it is one of allowed.
func oneOf[T ~string](in staffInput, flag string, allowed ...T) (T, error) {
	v := T(in.get(flag))
	if slices.Contains(allowed, v) {
		return v, nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return v, fault.Field(flag, "want %s, not %q", strings.Join(names, ", "), string(v))
}

// staffFlagUsage is the help line of every flag the origination commands take.
func staffFlagUsage() map[string]string {
	return map[string]string{
		"staff":                "the acting staff member's id",
		"reason":               "why, in words (the audit trail keeps it)",
		"file":                 "the file to read: a product spec (JSON) or an AML list",
		"version":              "the product version's id",
		"code":                 "the product's code",
		"loan":                 "the loan application's id",
		"approve":              "vote to approve the application",
		"refuse":               "vote to refuse the application",
		"order":                "the payout order's id",
		"note":                 "the grounds for releasing a held payout (the audit trail keeps them)",
		"document-kind":        "the ID document shown: id_card, passport…",
		"document-number":      "the ID document's number",
		"document-valid-until": "the ID document's last valid day, YYYY-MM-DD",
		"digital-document":     "the document came from the digital-documents service",
		"power-of-attorney":    "the power of attorney the representative showed",
		"legal-entity":         "the person takes the cash for a legal entity",
		"list":                 "the AML list's id (a reload replaces the list's previous version)",
		"format":               "the list file's format: un-xml, afm-xml or csv",
		"kind":                 "what the stop-list value is: iin, phone or iban",
		"value":                "the IIN, phone number or IBAN to stop",
		"review":               "send a matching client to staff review instead of refusing",
		"entry":                "the anti-fraud list entry's id",
		"bin":                  "the merchant's BIN",
		"name":                 "the merchant's name",
		"iban":                 "the merchant's account loans are paid to",
		"contract":             "the MFO's contract with the merchant (number and date)",
		"merchant":             "the merchant's id",
	}
}

// staffOrigination runs the origination staff command name with args.
func (c *cli) staffOrigination(ctx context.Context, name string, cmd originationCommand, args []string) int {
	in := staffInput{text: map[string]*string{}, on: map[string]*bool{}}
	usage := staffFlagUsage()
	cfg, fs, code, ok := c.loadConfig("staff "+name, args, func(fs *flag.FlagSet) {
		for _, f := range append(append([]string{"staff"}, cmd.required...), cmd.optional...) {
			in.text[f] = fs.String(f, "", usage[f])
		}
		for _, f := range cmd.bools {
			in.on[f] = fs.Bool(f, false, usage[f])
		}
	})
	if !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "nesie staff %s: unexpected argument %q\n", name, fs.Arg(0))
		return 2
	}
	in.staff = in.get("staff")
	if in.staff == "" && !cmd.listing {
		fmt.Fprintf(c.stderr, "nesie staff %s: --staff is required: every staff action is audited under its author\n", name)
		return 2
	}
	for _, f := range cmd.required {
		if in.get(f) == "" {
			fmt.Fprintf(c.stderr, "nesie staff %s: --%s is required\n", name, f)
			return 2
		}
	}
	act, err := cmd.parse(in)
	if err != nil {
		return c.staffFailed(name, fs, err)
	}
	svc, _, closeAll, err := c.openServices(ctx, cfg)
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie staff %s: %v\n", name, err)
		return 1
	}
	defer closeAll()
	ctx = reqctx.With(ctx, reqctx.Info{RequestID: "cli-staff", Actor: reqctx.Actor{Kind: reqctx.Staff, ID: in.staff}})
	out, err := act(ctx, svc)
	if err != nil {
		return c.staffFailed(name, fs, err)
	}
	fmt.Fprint(c.stdout, out)
	if !strings.HasSuffix(out, "\n") {
		fmt.Fprintln(c.stdout)
	}
	return 0
}

// staffFailed prints err and returns the exit code: 2 for bad input, a field error (named by
// its flag when one carries the field's name); 1 for a refusal — four eyes, a product above the
// legal caps, a conflict, not found, a list file that does not parse.
func (c *cli) staffFailed(name string, fs *flag.FlagSet, err error) int {
	var fe *fault.FieldError
	if errors.As(err, &fe) {
		field := fe.Field
		if f := strings.ReplaceAll(field, "_", "-"); fs.Lookup(f) != nil {
			field = "--" + f
		}
		fmt.Fprintf(c.stderr, "nesie staff %s: %s: %s\n", name, field, fe.Reason)
		return 2
	}
	fmt.Fprintf(c.stderr, "nesie staff %s: %v\n", name, err)
	return 1
}

// openServices opens the database cfg names, checks that it is migrated, and builds the
// domain services on it as the server does. Events are recorded to the audit inbox, which the
// server's sealer chains. The demo (no outside services configured) starts the simulators in
// process: staff commands never call them, but the wiring needs their addresses. closeAll
// releases everything.
func (c *cli) openServices(ctx context.Context, cfg *config.Config) (svc *app.Services, db *store.DB, closeAll func(), err error) {
	ref, err := kz.LoadReference(kz.ReferenceFiles{MRP: cfg.MRPFile})
	if err != nil {
		return nil, nil, nil, err
	}
	if db, err = c.openStore(ctx, cfg); err != nil {
		return nil, nil, nil, err
	}
	closers := []func(){func() { _ = db.Close() }}
	closeAll = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	defer func() {
		if err != nil {
			closeAll()
		}
	}()
	pending, err := db.Pending(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(pending) > 0 {
		return nil, nil, nil, fmt.Errorf("the database lacks migrations %s: run \"nesie migrate\" (or start the demo once) first", strings.Join(pending, ", "))
	}
	var ep app.Endpoints
	if cfg.Mode == config.Demo {
		var sims *app.Simulators
		if sims, err = app.StartSimulators(c.clock, nil); err != nil {
			return nil, nil, nil, err
		}
		closers = append(closers, sims.Close)
		if ep, err = app.EndpointsOf(sims); err != nil {
			return nil, nil, nil, err
		}
	} else if ep, err = endpointsOf(cfg.Outside); err != nil {
		return nil, nil, nil, err
	}
	svc, err = buildServices(cfg, db, audit.NewTrail(db, nil), c.clock, ep, ref.MRP, obs.NewLogger(c.stderr, cfg.LogLevel))
	if err != nil {
		return nil, nil, nil, err
	}
	return svc, db, closeAll, nil
}
