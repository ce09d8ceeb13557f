package biometric

import (
	"fmt"

	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/vault"
)

// indexIIN is the blind-index kind of an IIN. It is the kind the client register uses
// (internal/client), so that a biometric session's iin_index and a client's compare equal.
const indexIIN = "iin"

// The IIN and the provider's raw result are personal data and are kept only sealed by the
// vault (R37); each sealed value is bound to its table, column and row, so a ciphertext
// copied to another row does not open.

func sessionIINAAD(sessionID string) []byte {
	return vault.AAD("biometric_session", "iin_sealed", sessionID)
}

func signalIINAAD(signalID string) []byte {
	return vault.AAD("antifraud_signal", "iin_sealed", signalID)
}

func rawResultAAD(checkID string) []byte { return vault.AAD("biometric_check", "raw_result", checkID) }

// iinIndex is the blind index of iin, the value the database looks the IIN up by.
func (s *Service) iinIndex(iin kz.IIN) []byte { return s.vault.Index(indexIIN, iin.String()) }

// openIIN opens a sealed IIN and parses it.
func (s *Service) openIIN(sealed, aad []byte) (kz.IIN, error) {
	pt, err := s.vault.Open(sealed, aad)
	if err != nil {
		return kz.IIN{}, fmt.Errorf("open sealed IIN: %w", err)
	}
	return kz.ParseIIN(string(pt))
}
