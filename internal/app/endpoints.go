package app

import (
	"crypto/ed25519"

	"nesie.kz/nesie/internal/eds"
)

// Endpoints say where the adapters find the outside services and what they trust of them:
// from the configuration in production, from the simulators in the demo and the tests.
type Endpoints struct {
	BiometricURL     string
	BiometricKey     ed25519.PublicKey
	OCSPURL          string
	CRLURLs          []string
	NCANodeURL       string
	EDSTrust         *eds.Trust
	SMSURL           string
	PhoneRegistryURL string
	// BureauURL is the credit bureau; BureauKey the key its reports are signed with.
	BureauURL string
	BureauKey ed25519.PublicKey
	// BankURL is the bank / payment gateway the payouts go through.
	BankURL string
}

// EndpointsOf points the adapters at the simulators s.
func EndpointsOf(s *Simulators) (Endpoints, error) {
	trust, err := s.NCA.Trust()
	if err != nil {
		return Endpoints{}, err
	}
	nca := s.URL(SimNCA)
	return Endpoints{
		BiometricURL: s.URL(SimBiometric), BiometricKey: s.BiometricKey, OCSPURL: nca + "/ocsp", CRLURLs: []string{nca + "/crl"},
		NCANodeURL: nca, EDSTrust: trust, SMSURL: s.URL(SimSMS), PhoneRegistryURL: s.URL(SimPhones),
		BureauURL: s.URL(SimBureau), BureauKey: s.Bureau.PublicKey(), BankURL: s.URL(SimBank),
	}, nil
}
