package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Files of the demo's self-signed certificate, under the data directory.
const (
	selfSignedCertFile = "tls-cert.pem"
	selfSignedKeyFile  = "tls-key.pem"
)

// selfSignedLifetime is how long a generated certificate is valid. The demo renews it on the
// first start after it lapses.
const selfSignedLifetime = 365 * 24 * time.Hour

// LoadOrCreateSelfSigned returns the demo's self-signed certificate from dir
// (tls-cert.pem, tls-key.pem), generating a new ECDSA P-256 pair on the first run, when the
// stored one has expired or expires within a day at now, or when it does not name every one of
// hosts (DNS names or IP addresses). The key file is written with mode 0600.
//
// A file that exists but cannot be read as a certificate and key is an error rather than
// something to overwrite: it may be an operator's.
func LoadOrCreateSelfSigned(dir string, hosts []string, now time.Time) (tls.Certificate, error) {
	certPath := filepath.Join(dir, selfSignedCertFile)
	keyPath := filepath.Join(dir, selfSignedKeyFile)

	cert, err := tls.LoadX509KeyPair(certPath, keyPath)
	switch {
	case err == nil:
		if usable(cert, hosts, now) {
			return cert, nil
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		return tls.Certificate{}, fmt.Errorf("server: read self-signed certificate in %s (delete both files to regenerate): %w", dir, err)
	}

	certPEM, keyPEM, err := generateSelfSigned(hosts, now)
	if err != nil {
		return tls.Certificate{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tls.Certificate{}, fmt.Errorf("server: create %s: %w", dir, err)
	}
	if err := writeFileAtomic(keyPath, keyPEM, 0o600); err != nil {
		return tls.Certificate{}, err
	}
	if err := writeFileAtomic(certPath, certPEM, 0o644); err != nil {
		return tls.Certificate{}, err
	}
	cert, err = tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("server: parse generated certificate: %w", err)
	}
	return cert, nil
}

// usable reports whether cert is valid for more than a day at now and names every host.
func usable(cert tls.Certificate, hosts []string, now time.Time) bool {
	leaf := cert.Leaf
	if leaf == nil && len(cert.Certificate) > 0 {
		leaf, _ = x509.ParseCertificate(cert.Certificate[0]) // nil on error: regenerate
	}
	if leaf == nil || now.Before(leaf.NotBefore) || !now.Add(24*time.Hour).Before(leaf.NotAfter) {
		return false
	}
	for _, h := range hosts {
		if leaf.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

// generateSelfSigned makes a server certificate for hosts, valid from an hour before now (to
// tolerate a client clock slightly behind) for selfSignedLifetime.
func generateSelfSigned(hosts []string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("server: generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("server: generate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"Nesie demo"}, CommonName: "Nesie self-signed"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(selfSignedLifetime),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("server: create certificate: %w", err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("server: encode key: %w", err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
	return certPEM, keyPEM, nil
}

// writeFileAtomic writes data to path through a temporary file and a rename, so that a crash
// never leaves half a key behind.
func writeFileAtomic(path string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return fmt.Errorf("server: write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return fmt.Errorf("server: write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("server: write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("server: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("server: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("server: write %s: %w", path, err)
	}
	return nil
}
