package loan

import (
	"context"
	"errors"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/store"
)

// refused records a refused act on loan id in a transaction of its own (the act's was rolled
// back) and returns err. The event carries the refusal's code, never the data.
func (s *Service) refused(ctx context.Context, action, id string, err error) error {
	err = s.alertTampered(ctx, err)
	ev := audit.Event{Action: action, ObjectType: "loan", ObjectID: id, Change: map[string]any{"code": fault.Code(err)}}
	if aerr := s.Trail.Refused(ctx, ev, err); aerr != nil {
		return errors.Join(err, aerr)
	}
	return err
}

// today is the Almaty calendar day of tx's instant.
func today(tx *store.Tx) date.Date { return date.In(tx.Now()) }
