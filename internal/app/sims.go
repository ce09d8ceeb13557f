package app

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/banksim"
	"nesie.kz/nesie/internal/sim/biometricsim"
	"nesie.kz/nesie/internal/sim/bureausim"
	"nesie.kz/nesie/internal/sim/ncasim"
	"nesie.kz/nesie/internal/sim/phonesim"
	"nesie.kz/nesie/internal/sim/smssim"
)

// Simulators are the outside services as the demo, the tests and `nesie sim` run them: real
// HTTP servers on loopback that the production adapters talk to.
type Simulators struct {
	Biometric *biometricsim.Simulator
	NCA       *ncasim.Simulator
	SMS       *smssim.Gateway
	Phones    *phonesim.Registry
	Bureau    *bureausim.Bureau
	Bank      *banksim.Simulator

	BiometricKey ed25519.PublicKey
	servers      map[string]*sim.Server
}

// Server returns the named simulator's server, to set its mode (make it fail, hang…).
func (s *Simulators) Server(name string) *sim.Server { return s.servers[name] }

// URL returns the base address of the named simulator.
func (s *Simulators) URL(name string) string { return s.servers[name].URL }

// The simulator names, as `nesie sim` prints them.
const (
	SimBiometric = "biometric (ЦОИД)"
	SimNCA       = "nca (НУЦ: OCSP, CRL, NCANode, demo signer)"
	SimSMS       = "sms"
	SimPhones    = "phone-registry"
	SimBureau    = "credit-bureau"
	SimBank      = "bank (payment gateway)"
)

// StartSimulators starts every simulator on a free loopback port (or on addrs[name] when
// given), dated by clk.
func StartSimulators(clk clock.Clock, addrs map[string]string) (*Simulators, error) {
	_, bioKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	nca, err := ncasim.New(ncasim.Config{Clock: clk})
	if err != nil {
		return nil, err
	}
	s := &Simulators{
		Biometric: biometricsim.New(clk, bioKey), NCA: nca, SMS: smssim.New(clk), Phones: phonesim.New(),
		Bureau: bureausim.New(clk), Bank: banksim.New(),
		BiometricKey: bioKey.Public().(ed25519.PublicKey), servers: map[string]*sim.Server{},
	}
	start := func(name string, h http.Handler) error {
		srv, err := sim.Start(name, addrs[name], h)
		if err != nil {
			return err
		}
		s.servers[name] = srv
		return nil
	}
	err = errors.Join(
		start(SimBiometric, s.Biometric.Handler()),
		start(SimNCA, nca.Handler()),
		start(SimSMS, s.SMS),
		start(SimPhones, s.Phones),
		start(SimBureau, s.Bureau),
		start(SimBank, s.Bank.Handler()),
	)
	if err != nil {
		s.Close()
		return nil, err
	}
	nca.SetBaseURL(s.URL(SimNCA))
	return s, nil
}

// Close stops every simulator.
func (s *Simulators) Close() {
	for _, srv := range s.servers {
		srv.Close()
	}
}

// Describe prints where each simulator listens.
func (s *Simulators) Describe(w io.Writer) { io.WriteString(w, s.Listing()) }

// Listing is one line per simulator: its name and address.
func (s *Simulators) Listing() string {
	var b strings.Builder
	for _, name := range []string{SimBiometric, SimNCA, SimSMS, SimPhones, SimBureau, SimBank} {
		fmt.Fprintf(&b, "    %-45s %s\n", name, s.URL(name))
	}
	return b.String()
}

// CertificatesPEM is the НУЦ simulator's root and issuing certificates, for --eds-roots.
func CertificatesPEM(s *Simulators) []byte {
	var out []byte
	for _, c := range append(s.NCA.Roots(), s.NCA.Intermediates()...) {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// People lists the made-up persons the biometric simulator has reference photos of.
func (s *Simulators) People() string {
	var b strings.Builder
	for _, id := range biometricsim.DemoIdentities() {
		fmt.Fprintf(&b, "       IIN %s  %s\n", id.IIN, id.Name)
	}
	return b.String()
}
