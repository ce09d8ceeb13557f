package product

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/legalcap"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// TestR8_1_1_FourEyesApproval: a version proposed by one staff member and approved by another
// becomes the active version of its code, with both recorded and audited.
func TestR8_1_1_FourEyesApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		p := f.propose(t, alice, consumer())
		if p.Status != Pending || p.Number != 1 || p.ProposedBy != alice || !p.ProposedAt.Equal(env.Clock.Now().Truncate(time.Microsecond)) {
			t.Fatalf("proposed = %+v", p)
		}
		f.read(t, func(ctx context.Context, tx *store.Tx) error {
			if _, err := f.svc.Active(ctx, tx, "consumer-12"); !errors.Is(err, fault.ErrNotFound) {
				t.Errorf("a pending version is already active: %v", err)
			}
			pend, err := f.svc.Pending(ctx, tx)
			if err != nil || len(pend) != 1 || pend[0].ID != p.ID {
				t.Errorf("pending = %+v, %v", pend, err)
			}
			return nil
		})
		env.Clock.Advance(time.Hour)
		a := f.approve(t, p.ID, bob)
		if a.Status != Active || a.DecidedBy != bob || a.ProposedBy != alice {
			t.Fatalf("approved = %+v", a)
		}
		f.read(t, func(ctx context.Context, tx *store.Tx) error {
			got, err := f.svc.Active(ctx, tx, "consumer-12")
			if err != nil {
				return err
			}
			// What was read equals what was proposed and returned, spec included.
			if got.ID != p.ID || got.Status != Active || got.DecidedBy != bob || !got.DecidedAt.Equal(a.DecidedAt) {
				t.Errorf("active = %+v", got)
			}
			if !specEqual(got.Spec, consumer()) {
				t.Errorf("spec read back = %+v, want %+v", got.Spec, consumer())
			}
			return nil
		})
		if f.events(t, "product.proposed") != 1 || f.events(t, "product.approved") != 1 {
			t.Error("proposal and approval not both audited")
		}
	})
}

// TestR8_1_1_ProposerCannotApprove: the proposer's own approval is refused with
// four_eyes_required and changes nothing; the database refuses it too, whatever writes it.
func TestR8_1_1_ProposerCannotApprove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		p := f.propose(t, alice, consumer())
		_, err := f.svc.Approve(f.ctx, p.ID, alice)
		wantCode(t, err, fault.ErrForbidden, "four_eyes_required")
		_, err = f.svc.Reject(f.ctx, p.ID, alice, "changed my mind")
		wantCode(t, err, fault.ErrForbidden, "four_eyes_required")
		f.read(t, func(ctx context.Context, tx *store.Tx) error {
			v, err := f.svc.Version(ctx, tx, p.ID)
			if err != nil || v.Status != Pending || v.DecidedBy != "" {
				t.Errorf("after refusals: %+v, %v", v, err)
			}
			return nil
		})
		if f.events(t, "product.approve_refused") != 1 || f.events(t, "product.approved") != 0 {
			t.Error("the refusal is not audited, or an approval is")
		}
		_, err = env.Admin.Exec(`UPDATE product_version SET status = 'active', decided_by = proposed_by, decided_at = 1 WHERE id = $1`, p.ID)
		if err == nil {
			t.Fatal("the database let the proposer approve their own version")
		}
	})
}

// TestR8_1_1_ProposalAboveCapsRefused: a product that would allow a loan above the caps is
// refused with the violation named, and nothing is written but the refusal's audit event.
func TestR8_1_1_ProposalAboveCapsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		s := consumer()
		s.AnnualRate = mustRate(t, "60")
		_, err := f.svc.Propose(f.ctx, alice, s)
		wantCode(t, err, fault.ErrInvalid, "product_above_legal_caps")
		var ce *CapsError
		if !errors.As(err, &ce) || len(ce.Breaches) == 0 || ce.Breaches[0].Code != legalcap.GESVAboveCap {
			t.Fatalf("cause = %v, want gesv_above_cap breaches", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM product_version`); n != 0 {
			t.Errorf("%d versions written", n)
		}
		if f.events(t, "product.propose_refused") != 1 {
			t.Error("refusal not audited")
		}
	})
}

// TestR8_1_1_ApprovalRechecksCaps: caps that tighten between proposal and approval refuse the
// approval. The book here moves the 46 % cap to 10 March 2026; the proposal on 2 March is
// judged by the 56 % cap, the approval on 12 March by 46 %.
func TestR8_1_1_ApprovalRechecksCaps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		vs := legalcap.DefaultBook().Versions()
		vs[1].From = vs[1].From.AddDays(267) // 16.06.2025 + 267 days = 10.03.2026
		if got := vs[1].From.String(); got != "2026-03-10" {
			t.Fatalf("moved cap starts %s", got)
		}
		book, err := legalcap.NewBook(vs)
		if err != nil {
			t.Fatal(err)
		}
		f := newFixtureWith(t, env, book)
		s := consumer()
		s.AnnualRate, s.UpfrontFee = mustRate(t, "42"), 0 // ГЭСВ about 51 %: above 46, below 56
		p := f.propose(t, alice, s)
		env.Clock.Advance(10 * 24 * time.Hour)
		_, err = f.svc.Approve(f.ctx, p.ID, bob)
		wantCode(t, err, fault.ErrInvalid, "product_above_legal_caps")
		f.read(t, func(ctx context.Context, tx *store.Tx) error {
			v, err := f.svc.Version(ctx, tx, p.ID)
			if err != nil || v.Status != Pending {
				t.Errorf("after refused approval: %+v, %v", v, err)
			}
			return nil
		})
	})
}

// TestNewVersionRetiresTheOld: approving version 2 retires version 1 in the same transaction;
// version 1 stays readable for the loans made under it.
func TestNewVersionRetiresTheOld(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		v1 := f.approve(t, f.propose(t, alice, consumer()).ID, bob)
		s := consumer()
		s.MaxAmount = 800_000_00
		p2 := f.propose(t, carol, s)
		if p2.Number != 2 {
			t.Fatalf("second version numbered %d", p2.Number)
		}
		env.Clock.Advance(time.Minute)
		f.approve(t, p2.ID, alice)
		f.read(t, func(ctx context.Context, tx *store.Tx) error {
			old, err := f.svc.Version(ctx, tx, v1.ID)
			if err != nil {
				return err
			}
			if old.Status != Retired || old.RetiredBy != alice || old.Reason != "replaced by version 2" || old.RetiredAt.IsZero() {
				t.Errorf("old version = %+v", old)
			}
			cur, err := f.svc.Active(ctx, tx, "consumer-12")
			if err != nil || cur.ID != p2.ID || cur.Spec.MaxAmount != 800_000_00 {
				t.Errorf("active = %+v, %v", cur, err)
			}
			return nil
		})
		if f.events(t, "product.retired") != 1 {
			t.Error("retirement not audited")
		}
	})
}

// TestOlderVersionCannotSupersedeNewer: with versions 2 and 3 pending, approving 3 and then 2
// would put the older terms back; the second approval is refused.
func TestOlderVersionCannotSupersedeNewer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		p1 := f.propose(t, alice, consumer())
		p2 := f.propose(t, alice, consumer())
		f.approve(t, p2.ID, bob)
		_, err := f.svc.Approve(f.ctx, p1.ID, bob)
		wantCode(t, err, fault.ErrConflict, "product_version_superseded")
	})
}

// TestRacingApprovalsKeepOneActive: two approvals of two versions of one code, and two
// approvals of one version, racing. At most one version of a code is ever active, one
// approval of the same version wins, and the partial unique index refuses a second active row
// even from raw SQL.
func TestRacingApprovalsKeepOneActive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		same := f.propose(t, alice, DemoSpecs()[1])
		a, b := f.propose(t, alice, consumer()), f.propose(t, alice, consumer())
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i, job := range []struct{ id, staff string }{{a.ID, bob}, {b.ID, carol}, {same.ID, bob}, {same.ID, carol}} {
			wg.Go(func() { _, errs[i] = f.svc.Approve(f.ctx, job.id, job.staff) })
		}
		wg.Wait()
		for _, err := range errs[:2] {
			if err != nil && !errors.Is(err, fault.ErrConflict) {
				t.Errorf("racing approval failed otherwise than by a conflict: %v", err)
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM product_version WHERE code = 'consumer-12' AND status = 'active'`); n != 1 {
			t.Errorf("%d active versions of consumer-12", n)
		}
		wins := 0
		for _, err := range errs[2:] {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, fault.ErrConflict):
				t.Errorf("the losing approval failed otherwise than by a conflict: %v", err)
			}
		}
		if wins != 1 {
			t.Errorf("%d approvals of one version won, want 1", wins)
		}
		c := f.propose(t, alice, consumer())
		_, err := env.Admin.Exec(`UPDATE product_version SET status = 'active', decided_by = $1, decided_at = 1
			WHERE id = $2`, carol, c.ID)
		if !store.IsUniqueViolation(err) {
			t.Fatalf("a second active version written by raw SQL: %v", err)
		}
	})
}

// TestRejectAndRetire: a second staff member rejects with a reason; retiring withdraws the
// active version; a version's spec cannot be edited in place.
func TestRejectAndRetire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		p := f.propose(t, alice, DemoSpecs()[2])
		_, err := f.svc.Reject(f.ctx, p.ID, bob, " ")
		wantField(t, err, "reason")
		r, err := f.svc.Reject(f.ctx, p.ID, bob, "rate too low for the risk")
		if err != nil || r.Status != Rejected || r.Reason != "rate too low for the risk" || r.DecidedBy != bob {
			t.Fatalf("rejected = %+v, %v", r, err)
		}
		_, err = f.svc.Approve(f.ctx, p.ID, carol)
		wantCode(t, err, fault.ErrConflict, "product_not_pending")

		v := f.approve(t, f.propose(t, alice, DemoSpecs()[2]).ID, bob)
		if err := f.svc.Retire(f.ctx, "business-36", carol, "withdrawn from sale"); err != nil {
			t.Fatal(err)
		}
		err = f.svc.Retire(f.ctx, "business-36", carol, "again")
		wantCode(t, err, fault.ErrNotFound, "product_not_found")
		f.read(t, func(ctx context.Context, tx *store.Tx) error {
			all, err := f.svc.ActiveAll(ctx, tx)
			if err != nil || len(all) != 0 {
				t.Errorf("active after retirement: %+v, %v", all, err)
			}
			got, err := f.svc.Version(ctx, tx, v.ID)
			if err != nil || got.Status != Retired || got.RetiredBy != carol || got.Reason != "withdrawn from sale" {
				t.Errorf("retired = %+v, %v", got, err)
			}
			_, err = f.svc.Version(ctx, tx, "no-such-id")
			wantCode(t, err, fault.ErrNotFound, "product_not_found")
			return nil
		})
		if _, err := env.Admin.Exec(`UPDATE product_version SET max_amount = max_amount + 1 WHERE id = $1`, v.ID); err == nil {
			t.Error("the spec of a version was edited in place")
		}
	})
}

// TestBadSpecRefusedNothingWritten: a bad field is named and nothing is written.
func TestBadSpecRefusedNothingWritten(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		s := consumer()
		s.MaxTerm = 1
		_, err := f.svc.Propose(f.ctx, alice, s)
		wantField(t, err, "max_term")
		_, err = f.svc.Propose(f.ctx, "", consumer())
		wantField(t, err, "staff_id")
		if n := f.count(t, `SELECT COUNT(*) FROM product_version`); n != 0 {
			t.Errorf("%d versions written", n)
		}
	})
}

// TestDemoProductsSeed: every demo product can be proposed and approved; ActiveAll lists them
// by code with their specs intact.
func TestDemoProductsSeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		for _, s := range DemoSpecs() {
			f.approve(t, f.propose(t, alice, s).ID, bob)
		}
		f.read(t, func(ctx context.Context, tx *store.Tx) error {
			all, err := f.svc.ActiveAll(ctx, tx)
			if err != nil {
				return err
			}
			want := map[string]Spec{}
			for _, s := range DemoSpecs() {
				want[s.Code] = s
			}
			if len(all) != len(want) {
				t.Fatalf("%d active, want %d", len(all), len(want))
			}
			for i, v := range all {
				if i > 0 && all[i-1].Code >= v.Code {
					t.Error("not ordered by code")
				}
				if !specEqual(v.Spec, want[v.Code]) {
					t.Errorf("%s read back as %+v", v.Code, v.Spec)
				}
			}
			return nil
		})
	})
}

func specEqual(a, b Spec) bool {
	a, b = a.normalised(), b.normalised()
	return a.Code == b.Code && a.NameRu == b.NameRu && a.NameKk == b.NameKk && a.Kind == b.Kind &&
		a.Secured == b.Secured && a.CreditLine == b.CreditLine && equalSlices(a.Borrowers, b.Borrowers) &&
		a.MinAmount == b.MinAmount && a.MaxAmount == b.MaxAmount && a.Unit == b.Unit &&
		a.MinTerm == b.MinTerm && a.MaxTerm == b.MaxTerm && a.AnnualRate == b.AnnualRate &&
		a.UpfrontFee == b.UpfrontFee && a.PeriodFee == b.PeriodFee && equalSlices(a.Methods, b.Methods) &&
		a.DayCount == b.DayCount && a.PenaltyDaily == b.PenaltyDaily
}

func equalSlices[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDatabaseGuardsTheSpec writes bad versions past Validate, straight through the insert:
// the database's CHECKs refuse each, on both engines.
func TestDatabaseGuardsTheSpec(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		for i, change := range []func(*Version){
			func(v *Version) { v.Code = "bad_code" },
			func(v *Version) { v.Code = "Bad" },
			func(v *Version) { v.Spec.MaxAmount = v.Spec.MinAmount - 1 },
			func(v *Version) { v.Spec.MaxTerm = v.Spec.MinTerm - 1 },
			func(v *Version) { v.Spec.Methods = nil },
			func(v *Version) { v.Spec.Borrowers = nil },
			func(v *Version) { v.Spec.UpfrontFee = -1 },
			func(v *Version) { v.Status = "approved" },
			func(v *Version) { v.Spec.NameKk = "" },
		} {
			v := Version{ID: "bad", Code: "consumer-12", Number: 1, Spec: consumer(), Status: Pending, ProposedBy: alice, ProposedAt: env.Clock.Now()}
			change(&v)
			err := env.DB.Transact(f.ctx, func(ctx context.Context, tx *store.Tx) error { return insertVersion(ctx, tx, v) })
			if err == nil {
				t.Errorf("case %d: the database stored %+v", i, v)
			}
		}
		// The good one goes in, so the failures above were the CHECKs.
		v := Version{ID: "good", Code: "a-1", Number: 1, Spec: consumer(), Status: Pending, ProposedBy: alice, ProposedAt: env.Clock.Now()}
		if err := env.DB.Transact(f.ctx, func(ctx context.Context, tx *store.Tx) error { return insertVersion(ctx, tx, v) }); err != nil {
			t.Fatal(err)
		}
	})
}

// Terms serves a version's spec, the same after the version is retired and without
// reading the database again; a version that does not exist is not found.
func TestTermsServeTheSpecOfAVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		f := newFixture(t, env)
		v1 := f.approve(t, f.propose(t, alice, consumer()).ID, bob)
		var first Version
		f.read(t, func(ctx context.Context, tx *store.Tx) error {
			var err error
			first, err = f.svc.Terms(ctx, tx, v1.ID)
			return err
		})
		if first.Spec.MaxAmount != consumer().MaxAmount || first.Code != "consumer-12" {
			t.Fatalf("terms = %+v", first)
		}
		s := consumer()
		s.MaxAmount = 800_000_00
		f.approve(t, f.propose(t, carol, s).ID, alice) // retires v1
		f.read(t, func(ctx context.Context, tx *store.Tx) error {
			again, err := f.svc.Terms(ctx, tx, v1.ID)
			if err != nil || again.Spec.MaxAmount != consumer().MaxAmount {
				t.Errorf("terms after retirement = %+v, %v", again, err)
			}
			if _, err := f.svc.Terms(ctx, tx, "no-such-version"); err == nil {
				t.Error("a version that does not exist was served")
			}
			return nil
		})
	})
}
