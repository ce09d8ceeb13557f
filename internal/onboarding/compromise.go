package onboarding

import (
	"context"
	"fmt"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
)

// BeginClearCompromise starts the fresh checks a client whose personal data leaked must pass
// (R36): a biometric session for the client. There is nothing to sign.
func (s *Service) BeginClearCompromise(ctx context.Context, clientID string) (Started, error) {
	id := newID()
	out, err := func() (Started, error) {
		c, err := s.compromised(ctx, clientID)
		if err != nil {
			return Started{}, err
		}
		sess, err := s.cfg.Biometrics.Start(ctx, c.IIN)
		if err != nil {
			return Started{}, err
		}
		return s.startFlow(ctx, flow{ID: id, Purpose: purposeCompromiseClearance, ClientID: c.ID, BiometricSessionID: sess.ID}, sess, nil)
	}()
	if err != nil {
		return Started{}, s.refused(ctx, "onboarding.compromise_clearance_refused", id, err)
	}
	return out, nil
}

// compromised loads a client marked as compromised.
func (s *Service) compromised(ctx context.Context, clientID string) (client.Client, error) {
	c, err := s.findClient(ctx, clientID)
	if err != nil {
		return client.Client{}, err
	}
	if !client.RequiresFreshVerification(c) {
		return client.Client{}, fault.New(fault.ErrConflict, "not_compromised", "The client is not marked as compromised.")
	}
	return c, nil
}

// ClearCompromise finishes the fresh checks of R36: the biometric check of this flow must pass
// for the client, and the phone registry must say that the client's registered phone belongs
// to their IIN. A registry that fails, times out or answers garbage refuses (fail closed);
// so does a "no". Then one transaction records the phone check and lifts the mark.
func (s *Service) ClearCompromise(ctx context.Context, clientID, flowID, biometricSessionID string) (client.Client, error) {
	c, err := s.clearCompromise(ctx, clientID, flowID, biometricSessionID)
	if err != nil {
		return client.Client{}, s.refused(ctx, "onboarding.compromise_clearance_refused", flowID, err)
	}
	return c, nil
}

func (s *Service) clearCompromise(ctx context.Context, clientID, flowID, biometricSessionID string) (client.Client, error) {
	f, err := s.openFlow(ctx, flowID, purposeCompromiseClearance, biometricSessionID)
	if err != nil {
		return client.Client{}, err
	}
	if clientID == "" || f.ClientID != clientID {
		// Another client's clearance is answered as unknown.
		return client.Client{}, errFlowNotFound
	}
	c, err := s.compromised(ctx, f.ClientID)
	if err != nil {
		return client.Client{}, err
	}
	check, err := s.passedCheck(ctx, f.BiometricSessionID, c.IIN)
	if err != nil {
		return client.Client{}, err
	}
	owner, err := s.cfg.Phones.Owns(ctx, c.Phone, c.IIN.String())
	if err != nil {
		return client.Client{}, fault.Wrap(fault.ErrUnavailable, "phone_registry_unavailable",
			"The phone registry cannot confirm your number right now; try again later.", err)
	}
	phoneCheckedAt := s.cfg.DB.Now()
	if !owner {
		return client.Client{}, fault.New(fault.ErrForbidden, "phone_not_owned",
			"The phone registry does not confirm that your phone number is registered to you; visit the office or call us.")
	}
	phone, _ := kz.ParsePhone(c.Phone)
	phoneCheckID := newID()
	var out client.Client
	err = s.cfg.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		if err := closeFlow(ctx, tx, f.ID, c.ID); err != nil {
			return err
		}
		// The registry gives no id of its answer; the audit event is the record of the check,
		// and its object id is what the client record refers to.
		if err := s.cfg.Trail.Record(ctx, tx, audit.Event{Action: "onboarding.phone_ownership_confirmed", ObjectType: "phone_ownership_check",
			ObjectID: phoneCheckID, Change: map[string]any{"client_id": c.ID, "phone": phone.Masked(), "iin": c.IIN.Masked(),
				"owner": true, "checked_at": phoneCheckedAt}}); err != nil {
			return err
		}
		var err error
		out, err = s.cfg.Clients.ClearCompromise(ctx, tx, c.ID, client.FreshVerificationProof{
			BiometricCheckID: check.ID, BiometricCheckedAt: check.ReceivedAt,
			PhoneOwnershipCheckID: phoneCheckID, PhoneCheckedAt: phoneCheckedAt})
		if err != nil {
			return err
		}
		return s.cfg.Trail.Record(ctx, tx, audit.Event{Action: "onboarding.compromise_cleared", ObjectType: "onboarding_flow", ObjectID: f.ID,
			Change: map[string]any{"client_id": c.ID, "biometric_check_id": check.ID, "phone_ownership_check_id": phoneCheckID}})
	})
	if err != nil {
		return client.Client{}, fmt.Errorf("clear compromise: %w", err)
	}
	return out, nil
}
