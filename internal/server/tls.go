package server

import (
	"crypto/tls"
	"fmt"
)

// TLSConfig returns the TLS settings of every Nesie listener (R23): TLS 1.2 at least, and for
// TLS 1.2 only forward-secret ECDHE key exchange with an AEAD cipher (AES-GCM or
// ChaCha20-Poly1305) — no CBC, no RSA key exchange, no 3DES. TLS 1.3 suites are fixed by Go
// and all modern. Key exchange prefers the hybrid post-quantum X25519MLKEM768, then X25519 and
// P-256.
//
// The caller adds the certificate. Both ECDSA and RSA suites are listed so that a production
// certificate of either kind works.
func TLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
		CurvePreferences: []tls.CurveID{tls.X25519MLKEM768, tls.X25519, tls.CurveP256},
	}
}

// LoadKeyPair reads a production certificate chain and its private key from PEM files.
func LoadKeyPair(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("server: load TLS key pair %s, %s: %w", certFile, keyFile, err)
	}
	return cert, nil
}
