package audit

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"nesie.kz/nesie/internal/reqctx"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// fixture is a database with a trail, a sealer and the checkpoint file.
type fixture struct {
	env    *storetest.Env
	trail  *Trail
	sealer *Sealer
	key    *Key
	file   *CheckpointFile
}

func newFixture(t testing.TB, env *storetest.Env, checkpointEvery int64) *fixture {
	t.Helper()
	dir := t.TempDir()
	key, err := LoadOrCreateKey(filepath.Join(dir, "audit.key"))
	if err != nil {
		t.Fatal(err)
	}
	file := NewCheckpointFile(filepath.Join(dir, "checkpoints.log"))
	s, err := NewSealer(env.DB, SealerConfig{Key: key, File: file, CheckpointEvery: checkpointEvery})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{env: env, trail: NewTrail(env.DB, s.Wake), sealer: s, key: key, file: file}
}

func (f *fixture) record(t testing.TB, n int) {
	t.Helper()
	ctx := reqctx.With(context.Background(), reqctx.Info{RequestID: "req-1", IP: "192.0.2.7", Actor: reqctx.Actor{Kind: reqctx.Staff, ID: "staff-42"}})
	for i := 0; i < n; i++ {
		err := f.env.DB.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
			return f.trail.Record(ctx, tx, Event{Action: "test.changed", ObjectType: "thing", ObjectID: string(rune('a' + i%26)),
				Change: map[string]any{"i": i, "note": "значение"}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func (f *fixture) verify(t testing.TB) *Report {
	t.Helper()
	rep, err := Verify(context.Background(), f.env.DB, VerifyOptions{Keys: Keyring{f.key.ID: f.key.Public()}, File: f.file})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

func TestR32_TrailRecordsActorRequestAndSealsIntoAVerifiableChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, 4)
		for round := 0; round < 2; round++ {
			f.record(t, 5)
			n, err := f.sealer.SealAll(context.Background())
			if err != nil || n != 5 {
				t.Fatalf("sealed %d, %v", n, err)
			}
		}
		// Both batches crossed CheckpointEvery (4), so the head is signed already.
		if cp, err := f.sealer.Checkpoint(context.Background()); err != nil || cp != nil {
			t.Fatalf("checkpoint of an already signed head: %+v, %v", cp, err)
		}
		rep := f.verify(t)
		if !rep.Intact() || rep.Events != 10 || rep.HeadSeq != 10 || rep.LastCheckpoint != 10 || rep.Pending != 0 {
			t.Fatalf("report = %+v, problem %v", rep, rep.Problem)
		}
		cps, err := f.file.ReadAll()
		if err != nil || len(cps) != 2 || cps[0].Seq != 5 || cps[1].Seq != 10 {
			t.Fatalf("file checkpoints = %+v, %v", cps, err)
		}
		var kind, actor, req, ip, details string
		var occurred int64
		if err := env.Admin.QueryRow(`SELECT actor_kind, actor_id, request_id, ip, details, occurred_at FROM audit_event WHERE seq = 2`).
			Scan(&kind, &actor, &req, &ip, &details, &occurred); err != nil {
			t.Fatal(err)
		}
		if kind != "staff" || actor != "staff-42" || req != "req-1" || ip != "192.0.2.7" || occurred != storetest.Start.UnixMicro() {
			t.Fatalf("event 2 = %s %s %s %s at %d", kind, actor, req, ip, occurred)
		}
		if !strings.Contains(details, `"i":1`) || !strings.Contains(details, "значение") {
			t.Fatalf("details = %s", details)
		}
	})
}

func TestR32_EventRollsBackWithItsChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, 1000)
		boom := errors.New("boom")
		err := env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
			if err := f.trail.Record(ctx, tx, Event{Action: "test.changed"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if n, _ := f.sealer.SealAll(context.Background()); n != 0 {
			t.Fatalf("a rolled-back event was sealed (%d)", n)
		}
		err = env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
			return f.trail.Record(ctx, tx, Event{})
		})
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("an event without an action was accepted: %v", err)
		}
	})
}

func TestR32_RefusedOperationsAreAuditedAlthoughTheyRollBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, 1000)
		errRefused := errors.New("wrong password")
		ctx := reqctx.With(context.Background(), reqctx.Info{RequestID: "r-9", IP: "198.51.100.1", Actor: reqctx.Actor{Kind: reqctx.Anonymous}})
		err := f.trail.Do(ctx, Event{Action: "login.refused", ObjectType: "client", ObjectID: "c-1"},
			func(err error) bool { return errors.Is(err, errRefused) },
			func(ctx context.Context, tx *store.Tx) error {
				if err := f.trail.Record(ctx, tx, Event{Action: "login.succeeded"}); err != nil {
					return err
				}
				return errRefused
			})
		if !errors.Is(err, errRefused) {
			t.Fatal(err)
		}
		if _, err := f.sealer.SealAll(ctx); err != nil {
			t.Fatal(err)
		}
		var action, reason, kind string
		var n int
		if err := env.Admin.QueryRow(`SELECT count(*) FROM audit_event`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("events = %d, %v (want only the refusal)", n, err)
		}
		if err := env.Admin.QueryRow(`SELECT action, details, actor_kind FROM audit_event WHERE seq = 1`).Scan(&action, &reason, &kind); err != nil {
			t.Fatal(err)
		}
		if action != "login.refused" || !strings.Contains(reason, "wrong password") || kind != "anonymous" {
			t.Fatalf("refusal event = %s %s %s", action, reason, kind)
		}
	})
}

// TestR32_ConcurrentWritersLoseNoEvent has eight writers record while the sealer runs; every
// event ends in the chain exactly once and the chain verifies.
func TestR32_ConcurrentWritersLoseNoEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, 50)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- f.sealer.Run(ctx) }()
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f.record(t, 40)
			}()
		}
		wg.Wait()
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		rep := f.verify(t)
		if !rep.Intact() || rep.Events != 320 || rep.Pending != 0 || rep.LastCheckpoint != 320 {
			t.Fatalf("report = %+v, problem %v", rep, rep.Problem)
		}
	})
}

func TestR32_SyncFileRestoresACheckpointLostInACrash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, 1000)
		f.record(t, 3)
		if _, err := f.sealer.SealAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		// The checkpoint committed but the process died before writing the file.
		var cp Checkpoint
		err := env.DB.Transact(context.Background(), func(ctx context.Context, tx *store.Tx) error {
			var seq int64
			var hash []byte
			if err := tx.QueryBatch(ctx, headQuery(&seq, &hash)); err != nil {
				return err
			}
			cp = f.key.sign(seq, hash, tx.Now().UnixMicro())
			return insertCheckpoint(ctx, tx, cp)
		})
		if err != nil {
			t.Fatal(err)
		}
		if rep := f.verify(t); rep.Intact() {
			t.Fatal("a database checkpoint missing from the file went unnoticed")
		}
		if err := f.sealer.SyncFile(context.Background()); err != nil {
			t.Fatal(err)
		}
		if rep := f.verify(t); !rep.Intact() || rep.FileCheckpoints != 1 {
			t.Fatalf("after sync: %+v %v", rep, rep.Problem)
		}
	})
}

// TestR32_AppendFromManyWritersRecordsEveryEvent has 16 writers append on their own (group
// commit); every event is recorded exactly once and chains.
func TestR32_AppendFromManyWritersRecordsEveryEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env, 100)
		var wg sync.WaitGroup
		errs := make(chan error, 16*25)
		for w := 0; w < 16; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				ctx := reqctx.WithActor(context.Background(), reqctx.Actor{Kind: reqctx.Client, ID: string(rune('A' + w))})
				for i := 0; i < 25; i++ {
					errs <- f.trail.Append(ctx, Event{Action: "login.refused", ObjectType: "client", ObjectID: "x"})
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.sealer.SealAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		var n, actors int
		if err := env.Admin.QueryRow(`SELECT count(*), count(DISTINCT actor_id) FROM audit_event WHERE action = 'login.refused'`).Scan(&n, &actors); err != nil {
			t.Fatal(err)
		}
		if n != 400 || actors != 16 {
			t.Fatalf("events = %d from %d actors, want 400 from 16", n, actors)
		}
		if rep := f.verify(t); !rep.Intact() {
			t.Fatal(rep.Problem)
		}
		if err := f.trail.Append(context.Background(), Event{}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("an event without an action: %v", err)
		}
	})
}
