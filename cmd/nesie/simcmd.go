package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"nesie.kz/nesie/internal/app"
	"nesie.kz/nesie/internal/audit"
)

// sim is `nesie sim`: every simulator of the outside services, standalone, until stopped —
// for a server in another process or on another port, or for exploring their protocols.
func (c *cli) sim(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	dir := fs.String("dir", "nesie-sim", "where to write the biometric provider's public key and the НУЦ certificates")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	sims, err := app.StartSimulators(c.clock, nil)
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie sim: %v\n", err)
		return 1
	}
	defer sims.Close()
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		fmt.Fprintf(c.stderr, "nesie sim: %v\n", err)
		return 1
	}
	keyFile := filepath.Join(*dir, "biometric-provider.pem")
	rootsFile := filepath.Join(*dir, "nca-roots.pem")
	if err := os.WriteFile(keyFile, audit.PublicKeyPEM(sims.BiometricKey), 0o600); err != nil {
		fmt.Fprintf(c.stderr, "nesie sim: %v\n", err)
		return 1
	}
	bureauFile := filepath.Join(*dir, "bureau.pem")
	if err := os.WriteFile(bureauFile, audit.PublicKeyPEM(sims.Bureau.PublicKey()), 0o600); err != nil {
		fmt.Fprintf(c.stderr, "nesie sim: %v\n", err)
		return 1
	}
	if err := os.WriteFile(rootsFile, app.CertificatesPEM(sims), 0o600); err != nil {
		fmt.Fprintf(c.stderr, "nesie sim: %v\n", err)
		return 1
	}
	fmt.Fprintln(c.stdout, "Simulators of the outside services (loopback only):")
	sims.Describe(c.stdout)
	nca := sims.URL(app.SimNCA)
	fmt.Fprintf(c.stdout, `
Point a server at them with:
  --biometric-url %s --biometric-key %s
  --ocsp-url %s/ocsp --crl-urls %s/crl --ncanode-url %s --eds-roots %s
  --sms-url %s --phone-registry-url %s
  --bureau-url %s --bureau-key %s --bank-url %s
Make a service fail, hang or answer garbage (and back): POST normal|fail|hang|garbage to its URL + /sim/mode
Press Ctrl+C to stop.
`, sims.URL(app.SimBiometric), keyFile, nca, nca, nca, rootsFile, sims.URL(app.SimSMS), sims.URL(app.SimPhones),
		sims.URL(app.SimBureau), bureauFile, sims.URL(app.SimBank))
	if c.listening != nil {
		c.listening(nil)
	}
	<-ctx.Done()
	return 0
}
