package audit

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"nesie.kz/nesie/internal/store"
)

// SealerConfig tunes the sealer.
type SealerConfig struct {
	// Key signs checkpoints.
	Key *Key
	// File receives a copy of every checkpoint.
	File *CheckpointFile
	// CheckpointEvery signs a checkpoint once this many events were sealed since the last
	// one (default 1000).
	CheckpointEvery int64
	// CheckpointInterval signs a checkpoint of any unsigned events at least this often
	// (default 1 minute), so a quiet system's tail is covered too.
	CheckpointInterval time.Duration
	// Poll is how often the sealer looks for events when nothing woke it (default 250 ms);
	// it matters when other nodes write events.
	Poll time.Duration
	// Batch is the most events sealed in one transaction (default 1000).
	Batch int
	// Gather is the pause after a sealing round that found less than a full batch, so that
	// the next round seals many events at once (default 20 ms).
	Gather time.Duration
	Log    *slog.Logger
}

// Sealer moves committed events from the inbox into the hash chain and signs checkpoints.
// Several nodes may run one each: a PostgreSQL advisory lock lets one seal at a time.
type Sealer struct {
	db   *store.DB
	cfg  SealerConfig
	wake chan struct{}

	mu       sync.Mutex // serialises sealing within this process
	lastSign time.Time
}

// NewSealer returns a sealer over db.
func NewSealer(db *store.DB, cfg SealerConfig) (*Sealer, error) {
	if cfg.Key == nil || cfg.File == nil {
		return nil, errors.New("audit sealer: a signing key and a checkpoint file are required")
	}
	if cfg.CheckpointEvery <= 0 {
		cfg.CheckpointEvery = 1000
	}
	if cfg.CheckpointInterval <= 0 {
		cfg.CheckpointInterval = time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 250 * time.Millisecond
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 1000
	}
	if cfg.Gather <= 0 {
		cfg.Gather = 20 * time.Millisecond
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Sealer{db: db, cfg: cfg, wake: make(chan struct{}, 1)}, nil
}

// Wake asks the sealer to run soon; it never blocks.
func (s *Sealer) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// sealLockKey is the PostgreSQL advisory lock held while sealing.
const sealLockKey = 7_301_205_002

// Run seals until ctx is cancelled, then seals what is left and signs a final checkpoint, so
// that a clean shutdown leaves no event outside a signed checkpoint.
func (s *Sealer) Run(ctx context.Context) error {
	if err := s.SyncFile(ctx); err != nil {
		s.cfg.Log.ErrorContext(ctx, "audit checkpoint file out of step", "err", err)
	}
	t := time.NewTicker(s.cfg.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final := context.WithoutCancel(ctx)
			_, err := s.SealAll(final)
			if err == nil {
				_, err = s.Checkpoint(final)
			}
			return err
		case <-s.wake:
		case <-t.C:
		}
		n, err := s.SealAll(ctx)
		if err != nil && ctx.Err() == nil {
			s.cfg.Log.ErrorContext(ctx, "audit sealing failed", "err", err)
			continue
		}
		// Let events gather before the next round unless a full batch is waiting: sealing
		// one event at a time would spend the database's time on the chain instead of on
		// the business. The events are durable in the inbox meanwhile.
		if n < s.cfg.Batch {
			select {
			case <-ctx.Done():
			case <-time.After(s.cfg.Gather):
			}
		}
		if s.db.Clock().Now().Sub(s.lastSign) >= s.cfg.CheckpointInterval {
			if _, err := s.Checkpoint(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Log.ErrorContext(ctx, "audit checkpoint failed", "err", err)
			}
		}
	}
}

// SealAll seals batches until the inbox is empty and returns how many events it sealed.
func (s *Sealer) SealAll(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.SealOnce(ctx)
		total += n
		if err != nil || n < s.cfg.Batch {
			return total, err
		}
	}
}

// SealOnce seals one batch of committed events and returns how many.
func (s *Sealer) SealOnce(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sealed int
	var signed *Checkpoint
	err := s.db.TransactWith(ctx, store.TxOptions{ReadCommitted: true}, func(ctx context.Context, tx *store.Tx) error {
		sealed, signed = 0, nil
		if err := lockChain(ctx, tx); err != nil {
			return err
		}
		// The chain's head, the inbox and the last checkpoint, read together in one round trip
		// (with the lock before them).
		var seq, last int64
		var prev []byte
		var pending []row
		var ids []int64
		if err := tx.QueryBatch(ctx, headQuery(&seq, &prev), pendingQuery(s.cfg.Batch, &pending, &ids), lastCheckpointQuery(&last)); err != nil {
			return err
		}
		if len(pending) == 0 {
			return nil
		}
		c := newChainer()
		for i := range pending {
			seq++
			r := &pending[i]
			r.Seq, r.SealedAt = seq, tx.Now().UnixMicro()
			r.Hash = bytes.Clone(c.next(prev, r))
			prev = r.Hash
		}
		if err := insertEvents(ctx, tx, pending); err != nil {
			return err
		}
		if err := deletePending(ctx, tx, ids); err != nil {
			return err
		}
		if seq-last >= s.cfg.CheckpointEvery {
			cp := s.cfg.Key.sign(seq, prev, tx.Now().UnixMicro())
			if err := insertCheckpoint(ctx, tx, cp); err != nil {
				return err
			}
			signed = &cp
		}
		sealed = len(pending)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("audit seal: %w", err)
	}
	if signed != nil {
		s.lastSign = s.db.Clock().Now()
		if err := s.cfg.File.Append(*signed); err != nil {
			return sealed, err
		}
	}
	return sealed, nil
}

// Checkpoint signs the current chain head if it is not signed yet and returns the checkpoint
// (nil when there was nothing new to sign).
func (s *Sealer) Checkpoint(ctx context.Context) (*Checkpoint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var signed *Checkpoint
	err := s.db.TransactWith(ctx, store.TxOptions{ReadCommitted: true}, func(ctx context.Context, tx *store.Tx) error {
		signed = nil
		if err := lockChain(ctx, tx); err != nil {
			return err
		}
		var seq, last int64
		var hash []byte
		if err := tx.QueryBatch(ctx, headQuery(&seq, &hash), lastCheckpointQuery(&last)); err != nil || seq == 0 || last == seq {
			return err
		}
		cp := s.cfg.Key.sign(seq, hash, tx.Now().UnixMicro())
		signed = &cp
		return insertCheckpoint(ctx, tx, cp)
	})
	if err != nil {
		return nil, fmt.Errorf("audit checkpoint: %w", err)
	}
	s.lastSign = s.db.Clock().Now()
	if signed != nil {
		if err := s.cfg.File.Append(*signed); err != nil {
			return signed, err
		}
	}
	return signed, nil
}

// SyncFile appends to the file the checkpoints the database has and the file lacks: a crash
// between committing a checkpoint and writing the file leaves exactly that gap.
func (s *Sealer) SyncFile(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	inFile, err := s.cfg.File.ReadAll()
	if err != nil && !errors.Is(err, ErrNoCheckpointFile) {
		return err
	}
	var after int64
	if len(inFile) > 0 {
		after = inFile[len(inFile)-1].Seq
	}
	var missing []Checkpoint
	err = s.db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		missing, err = checkpointsAfter(ctx, tx, after)
		return err
	})
	if err != nil {
		return err
	}
	ring := Keyring{s.cfg.Key.ID: s.cfg.Key.Public()}
	for _, c := range missing {
		if err := c.Verify(ring); err != nil {
			return fmt.Errorf("database checkpoint not copied to the file: %w", err)
		}
		if err := s.cfg.File.Append(c); err != nil {
			return err
		}
	}
	return nil
}

func lockChain(ctx context.Context, tx *store.Tx) error {
	if tx.Engine() != store.Postgres {
		return nil // SQLite has one writer at a time already
	}
	return tx.ExecDeferred(ctx, nil, `SELECT pg_advisory_xact_lock($1)`, sealLockKey)
}

// headQuery reads the chain's head into seq and hash (0 and the genesis hash when none), as
// one read of a batch.
func headQuery(seq *int64, hash *[]byte) store.Query {
	return store.Query{SQL: `SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1`, Row: func(one store.Row) error {
		err := one.Scan(seq, hash)
		if errors.Is(err, sql.ErrNoRows) {
			*seq, *hash = 0, genesis
			return nil
		}
		return err
	}}
}

// pendingQuery reads up to limit events of the inbox, oldest first, and their inbox ids.
func pendingQuery(limit int, out *[]row, ids *[]int64) store.Query {
	return store.Query{SQL: `SELECT id, occurred_at, actor_kind, actor_id, action, object_type, object_id,
		request_id, ip, details, change_digest FROM audit_pending ORDER BY id LIMIT $1`, Args: []any{limit},
		Rows: func(rows store.Rows) error {
			for rows.Next() {
				var id int64
				var r row
				if err := rows.Scan(&id, &r.OccurredAt, &r.ActorKind, &r.ActorID, &r.Action, &r.ObjectType, &r.ObjectID,
					&r.RequestID, &r.IP, &r.Details, &r.ChangeDigest); err != nil {
					return err
				}
				*out = append(*out, r)
				*ids = append(*ids, id)
			}
			return rows.Err()
		}}
}

// columns are rows turned into one array per column, for PostgreSQL's unnest.
type columns struct {
	seq, occurred, sealed                             []int64
	kind, actor, action, otype, oid, req, ip, details []string
	digest, hash                                      [][]byte
}

func columnsOf(rs []row) columns {
	n := len(rs)
	c := columns{seq: make([]int64, n), occurred: make([]int64, n), sealed: make([]int64, n),
		kind: make([]string, n), actor: make([]string, n), action: make([]string, n), otype: make([]string, n),
		oid: make([]string, n), req: make([]string, n), ip: make([]string, n), details: make([]string, n),
		digest: make([][]byte, n), hash: make([][]byte, n)}
	for i, r := range rs {
		c.seq[i], c.occurred[i], c.sealed[i] = r.Seq, r.OccurredAt, r.SealedAt
		c.kind[i], c.actor[i], c.action[i], c.otype[i], c.oid[i], c.req[i], c.ip[i], c.details[i] = r.ActorKind, r.ActorID, r.Action, r.ObjectType, r.ObjectID, r.RequestID, r.IP, r.Details
		c.digest[i], c.hash[i] = r.ChangeDigest, r.Hash
	}
	return c
}

// insertEvents appends sealed rows. PostgreSQL takes the whole batch in one statement from
// arrays; SQLite, in-process, takes a prepared insert per row just as fast.
func insertEvents(ctx context.Context, tx *store.Tx, rs []row) error {
	if tx.Engine() == store.Postgres {
		c := columnsOf(rs)
		return tx.ExecDeferred(ctx, nil, `INSERT INTO audit_event
			(seq, occurred_at, sealed_at, actor_kind, actor_id, action, object_type, object_id, request_id, ip, details, change_digest, hash)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
				$8::text[], $9::text[], $10::text[], $11::text[], $12::bytea[], $13::bytea[])`,
			c.seq, c.occurred, c.sealed, c.kind, c.actor, c.action, c.otype, c.oid, c.req, c.ip, c.details, c.digest, c.hash)
	}
	for _, r := range rs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_event
			(seq, occurred_at, sealed_at, actor_kind, actor_id, action, object_type, object_id, request_id, ip, details, change_digest, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			r.Seq, r.OccurredAt, r.SealedAt, r.ActorKind, r.ActorID, r.Action, r.ObjectType, r.ObjectID, r.RequestID, r.IP, r.Details, r.ChangeDigest, r.Hash); err != nil {
			return err
		}
	}
	return nil
}

// deletePending removes exactly the sealed inbox rows, by id: a range delete could take a
// row that committed after the batch was read, and that event would be lost.
func deletePending(ctx context.Context, tx *store.Tx, ids []int64) error {
	if tx.Engine() == store.Postgres {
		return tx.ExecDeferred(ctx, nil, `DELETE FROM audit_pending WHERE id = ANY($1::bigint[])`, ids)
	}
	var b strings.Builder
	b.WriteString("[")
	for i, id := range ids {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprint(&b, id)
	}
	b.WriteString("]")
	_, err := tx.ExecContext(ctx, `DELETE FROM audit_pending WHERE id IN (SELECT value FROM json_each($1))`, b.String())
	return err
}

// lastCheckpointQuery reads the last signed checkpoint's number (0 when none) into seq.
func lastCheckpointQuery(seq *int64) store.Query {
	return store.Query{SQL: `SELECT max(seq) FROM audit_checkpoint`, Row: func(one store.Row) error {
		var n sql.NullInt64
		err := one.Scan(&n)
		*seq = n.Int64
		return err
	}}
}

func insertCheckpoint(ctx context.Context, tx *store.Tx, c Checkpoint) error {
	return tx.ExecDeferred(ctx, nil, `INSERT INTO audit_checkpoint (seq, hash, signed_at, key_id, signature) VALUES ($1, $2, $3, $4, $5)`,
		c.Seq, c.Hash, c.SignedAt, c.KeyID, c.Signature)
}

func checkpointsAfter(ctx context.Context, tx *store.Tx, after int64) ([]Checkpoint, error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, hash, signed_at, key_id, signature FROM audit_checkpoint WHERE seq > $1 ORDER BY seq`, after)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Checkpoint
	for rows.Next() {
		var c Checkpoint
		if err := rows.Scan(&c.Seq, &c.Hash, &c.SignedAt, &c.KeyID, &c.Signature); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
