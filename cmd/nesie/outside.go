package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/config"
	"nesie.kz/nesie/internal/eds"
)

// endpoints say where the adapters find the outside services and what they trust of them:
// from the configuration in production, from the simulators in the demo.
type endpoints struct {
	BiometricURL     string
	BiometricKey     ed25519.PublicKey
	OCSPURL          string
	CRLURLs          []string
	NCANodeURL       string
	EDSTrust         *eds.Trust
	SMSURL           string
	PhoneRegistryURL string
}

// endpointsOf reads the production endpoints from the configuration.
func endpointsOf(o config.Outside) (endpoints, error) {
	key, err := os.ReadFile(o.BiometricKeyFile)
	if err != nil {
		return endpoints{}, fmt.Errorf("--biometric-key: %w", err)
	}
	ring, err := audit.ParseKeyring(key) // any Ed25519 public key in PEM
	if err != nil || len(ring) != 1 {
		return endpoints{}, fmt.Errorf("--biometric-key %s: want exactly one Ed25519 public key", o.BiometricKeyFile)
	}
	var pub ed25519.PublicKey
	for _, k := range ring {
		pub = k
	}
	trust, err := loadTrust(o.EDSRootsFile)
	if err != nil {
		return endpoints{}, fmt.Errorf("--eds-roots: %w", err)
	}
	return endpoints{
		BiometricURL: o.BiometricURL, BiometricKey: pub, OCSPURL: o.OCSPURL, CRLURLs: o.CRLURLs,
		NCANodeURL: o.NCANodeURL, EDSTrust: trust, SMSURL: o.SMSURL, PhoneRegistryURL: o.PhoneRegistryURL,
	}, nil
}

// endpointsOfSimulators points the adapters at the demo's simulators.
func endpointsOfSimulators(s *simulators) (endpoints, error) {
	trust, err := s.NCA.Trust()
	if err != nil {
		return endpoints{}, err
	}
	nca := s.URL(simNCA)
	return endpoints{
		BiometricURL: s.URL(simBiometric), BiometricKey: s.BiometricKey, OCSPURL: nca + "/ocsp", CRLURLs: []string{nca + "/crl"},
		NCANodeURL: nca, EDSTrust: trust, SMSURL: s.URL(simSMS), PhoneRegistryURL: s.URL(simPhones),
	}, nil
}

// loadTrust reads the trusted НУЦ certificates: self-issued ones (subject = issuer) are
// roots, the others issuing CAs. Self-issued rather than self-signed, because a GOST root's
// signature cannot be checked in Go.
func loadTrust(path string) (*eds.Trust, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var roots, intermediates []*eds.Certificate
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := eds.ParseCertificateDER(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if bytes.Equal(c.X509.RawSubject, c.X509.RawIssuer) {
			roots = append(roots, c)
		} else {
			intermediates = append(intermediates, c)
		}
	}
	if len(roots) == 0 {
		return nil, errors.New(path + ": no root certificate")
	}
	return eds.NewTrust(roots, intermediates)
}
