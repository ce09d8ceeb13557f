package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
)

const staffUsage = `usage: nesie staff compromise --staff ID --client ID --reason TEXT
       nesie staff call-tasks
       nesie staff complete-call --staff ID --task ID --outcome reached|not_reached|wrong_number [--refusal-recommended]
       nesie staff revoke-device --staff ID --device ID --reason TEXT
       nesie staff products
       nesie staff propose-product --staff ID --file SPEC.json
       nesie staff approve-product --staff ID --version ID
       nesie staff reject-product --staff ID --version ID --reason TEXT
       nesie staff retire-product --staff ID --code CODE --reason TEXT
       nesie staff review-queue
       nesie staff review --staff ID --loan ID --approve|--refuse --reason TEXT
       nesie staff cash-payout --staff ID --order ID --document-kind KIND --document-number N
                 --document-valid-until YYYY-MM-DD [--digital-document] [--power-of-attorney REF --legal-entity]
       nesie staff payouts-held
       nesie staff payout-release --staff ID --order ID --note TEXT
       nesie staff payout-reject --staff ID --order ID --reason TEXT
       nesie staff aml-load --staff ID --list ID --format un-xml|afm-xml|csv --file PATH
       nesie staff antifraud-add --staff ID --kind iin|phone|iban --value V --reason TEXT [--review]
       nesie staff antifraud-remove --staff ID --entry ID --reason TEXT
       nesie staff merchant-add --staff ID --bin BIN --name NAME --iban IBAN --contract REF
       nesie staff merchant-suspend --staff ID --merchant ID --reason TEXT

The staff commands act on the database directly, as the named staff member, and are audited.
They stand in for the back office's screens — leaked data and devices (R36, R26.2), products
(a second staff member approves), the review queue, the cash desk (R9.5), the payouts the
anti-fraud screen held (R8-2.6), the AML and anti-fraud lists, partner merchants — until
staff accounts exist. From "products" on, a command exits 2 on bad input (naming the flag) and
1 when refused (printing why).`

// staff is `nesie staff`: mark a client whose personal data leaked (R36), and record the
// call the MFO then owes the client. The commands loan origination needs are dispatched to
// staffOrigination (staff_loans.go).
func (c *cli) staff(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(c.stderr, staffUsage)
		return 2
	}
	if cmd, ok := originationCommands()[args[0]]; ok {
		return c.staffOrigination(ctx, args[0], cmd, args[1:])
	}
	var staffID, clientID, reason, taskID, outcome, deviceID string
	var refusal bool
	cfg, fs, code, ok := c.loadConfig("staff "+args[0], args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&staffID, "staff", "", "the acting staff member's id")
		fs.StringVar(&clientID, "client", "", "the client's id")
		fs.StringVar(&reason, "reason", "", "why, in words (the audit trail keeps it)")
		fs.StringVar(&taskID, "task", "", "the call task's id")
		fs.StringVar(&deviceID, "device", "", "the mobile device's id")
		fs.StringVar(&outcome, "outcome", "", "reached, not_reached or wrong_number")
		fs.BoolVar(&refusal, "refusal-recommended", false, "the client was advised to set the voluntary refusal of credits")
	})
	if !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(c.stderr, staffUsage)
		return 2
	}
	svc, db, closeAll, err := c.openServices(ctx, cfg)
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie staff: %v\n", err)
		return 1
	}
	defer closeAll()
	clients := svc.Clients
	if args[0] != "call-tasks" && strings.TrimSpace(staffID) == "" {
		fmt.Fprintln(c.stderr, "nesie staff: --staff is required: every staff action is audited under its author")
		return 2
	}
	ctx = reqctx.With(ctx, reqctx.Info{RequestID: "cli-staff", Actor: reqctx.Actor{Kind: reqctx.Staff, ID: staffID}})
	switch args[0] {
	case "compromise":
		var task string
		err = db.Transact(ctx, func(ctx context.Context, tx *store.Tx) (err error) {
			task, err = clients.MarkCompromised(ctx, tx, clientID, reason)
			return err
		})
		if err == nil {
			fmt.Fprintf(c.stdout, "client %s marked compromised; call task %s opened\n", clientID, task)
		}
	case "call-tasks":
		var tasks []client.CallTask
		err = db.Read(ctx, func(ctx context.Context, tx *store.Tx) (err error) {
			tasks, err = clients.OpenCallTasks(ctx, tx, 100)
			return err
		})
		for _, t := range tasks {
			fmt.Fprintf(c.stdout, "%s  client %s  since %s  %s\n", t.ID, t.ClientID, t.CreatedAt.Format("2006-01-02 15:04"), t.Reason)
		}
	case "complete-call":
		err = db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
			_, err := clients.CompleteCallTask(ctx, tx, taskID, client.CallOutcome(outcome), refusal)
			return err
		})
		if err == nil {
			fmt.Fprintf(c.stdout, "call task %s completed: %s\n", taskID, outcome)
		}
	case "revoke-device":
		// A device registered by someone who is not the client is cut off; the client is told
		// through the outbox like any security event (R25.9).
		err = svc.Devices.Revoke(ctx, deviceID, reason)
		if err == nil {
			fmt.Fprintf(c.stdout, "device %s revoked\n", deviceID)
		}
	default:
		fmt.Fprintf(c.stderr, "nesie staff: unknown subcommand %q\n%s\n", args[0], staffUsage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie staff %s: %v\n", args[0], err)
		return 1
	}
	return 0
}
