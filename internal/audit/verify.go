package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/stdlib"

	"nesie.kz/nesie/internal/store"
)

// Problem is the first thing found wrong with the trail.
type Problem struct {
	Seq  int64  // the first bad event (for a cut tail: the first missing one)
	What string // what is wrong, in words
}

func (p *Problem) Error() string { return fmt.Sprintf("audit event %d: %s", p.Seq, p.What) }

// Report is what Verify found.
type Report struct {
	Events          int64  // sealed events read
	HeadSeq         int64  // last event number
	HeadHash        []byte // recomputed hash of the last event
	Checkpoints     int    // distinct signed checkpoints checked (file and database together)
	LastCheckpoint  int64  // the highest checkpointed event
	Pending         int64  // committed events not yet sealed into the chain
	FileCheckpoints int    // checkpoints found in the file
	Problem         *Problem
}

// Intact reports whether nothing was found wrong.
func (r *Report) Intact() bool { return r.Problem == nil }

// VerifyOptions say what to trust.
type VerifyOptions struct {
	// Keys are the public keys checkpoints may be signed with.
	Keys Keyring
	// File is the checkpoint file outside the database. Without it (nil, or not there) only
	// the checkpoints in the database are checked; that is reported as a problem when the
	// database has checkpoints, because the file is what survives a rewrite of the database.
	File *CheckpointFile
}

// Verify recomputes the whole trail: every event's change digest and chain hash, the event
// numbering, every checkpoint's signature, each checkpoint against the recomputed chain, and
// that no signed event is missing from the end. It returns an error only when it could not
// read; what it finds wrong is in Report.Problem.
func Verify(ctx context.Context, db *store.DB, opts VerifyOptions) (*Report, error) {
	rep := &Report{}
	if len(opts.Keys) == 0 {
		return nil, errors.New("audit verify: no public key to check checkpoints with")
	}
	signed, problem, removed, err := collectCheckpoints(ctx, db, opts, rep)
	if err != nil || problem != nil {
		rep.Problem = problem
		return rep, err
	}
	if err := db.Raw().QueryRowContext(ctx, `SELECT count(*) FROM audit_pending`).Scan(&rep.Pending); err != nil {
		return nil, fmt.Errorf("audit verify: %w", err)
	}
	rep.Problem, err = walkChain(ctx, db, signed, rep)
	if err != nil || rep.Problem != nil {
		return rep, err
	}
	if rep.LastCheckpoint > rep.HeadSeq {
		rep.Problem = &Problem{Seq: rep.HeadSeq + 1, What: fmt.Sprintf(
			"missing: the chain ends at event %d but a checkpoint was signed at event %d, so events %d to %d were removed",
			rep.HeadSeq, rep.LastCheckpoint, rep.HeadSeq+1, rep.LastCheckpoint)}
		return rep, nil
	}
	// Checked last, so that a cut tail is named by its first missing event even when the
	// attacker also removed the checkpoints that covered it from the database.
	rep.Problem = removed
	return rep, nil
}

// collectCheckpoints reads and checks the checkpoints of the file and of the database, and
// returns the signed hash for each checkpointed event. removed reports a checkpoint of the
// file that the database no longer has.
func collectCheckpoints(ctx context.Context, db *store.DB, opts VerifyOptions, rep *Report) (signed map[int64][]byte, problem, removed *Problem, err error) {
	signed = map[int64][]byte{}
	add := func(c Checkpoint, where string) *Problem {
		if err := c.Verify(opts.Keys); err != nil {
			return &Problem{Seq: c.Seq, What: where + ": " + err.Error()}
		}
		if h, ok := signed[c.Seq]; ok {
			if !bytes.Equal(h, c.Hash) {
				return &Problem{Seq: c.Seq, What: where + ": two signed checkpoints disagree on this event's hash"}
			}
			return nil // the database's copy of a checkpoint of the file
		}
		signed[c.Seq] = c.Hash
		rep.Checkpoints++
		rep.LastCheckpoint = max(rep.LastCheckpoint, c.Seq)
		return nil
	}
	var inFile []Checkpoint
	if opts.File != nil {
		inFile, err = opts.File.ReadAll()
		if err != nil && !errors.Is(err, ErrNoCheckpointFile) {
			return nil, nil, nil, err
		}
		rep.FileCheckpoints = len(inFile)
		var prevSeq int64
		for i, c := range inFile {
			if c.Seq <= prevSeq {
				return nil, &Problem{Seq: c.Seq, What: fmt.Sprintf("checkpoint file line %d goes back from event %d", i+1, prevSeq)}, nil, nil
			}
			prevSeq = c.Seq
			if p := add(c, fmt.Sprintf("checkpoint file line %d", i+1)); p != nil {
				return nil, p, nil, nil
			}
		}
	}
	var inDB []Checkpoint
	err = db.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		inDB, err = checkpointsAfter(ctx, tx, 0)
		return err
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("audit verify: %w", err)
	}
	dbSeqs := map[int64]bool{}
	for _, c := range inDB {
		dbSeqs[c.Seq] = true
		if p := add(c, "database checkpoint"); p != nil {
			return nil, p, nil, nil
		}
	}
	if len(inFile) == 0 && len(inDB) > 0 {
		return nil, &Problem{Seq: inDB[0].Seq, What: "the checkpoint file outside the database is missing or empty while the database holds checkpoints"}, nil, nil
	}
	for _, c := range inFile {
		if !dbSeqs[c.Seq] {
			return signed, nil, &Problem{Seq: c.Seq, What: "the checkpoint signed at this event is in the file but was removed from the database"}, nil
		}
	}
	return signed, nil, nil, nil
}

// eventColumns are read by the verifier in this order.
const eventColumns = `seq, occurred_at, sealed_at, actor_kind, actor_id, action, object_type,
	object_id, request_id, ip, details, change_digest, hash`

// walker recomputes the chain one event at a time.
type walker struct {
	c          *chainer
	prev       []byte
	lastSigned int64 // the previous checkpoint, to say where a rewrite may have begun
	signed     map[int64][]byte
	rep        *Report
}

// walkChain streams the events in order and recomputes them. On PostgreSQL it reads the raw
// binary column values straight off the wire: decoding them into Go values first cost more
// than hashing them.
func walkChain(ctx context.Context, db *store.DB, signed map[int64][]byte, rep *Report) (*Problem, error) {
	w := &walker{c: newChainer(), prev: bytes.Clone(genesis), signed: signed, rep: rep}
	var problem *Problem
	var err error
	if db.Engine() == store.Postgres {
		problem, err = w.walkPostgres(ctx, db)
	} else {
		problem, err = w.walkSQL(ctx, db)
	}
	if err != nil || problem != nil {
		return problem, err
	}
	rep.HeadHash = w.prev
	return nil, nil
}

func (w *walker) walkSQL(ctx context.Context, db *store.DB) (*Problem, error) {
	rows, err := db.Raw().QueryContext(ctx, `SELECT `+eventColumns+` FROM audit_event ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("audit verify: %w", err)
	}
	defer rows.Close()
	var seq, occ, sealed int64
	var raw [10]sql.RawBytes // the 9 fields and the stored hash, reused without allocation
	var f [9][]byte
	for rows.Next() {
		if err := rows.Scan(&seq, &occ, &sealed, &raw[0], &raw[1], &raw[2], &raw[3], &raw[4], &raw[5], &raw[6], &raw[7], &raw[8], &raw[9]); err != nil {
			return nil, fmt.Errorf("audit verify: event after %d: %w", w.rep.HeadSeq, err)
		}
		for i := range f {
			f[i] = raw[i]
		}
		if p := w.step(seq, occ, sealed, &f, raw[9]); p != nil {
			return p, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit verify: %w", err)
	}
	return nil, nil
}

func (w *walker) walkPostgres(ctx context.Context, db *store.DB) (*Problem, error) {
	conn, err := db.Raw().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit verify: %w", err)
	}
	defer conn.Close()
	var problem *Problem
	err = conn.Raw(func(driverConn any) error {
		pc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", driverConn)
		}
		rr := pc.Conn().PgConn().ExecParams(ctx, `SELECT `+eventColumns+` FROM audit_event ORDER BY seq`, nil, nil, nil, []int16{1})
		var f [9][]byte
		for rr.NextRow() {
			v := rr.Values()
			if len(v) != 13 || len(v[0]) != 8 || len(v[1]) != 8 || len(v[2]) != 8 {
				rr.Close()
				return fmt.Errorf("event after %d: unexpected row shape", w.rep.HeadSeq)
			}
			copy(f[:], v[3:12])
			seq := int64(binary.BigEndian.Uint64(v[0]))
			if problem = w.step(seq, int64(binary.BigEndian.Uint64(v[1])), int64(binary.BigEndian.Uint64(v[2])), &f, v[12]); problem != nil {
				break
			}
		}
		_, err := rr.Close()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("audit verify: %w", err)
	}
	return problem, nil
}

// step checks one event: its number follows the previous one, its details match their
// digest, its hash matches the recomputed one, and a checkpoint signed at it agrees.
func (w *walker) step(seq, occ, sealed int64, f *[9][]byte, stored []byte) *Problem {
	want := w.rep.HeadSeq + 1
	switch {
	case seq > want:
		return &Problem{Seq: want, What: fmt.Sprintf("missing: the chain jumps from event %d to event %d", w.rep.HeadSeq, seq)}
	case seq < want:
		return &Problem{Seq: seq, What: fmt.Sprintf("out of order: event %d appears again after event %d", seq, w.rep.HeadSeq)}
	}
	if d := sha256.Sum256(f[7]); !bytes.Equal(d[:], f[8]) {
		return &Problem{Seq: seq, What: "changed: its details do not match their digest"}
	}
	h := w.c.nextFields(w.prev, seq, occ, sealed, f)
	if !bytes.Equal(h, stored) {
		return &Problem{Seq: seq, What: "changed: its content does not match its hash (the row was altered, inserted or moved)"}
	}
	if sh, ok := w.signed[seq]; ok {
		if !bytes.Equal(sh, h) {
			return &Problem{Seq: w.lastSigned + 1, What: fmt.Sprintf(
				"rewritten: the chain up to event %d differs from the checkpoint signed at that event; the rewrite begins at or after event %d",
				seq, w.lastSigned+1)}
		}
		w.lastSigned = seq
	}
	w.prev = append(w.prev[:0], h...)
	w.rep.HeadSeq = seq
	w.rep.Events++
	return nil
}
