package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/biometricsim"
	"nesie.kz/nesie/internal/sim/ncasim"
	"nesie.kz/nesie/internal/sim/phonesim"
	"nesie.kz/nesie/internal/sim/smssim"
)

// simulators are the outside services as the demo, the tests and `nesie sim` run them: real
// HTTP servers on loopback that the production adapters talk to.
type simulators struct {
	Biometric *biometricsim.Simulator
	NCA       *ncasim.Simulator
	SMS       *smssim.Gateway
	Phones    *phonesim.Registry

	BiometricKey ed25519.PublicKey
	servers      map[string]*sim.Server
}

// URL returns the base address of the named simulator.
func (s *simulators) URL(name string) string { return s.servers[name].URL }

// The simulator names, as `nesie sim` prints them.
const (
	simBiometric = "biometric (ЦОИД)"
	simNCA       = "nca (НУЦ: OCSP, CRL, NCANode, demo signer)"
	simSMS       = "sms"
	simPhones    = "phone-registry"
)

// startSimulators starts every simulator on a free loopback port (or on addrs[name] when
// given), dated by clk.
func startSimulators(clk clock.Clock, addrs map[string]string) (*simulators, error) {
	_, bioKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	nca, err := ncasim.New(ncasim.Config{Clock: clk})
	if err != nil {
		return nil, err
	}
	s := &simulators{
		Biometric: biometricsim.New(clk, bioKey), NCA: nca, SMS: smssim.New(clk), Phones: phonesim.New(),
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
		start(simBiometric, s.Biometric.Handler()),
		start(simNCA, nca.Handler()),
		start(simSMS, s.SMS),
		start(simPhones, s.Phones),
	)
	if err != nil {
		s.Close()
		return nil, err
	}
	nca.SetBaseURL(s.URL(simNCA))
	return s, nil
}

// Close stops every simulator.
func (s *simulators) Close() {
	for _, srv := range s.servers {
		srv.Close()
	}
}

// describe prints where each simulator listens.
func (s *simulators) describe(w io.Writer) { io.WriteString(w, s.listing()) }

func (s *simulators) listing() string {
	var b strings.Builder
	for _, name := range []string{simBiometric, simNCA, simSMS, simPhones} {
		fmt.Fprintf(&b, "    %-45s %s\n", name, s.URL(name))
	}
	return b.String()
}

// publicKeyPEM encodes the biometric simulator's result-signing key for --biometric-key.
func publicKeyPEM(pub ed25519.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// certificatesPEM is the НУЦ simulator's root and issuing certificates, for --eds-roots.
func certificatesPEM(s *simulators) []byte {
	var out []byte
	for _, c := range append(s.NCA.Roots(), s.NCA.Intermediates()...) {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// people lists the made-up persons the biometric simulator has reference photos of.
func (s *simulators) people() string {
	var b strings.Builder
	for _, id := range biometricsim.DemoIdentities() {
		fmt.Fprintf(&b, "       IIN %s  %s\n", id.IIN, id.Name)
	}
	return b.String()
}
