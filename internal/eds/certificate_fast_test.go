package eds

import (
	"encoding/pem"
	"testing"
)

// ParseCertificateDER reads the algorithm OIDs from crypto/x509's raw fields when crypto/x509
// parses the certificate. On every НУЦ test certificate (RSA, GOST, roots, CAs and
// subjects), they equal what encoding/asn1 reads from the full structure.
func TestParseCertificateDERAlgorithmsAgreeWithFullReading(t *testing.T) {
	files := append(ncaGlob(t, "current/ca/*"), ncaGlob(t, "current/certs/*")...)
	files = append(files, ncaGlob(t, "2018/certs/*/*")...)
	fast := 0
	for _, file := range files {
		der := ncaFile(t, file)
		if block, _ := pem.Decode(der); block != nil {
			der = block.Bytes
		}
		c, err := ParseCertificateDER(der)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		var outer rawCertificate
		var tbs rawTBS
		if _, err := asn1Unmarshal(der, &outer); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if _, err := asn1Unmarshal(outer.TBS.FullBytes, &tbs); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if !c.SignatureAlgorithmOID.Equal(outer.SignatureAlgorithm.Algorithm) ||
			!c.PublicKeyAlgorithmOID.Equal(tbs.PublicKey.Algorithm.Algorithm) ||
			c.Algorithm != AlgorithmFromOID(tbs.PublicKey.Algorithm.Algorithm) {
			t.Errorf("%s: read %s/%s (%s), full reading %s/%s", file, c.SignatureAlgorithmOID, c.PublicKeyAlgorithmOID,
				c.Algorithm, outer.SignatureAlgorithm.Algorithm, tbs.PublicKey.Algorithm.Algorithm)
		}
		if !c.Partial {
			fast++
		}
	}
	if fast == 0 {
		t.Fatal("no certificate went through crypto/x509")
	}
}
