// Command nesie is the whole of Nesie in one binary: the server (the demo by default), the
// operator commands (migrate, audit), and the checks and calculators that scripts call.
//
//	nesie                      the demo: HTTPS on 127.0.0.1:8443, SQLite in ./nesie-data
//	nesie serve [flags]        the server; --database-url for PostgreSQL
//	nesie migrate [flags]      apply the database migrations
//	nesie audit verify|checkpoint|export [flags]
//	nesie check iin|bin|iban VALUE
//	nesie schedule --amount … --rate … --term …
//	nesie version
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/kz"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(newCLI(os.Stdout, os.Stderr).run(ctx, os.Args[1:]))
}

// cli is the process's surroundings, replaceable by tests: where output goes, the
// environment, the clock, and a hook told where the server listens.
type cli struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	clock          clock.Clock
	// listening, when set, is called with the server's address once it accepts connections.
	listening func(net.Addr)
}

func newCLI(stdout, stderr io.Writer) *cli {
	return &cli{stdout: stdout, stderr: stderr, getenv: os.Getenv, clock: clock.System{}}
}

const usage = `usage: nesie [command] [flags]

commands:
  serve      run the server (the default; with no flags, the demo on https://127.0.0.1:8443)
  migrate    apply the database migrations
  audit      verify the audit trail, sign a checkpoint, export the public key
  check      check an IIN, BIN or IBAN: nesie check iin|bin|iban VALUE
  schedule   print a repayment schedule with its ГЭСВ and overpayment
  staff      staff actions until the back office exists: products, the review queue, the
             cash desk, AML and anti-fraud lists, merchants, leaked data (R36)
  sim        run the simulators of the outside services (biometrics, НУЦ, SMS, phone registry)
  version    print the version

Run "nesie COMMAND -h" for a command's flags. Every flag has a NESIE_… environment variable.`

// run executes the command in args and returns the process exit code.
func (c *cli) run(ctx context.Context, args []string) int {
	cmd, rest := "serve", args
	if len(args) > 0 && (len(args[0]) == 0 || args[0][0] != '-') {
		cmd, rest = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return c.serve(ctx, rest)
	case "migrate":
		return c.migrate(ctx, rest)
	case "audit":
		return c.audit(ctx, rest)
	case "check":
		return c.check(rest)
	case "sim":
		return c.sim(ctx, rest)
	case "staff":
		return c.staff(ctx, rest)
	case "schedule":
		return runSchedule(rest, c.clock.Now(), c.stdout, c.stderr)
	case "version":
		fmt.Fprintln(c.stdout, "nesie", version())
		return 0
	case "help":
		fmt.Fprintln(c.stdout, usage)
		return 0
	}
	fmt.Fprintf(c.stderr, "nesie: unknown command %q\n\n%s\n", cmd, usage)
	return 2
}

// check is `nesie check`, naming banks from the operator's bank file when NESIE_BANKS_FILE
// is set.
func (c *cli) check(args []string) int {
	ref, err := kz.LoadReference(kz.ReferenceFiles{Banks: c.getenv("NESIE_BANKS_FILE")})
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie check: %v\n", err)
		return 2
	}
	return runCheckWith(args, ref.Banks, c.stdout, c.stderr)
}
