package ncasim

import (
	"crypto/rand"
	"crypto/x509"
	"math/big"
	"net/http"
	"sort"
	"time"
)

// crlValidity is the nextUpdate horizon of a CRL; НУЦ publishes daily.
const crlValidity = 24 * time.Hour

// CRL returns a freshly signed DER CRL of the issuing CA listing every revoked serial.
func (s *Simulator) CRL() ([]byte, error) {
	now := s.cfg.Clock.Now().UTC().Truncate(time.Second)
	s.mu.Lock()
	s.crlNumber++
	number := s.crlNumber
	entries := make([]x509.RevocationListEntry, 0, len(s.revoked))
	for serial, rev := range s.revoked {
		n, _ := new(big.Int).SetString(serial, 16)
		entries = append(entries, x509.RevocationListEntry{SerialNumber: n, RevocationTime: rev.at, ReasonCode: rev.reason})
	}
	s.mu.Unlock()
	sort.Slice(entries, func(i, j int) bool { return entries[i].SerialNumber.Cmp(entries[j].SerialNumber) < 0 })
	return x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(number), ThisUpdate: now, NextUpdate: now.Add(crlValidity),
		RevokedCertificateEntries: entries,
	}, s.nca.cert, s.nca.key)
}

func (s *Simulator) serveCRL(w http.ResponseWriter, _ *http.Request) {
	crl, err := s.CRL()
	if err != nil {
		http.Error(w, "CRL: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/pkix-crl")
	w.Write(crl)
}
