package main

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
)

// TestLoadTrustReadsTheRealNUCChain reads the production-format НУЦ chain of the shared test
// data (a root and its issuing CA, RSA and GOST) the way --eds-roots is read.
func TestLoadTrustReadsTheRealNUCChain(t *testing.T) {
	dir := t.TempDir()
	var pemData []byte
	for _, f := range []string{"root/root_rsa.crt", "trusted/nca_rsa.crt", "root/root_gost.crt", "trusted/nca_gost.crt"} {
		b := readShared(t, filepath.Join("../../../shared/testdata/nca/2018/certs", f))
		pemData = append(pemData, toPEM(t, b)...)
	}
	path := filepath.Join(dir, "roots.pem")
	writeFile(t, path, string(pemData))
	if _, err := loadTrust(path); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(toPEM(t, readShared(t, "../../../shared/testdata/nca/2018/certs/trusted/nca_rsa.crt"))))
	if _, err := loadTrust(path); err == nil {
		t.Fatal("a file with no root was accepted")
	}
}

func readShared(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("shared test data missing (%v): the tests expect ../shared beside the repository", err)
	}
	return b
}

// toPEM returns b as PEM whether it came as DER or PEM.
func toPEM(t *testing.T, b []byte) []byte {
	t.Helper()
	if block, _ := pem.Decode(b); block != nil {
		return pem.EncodeToMemory(block)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b})
}
