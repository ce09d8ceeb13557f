package underwriting

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strconv"

	"nesie.kz/nesie/internal/vault"
)

// R37: a check's evidence is personal data (the bureau's report holds the IIN and the person's
// credits; AML and anti-fraud findings can hold names), so it is kept sealed with the MFO's
// keys, bound to its application, its place in the assessment and its check: evidence copied
// into another row does not open. Its SHA-256 is kept in clear for the auditor and checked on
// every opening. Sealing is lossless, so the bureau's signature, kept beside it, verifies over
// the opened bytes as over the report received.

// sealedEvidence is what underwriting_step keeps of a step's evidence; both nil when the step
// has none.
type sealedEvidence struct {
	sealed, digest []byte
}

func evidenceAAD(applicationID string, seq int, name string) []byte {
	return vault.AAD("underwriting_step", "evidence_sealed", applicationID, strconv.Itoa(seq), name)
}

func (s *Service) sealEvidence(applicationID string, seq int, st Step) (sealedEvidence, error) {
	if len(st.Evidence) == 0 {
		if len(st.Signature) > 0 {
			return sealedEvidence{}, fmt.Errorf("underwriting: step %s is signed but has no evidence", st.Name)
		}
		return sealedEvidence{}, nil
	}
	sealed, err := s.cfg.Vault.Seal(st.Evidence, evidenceAAD(applicationID, seq, st.Name))
	if err != nil {
		return sealedEvidence{}, fmt.Errorf("underwriting: seal evidence of %s: %w", st.Name, err)
	}
	sum := sha256.Sum256(st.Evidence)
	return sealedEvidence{sealed: sealed, digest: sum[:]}, nil
}

// openEvidence returns the evidence as received, or nil when the step had none.
func (s *Service) openEvidence(applicationID string, seq int, name string, ev sealedEvidence) ([]byte, error) {
	if ev.sealed == nil {
		return nil, nil
	}
	plain, err := s.cfg.Vault.Open(ev.sealed, evidenceAAD(applicationID, seq, name))
	if err != nil {
		return nil, fmt.Errorf("underwriting: evidence of %s: %w", name, err)
	}
	if sum := sha256.Sum256(plain); !bytes.Equal(sum[:], ev.digest) {
		return nil, fmt.Errorf("underwriting: evidence of %s does not match its recorded SHA-256", name)
	}
	return plain, nil
}

// nonEmpty is b, or nil (NULL) when it is empty.
func nonEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
