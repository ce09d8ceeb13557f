package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"nesie.kz/nesie/internal/app"
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/config"
	"nesie.kz/nesie/internal/eds"
)

// endpointsOf reads the production endpoints from the configuration.
func endpointsOf(o config.Outside) (app.Endpoints, error) {
	bioKey, err := readPublicKey("--biometric-key", o.BiometricKeyFile)
	if err != nil {
		return app.Endpoints{}, err
	}
	bureauKey, err := readPublicKey("--bureau-key", o.BureauKeyFile)
	if err != nil {
		return app.Endpoints{}, err
	}
	trust, err := loadTrust(o.EDSRootsFile)
	if err != nil {
		return app.Endpoints{}, fmt.Errorf("--eds-roots: %w", err)
	}
	return app.Endpoints{
		BiometricURL: o.BiometricURL, BiometricKey: bioKey, OCSPURL: o.OCSPURL, CRLURLs: o.CRLURLs,
		NCANodeURL: o.NCANodeURL, EDSTrust: trust, SMSURL: o.SMSURL, PhoneRegistryURL: o.PhoneRegistryURL,
		BureauURL: o.BureauURL, BureauKey: bureauKey, BankURL: o.BankURL,
	}, nil
}

// readPublicKey reads the one Ed25519 public key (PEM) in path, named by its flag in errors.
func readPublicKey(flag, path string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	ring, err := audit.ParseKeyring(b) // any Ed25519 public key in PEM
	if err != nil || len(ring) != 1 {
		return nil, fmt.Errorf("%s %s: want exactly one Ed25519 public key", flag, path)
	}
	for _, k := range ring {
		return k, nil
	}
	return nil, nil
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
