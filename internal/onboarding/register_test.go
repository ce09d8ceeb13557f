package onboarding_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/onboarding"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/ncasim"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// begin starts a registration and fails the test on refusal.
func (w *world) begin(t *testing.T, app client.Application) onboarding.Started {
	t.Helper()
	st, err := w.svc.Begin(w.ctx, app)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	return st
}

func (w *world) complete(st onboarding.Started, app client.Application, sig []byte) (client.Client, error) {
	return w.svc.Complete(w.ctx, onboarding.CompleteRequest{RegistrationID: st.ID, BiometricSessionID: st.BiometricSessionID,
		Application: app, Signature: sig})
}

// registered asserts the client is active with its evidence kept as received.
func (w *world) registered(t *testing.T, c client.Client, st onboarding.Started, sig []byte) {
	t.Helper()
	if c.Status != client.Active || c.ActivatedAt.IsZero() {
		t.Fatalf("client status %s, want active", c.Status)
	}
	want := map[client.DocumentKind][]byte{client.RegistrationStatement: st.Statement, client.FacePhoto: jpegBytes}
	if sig != nil {
		want[client.StatementSignature] = sig
	}
	err := w.env.DB.Read(w.ctx, func(ctx context.Context, tx *store.Tx) error {
		infos, err := w.clients.Documents(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		for _, info := range infos {
			body, ok := want[info.Kind]
			if !ok {
				continue
			}
			doc, err := w.clients.OpenDocument(ctx, tx, info.ID)
			if err != nil {
				return err
			}
			if !bytes.Equal(doc.Content, body) {
				t.Errorf("document %s is not kept as received", info.Kind)
			}
			delete(want, info.Kind)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) > 0 {
		t.Fatalf("documents missing: %v", want)
	}
	if n := w.audited(t, "onboarding.registration_completed", st.ID); n != 1 {
		t.Fatalf("%d onboarding.registration_completed events, want 1", n)
	}
	if n := w.audited(t, "client.activated", c.ID); n != 1 {
		t.Fatalf("%d client.activated events, want 1", n)
	}
}

func TestR6_4_IndividualRegistersWithBiometricsAndEDS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		app := individual(client.Individual, personIIN, personPhone)
		st := w.begin(t, app)
		if len(st.Movements) < 3 || len(st.Movements) > 5 {
			t.Fatalf("%d movements issued, want 3–5 (R35)", len(st.Movements))
		}
		// The statement names the client's data and binds the photo by its digest.
		sum := sha256.Sum256(jpegBytes)
		for _, s := range []string{"ЗАЯВЛЕНИЕ О РЕГИСТРАЦИИ", "Аружан Тестовна Примерова", personIIN, personPhone, "N04455667",
			"2031-05-20", st.ID, st.BiometricSessionID, hex.EncodeToString(sum[:])} {
			if !strings.Contains(string(st.Statement), s) {
				t.Fatalf("statement lacks %q:\n%s", s, st.Statement)
			}
		}
		if n := w.count(t, `SELECT count(*) FROM client`); n != 0 {
			t.Fatalf("Begin wrote %d client rows", n)
		}
		w.perform(t, st, personIIN)
		sig := w.signAs(t, person(personIIN), st.Statement)
		c, err := w.complete(st, app, sig)
		if err != nil {
			t.Fatalf("complete: %v", err)
		}
		if c.Kind != client.Individual || c.IIN.String() != personIIN || c.Phone != personPhone {
			t.Fatalf("client %+v", c)
		}
		w.registered(t, c, st, sig)
		if n := w.count(t, `SELECT count(*) FROM client_document WHERE client_id = $1 AND kind = $2`, c.ID, string(onboarding.SignatureRevocationCheck)); n != 1 {
			t.Fatalf("%d revocation evidence documents, want 1 (R34)", n)
		}
		// A registration completes once.
		_, err = w.complete(st, app, sig)
		wantRefused(t, err, fault.ErrConflict, "flow_completed")
		if n := w.count(t, `SELECT count(*) FROM client`); n != 1 {
			t.Fatalf("%d clients after a repeated completion, want 1", n)
		}
	})
}

func TestR6_4_EntrepreneurRegistersWithoutEDS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		app := individual(client.Entrepreneur, personIIN, personPhone)
		st := w.begin(t, app)
		if !strings.Contains(string(st.Statement), "индивидуальный предприниматель") {
			t.Fatalf("statement does not name the kind:\n%s", st.Statement)
		}
		w.perform(t, st, personIIN)
		c, err := w.complete(st, app, nil)
		if err != nil {
			t.Fatalf("complete: %v", err)
		}
		if c.Kind != client.Entrepreneur {
			t.Fatalf("kind %s", c.Kind)
		}
		w.registered(t, c, st, nil)
		if n := w.count(t, `SELECT count(*) FROM client_document WHERE kind = $1`, string(client.StatementSignature)); n != 0 {
			t.Fatalf("%d signatures stored for an entrepreneur who signed nothing", n)
		}
	})
}

func TestR6_4_IndividualWithoutEDSRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		app := individual(client.Individual, personIIN, personPhone)
		st := w.begin(t, app)
		w.perform(t, st, personIIN)
		_, err := w.complete(st, app, nil)
		if !errors.Is(err, fault.ErrInvalid) {
			t.Fatalf("complete without EDS: %v, want a field error", err)
		}
		w.nothingRegistered(t)
		if n := w.audited(t, "onboarding.registration_refused", st.ID); n != 1 {
			t.Fatalf("%d refusal events, want 1", n)
		}
	})
}

func TestR6_2_LegalEntityRegistersWithSignatoryEDS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		app := legalEntity(signerIIN, personPhone)
		st := w.begin(t, app)
		for _, s := range []string{companyBIN, signerIIN, "подписанта", "приказ о назначении руководителя"} {
			if !strings.Contains(string(st.Statement), s) {
				t.Fatalf("statement lacks %q", s)
			}
		}
		w.perform(t, st, signerIIN)
		signer := ncasim.Identity{IIN: signerIIN, Surname: "ДИРЕКТОРОВ", Name: "ЕРЛАН", BIN: companyBIN,
			Organization: "ТОО «ТЕСТОВАЯ КОМПАНИЯ»", Roles: []eds.Role{eds.RoleHead}}
		// The signatory's personal certificate (no BIN, no role) does not sign for the entity.
		personal := w.signAs(t, person(signerIIN), st.Statement)
		_, err := w.complete(st, app, personal)
		if !errors.Is(err, fault.ErrForbidden) {
			t.Fatalf("personal certificate for a legal entity: %v, want refused", err)
		}
		w.nothingRegistered(t)
		sig := w.signAs(t, signer, st.Statement)
		c, err := w.complete(st, app, sig)
		if err != nil {
			t.Fatalf("complete: %v", err)
		}
		if c.Kind != client.LegalEntity || c.BIN.String() != companyBIN || c.IIN.String() != signerIIN {
			t.Fatalf("client %+v", c)
		}
		w.registered(t, c, st, sig)
	})
}

func TestR6_4_RevokedCertificateRefusedAndNothingRegistered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		app := individual(client.Individual, personIIN, personPhone)
		st := w.begin(t, app)
		w.perform(t, st, personIIN)
		cert, key := w.issue(t, person(personIIN), ncasim.Options{})
		if err := w.nca.Revoke(cert.SerialNumber, 1); err != nil {
			t.Fatal(err)
		}
		_, err := w.complete(st, app, w.sign(t, st.Statement, cert, key))
		wantRefused(t, err, fault.ErrForbidden, "eds_revoked")
		w.nothingRegistered(t)
		if n := w.audited(t, "onboarding.registration_refused", st.ID); n != 1 {
			t.Fatalf("%d refusal events, want 1", n)
		}
		// The biometric check that passed is not lost: a good signature completes the flow.
		c, err := w.complete(st, app, w.signAs(t, person(personIIN), st.Statement))
		if err != nil {
			t.Fatalf("complete with a good certificate: %v", err)
		}
		if c.Status != client.Active {
			t.Fatalf("status %s", c.Status)
		}
	})
}

func TestR6_4_ForeignIINCertificateRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		app := individual(client.Individual, personIIN, personPhone)
		st := w.begin(t, app)
		w.perform(t, st, personIIN)
		_, err := w.complete(st, app, w.signAs(t, person(strangerIIN), st.Statement))
		wantRefused(t, err, fault.ErrForbidden, "eds_subject_mismatch")
		w.nothingRegistered(t)
	})
}

func TestR6_4_SignatureOverDifferentBytesRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		app := individual(client.Individual, personIIN, personPhone)
		st := w.begin(t, app)
		w.perform(t, st, personIIN)
		altered := bytes.Replace(st.Statement, []byte(personPhone), []byte(otherPhone), 1)
		if bytes.Equal(altered, st.Statement) {
			t.Fatal("test did not alter the statement")
		}
		_, err := w.complete(st, app, w.signAs(t, person(personIIN), altered))
		wantRefused(t, err, fault.ErrForbidden, "eds_content_mismatch")
		w.nothingRegistered(t)

		// Nor may the application change between the calls: the statement would differ.
		swapped := app
		swapped.Phone = otherPhone
		_, err = w.complete(st, swapped, w.signAs(t, person(personIIN), st.Statement))
		wantRefused(t, err, fault.ErrForbidden, "statement_mismatch")
		photo := app
		photo.FacePhoto.Content = append(bytes.Clone(jpegBytes), 'x')
		_, err = w.complete(st, photo, w.signAs(t, person(personIIN), st.Statement))
		wantRefused(t, err, fault.ErrForbidden, "statement_mismatch")
		w.nothingRegistered(t)
	})
}

func TestR6_4_OCSPDownFallsBackToCRL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		app := individual(client.Individual, personIIN, personPhone)
		st := w.begin(t, app)
		w.perform(t, st, personIIN)
		w.ocsp.SetMode(sim.Fail)
		w.crl.SetMode(sim.Fail)
		// Both down: the revocation status is unknown and the signature refused (fail closed).
		_, err := w.complete(st, app, w.signAs(t, person(personIIN), st.Statement))
		wantRefused(t, err, fault.ErrForbidden, "eds_revocation_unknown")
		w.nothingRegistered(t)
		// The CRL back: it answers for the OCSP responder, and says "revoked" just as well.
		w.crl.SetMode(sim.Normal)
		cert, key := w.issue(t, person(personIIN), ncasim.Options{})
		if err := w.nca.Revoke(cert.SerialNumber, 1); err != nil {
			t.Fatal(err)
		}
		_, err = w.complete(st, app, w.sign(t, st.Statement, cert, key))
		wantRefused(t, err, fault.ErrForbidden, "eds_revoked")
		w.nothingRegistered(t)
		c, err := w.complete(st, app, w.signAs(t, person(personIIN), st.Statement))
		if err != nil {
			t.Fatalf("complete with OCSP down and the CRL up: %v", err)
		}
		var ct string
		if err := env.Admin.QueryRow(`SELECT content_type FROM client_document WHERE client_id = $1 AND kind = $2`,
			c.ID, string(onboarding.SignatureRevocationCheck)).Scan(&ct); err != nil {
			t.Fatal(err)
		}
		if ct != "application/pkix-crl" {
			t.Fatalf("revocation evidence %q, want the CRL kept", ct)
		}
	})
}

func TestR6_4_ExpiredRegistrationRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := setup(t, env)
		app := individual(client.Individual, personIIN, personPhone)
		st := w.begin(t, app)
		w.perform(t, st, personIIN)
		env.Clock.Advance(onboarding.DefaultFlowTTL)
		_, err := w.complete(st, app, w.signAs(t, person(personIIN), st.Statement))
		wantRefused(t, err, fault.ErrConflict, "flow_expired")
		w.nothingRegistered(t)
		// A fresh registration is possible: nothing of the expired one holds the IIN.
		env.Clock.Advance(time.Minute)
		st = w.begin(t, app)
		w.perform(t, st, personIIN)
		if _, err := w.complete(st, app, w.signAs(t, person(personIIN), st.Statement)); err != nil {
			t.Fatalf("second registration: %v", err)
		}
	})
}
