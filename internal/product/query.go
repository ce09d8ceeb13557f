package product

import (
	"context"

	"nesie.kz/nesie/internal/store"
)

// Active returns the active version of code, or fault.ErrNotFound "product_not_found".
func (s *Service) Active(ctx context.Context, tx *store.Tx, code string) (Version, error) {
	return oneVersion(ctx, tx, activeVersion, code)
}

// ActiveLookup is Active as one read of a batch (store.Tx.QueryBatch): into is set when the
// batch runs.
func (s *Service) ActiveLookup(code string, into *Version) store.Query {
	return oneVersionQuery(into, activeVersion, code)
}

const activeVersion = `WHERE code = $1 AND status = 'active'`

// ActiveAll returns the active version of every product, by code.
func (s *Service) ActiveAll(ctx context.Context, tx *store.Tx) ([]Version, error) {
	return queryVersions(ctx, tx, `WHERE status = 'active' ORDER BY code`)
}

// Version returns the version id whatever its status: a loan keeps the version it was made
// under. None is fault.ErrNotFound "product_not_found".
func (s *Service) Version(ctx context.Context, tx *store.Tx, id string) (Version, error) {
	return oneVersion(ctx, tx, `WHERE id = $1`, id)
}

// Terms returns version id for its terms — the spec, code and number, which never change
// once proposed — from memory after the first read. Its Status and decision fields are as
// they were then: read Version for those.
func (s *Service) Terms(ctx context.Context, tx *store.Tx, id string) (Version, error) {
	if v, ok := s.specs.Load(id); ok {
		return v.(Version), nil
	}
	v, err := s.Version(ctx, tx, id)
	if err != nil {
		return Version{}, err
	}
	s.specs.Store(id, v)
	return v, nil
}

// Pending returns the versions awaiting a second staff member, oldest first.
func (s *Service) Pending(ctx context.Context, tx *store.Tx) ([]Version, error) {
	return queryVersions(ctx, tx, `WHERE status = 'pending' ORDER BY proposed_at, code, number`)
}
