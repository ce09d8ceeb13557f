package underwriting

import (
	"bytes"
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/bureau"
	"nesie.kz/nesie/internal/sim/bureausim"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestR37_StepEvidenceSealedAtRest: the bureau's report (with the IIN and the person's
// credits) and the AML and anti-fraud findings (with the name) appear nowhere in clear in
// underwriting_step, yet Steps gives them back byte for byte: the bureau's signature verifies
// over what is opened, and the SHA-256 kept in clear is that of the evidence. Evidence moved
// to another step does not open.
func TestR37_StepEvidenceSealedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		ctx := context.Background()
		const name, creditor = "Test Applicant", "Creditor Nine Seven Three"
		amlEvidence := []byte(`{"subject":"` + name + `","iin":"` + applicantIIN + `","matches":[]}`)
		fraudEvidence := []byte(`{"outcome":"allow","subject":"` + name + `"}`)
		r.aml.set(ScreenResult{Evidence: amlEvidence}, nil)
		r.fraud.set(ScreenResult{Evidence: fraudEvidence}, nil)
		r.bureau.Set(applicantIIN, bureausim.Subject{Credits: []bureausim.Credit{{Creditor: creditor, OutstandingTiyn: 80_000_00, MonthlyPaymentTiyn: 10_000_00}}})
		if _, err := r.svc.Assess(ctx, request(t, "app-sealed")); err != nil {
			t.Fatal(err)
		}
		steps := r.steps(t, "app-sealed")
		b, ok := stepNamed(steps, StepBureau)
		if !ok || !bytes.Contains(b.Evidence, []byte(applicantIIN)) || !bytes.Contains(b.Evidence, []byte(creditor)) {
			t.Fatalf("the bureau's report read back lacks the IIN or the creditor, so the check below would prove nothing: %q", b.Evidence)
		}
		if !bureau.Verify(r.bureau.PublicKey(), b.Evidence, b.Signature) {
			t.Error("the opened bureau report does not verify under the bureau's key")
		}
		if a, _ := stepNamed(steps, StepAML); !bytes.Equal(a.Evidence, amlEvidence) {
			t.Errorf("AML evidence read back as %q", a.Evidence)
		}
		if f, _ := stepNamed(steps, StepAntifraud); !bytes.Equal(f.Evidence, fraudEvidence) {
			t.Errorf("anti-fraud evidence read back as %q", f.Evidence)
		}

		raw := storetest.RawRows(t, env.Admin, `SELECT * FROM underwriting_step`)
		if !bytes.Contains(raw, []byte("app-sealed")) {
			t.Fatal("the raw dump misses the rows it should hold")
		}
		audit := append(storetest.RawRows(t, env.Admin, `SELECT * FROM audit_pending`), storetest.RawRows(t, env.Admin, `SELECT * FROM audit_event`)...)
		for _, clear := range []string{applicantIIN, name, creditor} {
			if bytes.Contains(raw, []byte(clear)) {
				t.Errorf("%q is stored in clear in underwriting_step", clear)
			}
			if bytes.Contains(audit, []byte(clear)) {
				t.Errorf("%q is in clear in the audit trail", clear)
			}
		}
		// The digest in clear is the evidence's own SHA-256, worked out here from the report.
		var digest []byte
		if err := env.Admin.QueryRow(`SELECT evidence_sha256 FROM underwriting_step WHERE application_id = 'app-sealed' AND name = 'bureau'`).Scan(&digest); err != nil {
			t.Fatal(err)
		}
		if want := sha256.Sum256(b.Evidence); !bytes.Equal(digest, want[:]) {
			t.Errorf("evidence_sha256 = %x, want %x", digest, want)
		}

		// Evidence is bound to its step: the AML evidence moved onto the bureau step does not open.
		if _, err := env.Admin.Exec(`UPDATE underwriting_step SET
			evidence_sealed = (SELECT evidence_sealed FROM underwriting_step WHERE application_id = 'app-sealed' AND name = 'aml'),
			evidence_sha256 = (SELECT evidence_sha256 FROM underwriting_step WHERE application_id = 'app-sealed' AND name = 'aml')
			WHERE application_id = 'app-sealed' AND name = 'bureau'`); err != nil {
			t.Fatal(err)
		}
		if err := env.DB.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
			_, err := r.svc.Steps(ctx, tx, "app-sealed")
			return err
		}); err == nil {
			t.Error("evidence moved to another step opened")
		}
	})
}

func (r *rig) steps(t *testing.T, applicationID string) []Step {
	t.Helper()
	var steps []Step
	if err := r.env.DB.Read(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		var err error
		steps, err = r.svc.Steps(ctx, tx, applicationID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return steps
}

// TestR37_UnderwritingNeedsVault: without the MFO's keys the service does not start, rather
// than keep the evidence in clear.
func TestR37_UnderwritingNeedsVault(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		r := newRig(t, env, DefaultConfig())
		client, err := bureau.NewClient(r.srv.URL, r.bureau.PublicKey(), time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if svc, err := New(env.DB, audit.NewTrail(env.DB, nil), client, r.aml, r.fraud, DefaultConfig(), nil); err == nil || svc != nil {
			t.Errorf("New without a vault: %v, %v; want an error", svc, err)
		}
	})
}
