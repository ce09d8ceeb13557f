package main

import (
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"os"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/reqctx"
)

const auditUsage = `usage: nesie audit verify [--data DIR | --database-url URL] [--public-key FILE] [--audit-checkpoints FILE]
       nesie audit checkpoint [--data DIR | --database-url URL]
       nesie audit public-key [--audit-key FILE]`

// audit is `nesie audit`: verify the trail, sign a checkpoint now, or print the public key
// an auditor verifies with.
func (c *cli) audit(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(c.stderr, auditUsage)
		return 2
	}
	switch args[0] {
	case "verify":
		return c.auditVerify(ctx, args[1:])
	case "checkpoint":
		return c.auditCheckpoint(ctx, args[1:])
	case "public-key":
		return c.auditPublicKey(args[1:])
	}
	fmt.Fprintf(c.stderr, "nesie audit: unknown subcommand %q\n%s\n", args[0], auditUsage)
	return 2
}

// auditVerify exits 0 when the trail is intact and 1 otherwise — including when it could
// not be read, because a trail that cannot be checked is not known to be intact.
func (c *cli) auditVerify(ctx context.Context, args []string) int {
	var publicKey string
	cfg, fs, code, ok := c.loadConfig("audit verify", args, func(fs *flag.FlagSet) {
		fs.StringVar(&publicKey, "public-key", "", "PEM file of the public key(s) checkpoints are signed with (default: the audit key's public half)")
	})
	if !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(c.stderr, auditUsage)
		return 2
	}
	if publicKey == "" {
		publicKey = cfg.AuditKeyFile
	}
	pem, err := os.ReadFile(publicKey)
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie audit verify: cannot verify without the checkpoint key: %v\n", err)
		return 1
	}
	ring, err := audit.ParseKeyring(pem)
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie audit verify: %s: %v\n", publicKey, err)
		return 1
	}
	db, err := c.openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie audit verify: %v\n", err)
		return 1
	}
	defer db.Close()
	rep, err := audit.Verify(ctx, db, audit.VerifyOptions{Keys: ring, File: audit.NewCheckpointFile(cfg.AuditCheckpointFile)})
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie audit verify: could not verify: %v\n", err)
		return 1
	}
	if !rep.Intact() {
		fmt.Fprintf(c.stderr, "audit trail BROKEN: first bad event %d: %s\n", rep.Problem.Seq, rep.Problem.What)
		return 1
	}
	fmt.Fprintf(c.stdout, "audit trail intact: %d events, head %d (%s…), %d checkpoints checked, last signed at event %d",
		rep.Events, rep.HeadSeq, hex.EncodeToString(rep.HeadHash)[:16], rep.Checkpoints, rep.LastCheckpoint)
	if rep.Pending > 0 {
		fmt.Fprintf(c.stdout, "; %d newer events not yet chained (the server seals them)", rep.Pending)
	}
	if rep.HeadSeq > rep.LastCheckpoint {
		fmt.Fprintf(c.stdout, "; events after %d are chained but not yet signed", rep.LastCheckpoint)
	}
	fmt.Fprintln(c.stdout)
	return 0
}

// auditCheckpoint seals whatever is pending and signs the head now — before a backup, say.
func (c *cli) auditCheckpoint(ctx context.Context, args []string) int {
	cfg, _, code, ok := c.loadConfig("audit checkpoint", args)
	if !ok {
		return code
	}
	key, err := audit.LoadKey(cfg.AuditKeyFile)
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie audit checkpoint: %v\n", err)
		return 1
	}
	db, err := c.openStore(ctx, cfg)
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie audit checkpoint: %v\n", err)
		return 1
	}
	defer db.Close()
	sealer, err := audit.NewSealer(db, audit.SealerConfig{Key: key, File: audit.NewCheckpointFile(cfg.AuditCheckpointFile), CheckpointEvery: cfg.AuditCheckpointEvery})
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie audit checkpoint: %v\n", err)
		return 1
	}
	ctx = reqctx.WithActor(ctx, reqctx.SystemActor("audit-checkpoint"))
	if err := sealer.SyncFile(ctx); err != nil {
		fmt.Fprintf(c.stderr, "nesie audit checkpoint: %v\n", err)
		return 1
	}
	n, err := sealer.SealAll(ctx)
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie audit checkpoint: %v\n", err)
		return 1
	}
	cp, err := sealer.Checkpoint(ctx)
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie audit checkpoint: %v\n", err)
		return 1
	}
	if cp == nil {
		fmt.Fprintf(c.stdout, "sealed %d events; the head was already signed\n", n)
		return 0
	}
	fmt.Fprintf(c.stdout, "sealed %d events; signed checkpoint at event %d with key %s\n", n, cp.Seq, cp.KeyID)
	return 0
}

// auditPublicKey prints the PEM public key for auditors who verify without the private key.
func (c *cli) auditPublicKey(args []string) int {
	cfg, _, code, ok := c.loadConfig("audit public-key", args)
	if !ok {
		return code
	}
	key, err := audit.LoadKey(cfg.AuditKeyFile)
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie audit public-key: %v\n", err)
		return 1
	}
	fmt.Fprintf(c.stdout, "%s", audit.PublicKeyPEM(key.Public()))
	return 0
}
