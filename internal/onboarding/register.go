package onboarding

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
)

// errDryRun rolls back the transaction in which Begin tries the application on.
var errDryRun = errors.New("onboarding: dry run")

// validateApplication applies the client package's whole validation, duplicates included,
// by registering app in a transaction that is always rolled back: one set of rules, and a
// client learns that their IIN or phone is taken before performing any movement.
func (s *Service) validateApplication(ctx context.Context, app client.Application) (kz.IIN, error) {
	err := s.cfg.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		if _, err := s.cfg.Clients.Register(ctx, tx, app); err != nil {
			return err
		}
		return errDryRun
	})
	if !errors.Is(err, errDryRun) {
		if err == nil {
			err = errors.New("onboarding: dry run committed")
		}
		return kz.IIN{}, err
	}
	return kz.ParseIIN(app.Person.IIN)
}

// Begin starts a registration (R6.1–R6.4): it validates app (a fault.Field naming the field,
// or a conflict when the person, entity or phone is already a client), starts a biometric
// session for the person — a legal entity's signatory — and returns the statement to sign.
// Nothing about the client is stored: Complete receives the application again.
func (s *Service) Begin(ctx context.Context, app client.Application) (Started, error) {
	id := newID()
	out, err := s.begin(ctx, id, app)
	if err != nil {
		return Started{}, s.refused(ctx, "onboarding.registration_refused", id, err)
	}
	return out, nil
}

func (s *Service) begin(ctx context.Context, id string, app client.Application) (Started, error) {
	iin, err := s.validateApplication(ctx, app)
	if err != nil {
		return Started{}, err
	}
	sess, err := s.cfg.Biometrics.Start(ctx, iin)
	if err != nil {
		return Started{}, err
	}
	return s.startFlow(ctx, flow{ID: id, Purpose: purposeRegistration, BiometricSessionID: sess.ID}, sess,
		func(f flow) ([]byte, error) { return registrationStatement(f.ID, sess.ID, f.CreatedAt, app, iin) })
}

// startFlow records the flow with its statement's digest (render is nil for a flow that signs
// nothing), audits it, and returns what the client needs.
func (s *Service) startFlow(ctx context.Context, f flow, sess biometric.Session, render func(flow) ([]byte, error)) (Started, error) {
	var statement []byte
	err := s.cfg.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		f.CreatedAt = tx.Now()
		f.ExpiresAt = f.CreatedAt.Add(s.cfg.FlowTTL)
		f.StatementSHA256 = nil
		if render != nil {
			var err error
			if statement, err = render(f); err != nil {
				return err
			}
			sum := sha256.Sum256(statement)
			f.StatementSHA256 = sum[:]
		}
		if err := insertFlow(ctx, tx, f); err != nil {
			return err
		}
		change := map[string]any{"purpose": f.Purpose, "biometric_session_id": sess.ID, "expires_at": f.ExpiresAt}
		if f.ClientID != "" {
			change["client_id"] = f.ClientID
		}
		return s.cfg.Trail.Record(ctx, tx, audit.Event{Action: "onboarding.flow_started", ObjectType: "onboarding_flow", ObjectID: f.ID, Change: change})
	})
	if err != nil {
		return Started{}, err
	}
	out := Started{ID: f.ID, BiometricSessionID: sess.ID, ProviderSessionID: sess.ProviderSessionID, Movements: sess.Movements,
		BiometricExpiresAt: sess.ExpiresAt, ExpiresAt: f.ExpiresAt}
	if statement != nil {
		out.Statement, out.StatementContentType = statement, StatementContentType
	}
	return out, nil
}

// CompleteRequest completes a registration.
type CompleteRequest struct {
	RegistrationID     string
	BiometricSessionID string
	// Application is the application given to Begin, again; any difference is refused.
	Application client.Application
	// Signature is the CMS over Started.Statement made with the client's EDS (for a legal
	// entity, its signatory's); absent for an individual entrepreneur (R6.4).
	Signature []byte
}

// Complete finishes a registration: the biometric check must pass for the application's IIN
// (R6.3, R35), the EDS must verify over the exact statement (R6.4), and then one transaction
// registers and activates the client with its documents and the evidence. On any refusal no
// client exists; the refusal is audited.
func (s *Service) Complete(ctx context.Context, req CompleteRequest) (client.Client, error) {
	c, err := s.complete(ctx, req)
	if err != nil {
		return client.Client{}, s.refused(ctx, "onboarding.registration_refused", req.RegistrationID, err)
	}
	return c, nil
}

func (s *Service) complete(ctx context.Context, req CompleteRequest) (client.Client, error) {
	f, err := s.openFlow(ctx, req.RegistrationID, purposeRegistration, req.BiometricSessionID)
	if err != nil {
		return client.Client{}, err
	}
	app := req.Application
	iin, err := kz.ParseIIN(app.Person.IIN)
	if err != nil {
		return client.Client{}, fault.Field("person.iin", "%v", err)
	}
	statement, err := registrationStatement(f.ID, f.BiometricSessionID, f.CreatedAt, app, iin)
	if err != nil {
		return client.Client{}, err
	}
	if err := matchStatement(f, statement); err != nil {
		return client.Client{}, err
	}
	check, err := s.passedCheck(ctx, f.BiometricSessionID, iin)
	if err != nil {
		return client.Client{}, err
	}
	var ev eds.Evidence
	if app.Kind.NeedsEDS() || len(req.Signature) > 0 {
		want := eds.SignerExpectation{IIN: iin.String()}
		if app.Kind == client.LegalEntity {
			want.BIN = app.BIN
		}
		if ev, err = s.verifySignature(ctx, req.Signature, statement, want); err != nil {
			return client.Client{}, err
		}
	}
	var c client.Client
	err = s.cfg.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		if c, err = s.cfg.Clients.Register(ctx, tx, app); err != nil {
			return err
		}
		if err := closeFlow(ctx, tx, f.ID, c.ID); err != nil {
			return err
		}
		docs, err := s.storeSigned(ctx, tx, c.ID, client.RegistrationStatement, client.StatementSignature, statement, req.Signature, ev)
		if err != nil {
			return err
		}
		if c, err = s.cfg.Clients.Activate(ctx, tx, c.ID, client.Evidence{BiometricCheckID: check.ID, SignatureEvidenceID: docs.Signature}); err != nil {
			return err
		}
		return s.cfg.Trail.Record(ctx, tx, audit.Event{Action: "onboarding.registration_completed", ObjectType: "onboarding_flow", ObjectID: f.ID,
			Change: map[string]any{"client_id": c.ID, "kind": c.Kind, "biometric_check_id": check.ID,
				"statement_document_id": docs.Statement, "signature_document_id": docs.Signature,
				"revocation_document_id": docs.Revocation, "eds_backend": ev.Backend, "revocation_source": ev.Revocation.Source}})
	})
	if err != nil {
		return client.Client{}, fmt.Errorf("register: %w", err)
	}
	return c, nil
}
