package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/fault"
)

// deliver sends the challenge's SMS code, after the challenge has committed.
func (s *Service) deliver(ctx context.Context, ch challengeRow, code, phone string) (Challenge, error) {
	out := Challenge{ID: ch.id, Factor: ch.factor, ExpiresAt: time.UnixMicro(ch.expiresAt).UTC()}
	if ch.factor != FactorSMS {
		return out, nil
	}
	text := fmt.Sprintf("Nesie: код %s. Никому его не сообщайте. / Кодты ешкімге айтпаңыз.", code)
	if err := s.sms.Send(ctx, phone, text); err != nil {
		return Challenge{}, fault.Wrap(fault.ErrUnavailable, "sms_unavailable", "The code could not be sent; try again.", err)
	}
	out.SentTo = maskPhone(phone)
	return out, nil
}

// ignoreRefusal lets a refusal found while loading commit the transaction (nothing was
// written) and passes any other error on.
func ignoreRefusal(err error) error {
	if errors.Is(err, ErrChallengeUnknown) {
		return nil
	}
	return err
}

// refuse audits a refused operation in a transaction of its own, logs it without secrets, and
// returns the refusal.
func (s *Service) refuse(ctx context.Context, ev audit.Event, refusal error) error {
	s.log.InfoContext(ctx, "auth refused", slog.String("action", ev.Action), slog.String("client", ev.ObjectID), slog.String("reason", refusal.Error()))
	if err := s.trail.Refused(ctx, ev, refusal); err != nil {
		return errors.Join(refusal, fmt.Errorf("audit %s: %w", ev.Action, err))
	}
	return refusal
}
