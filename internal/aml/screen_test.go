package aml_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/aml"
	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const officer = "staff-aml-1"

func newService(t *testing.T, env *storetest.Env) *aml.Service {
	t.Helper()
	return aml.New(env.DB, audit.NewTrail(env.DB, nil), aml.DefaultConfig())
}

func load(t *testing.T, svc *aml.Service, listID string, format aml.Format, path string) aml.LoadSummary {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := svc.Load(context.Background(), officer, listID, format, f)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return s
}

func mustIIN(t *testing.T, s string) kz.IIN {
	t.Helper()
	n, err := kz.ParseIIN(s)
	if err != nil {
		t.Fatalf("test IIN %s: %v", s, err)
	}
	return n
}

// loaded is a service with the three test lists loaded.
func loaded(t *testing.T, env *storetest.Env) *aml.Service {
	svc := newService(t, env)
	load(t, svc, "afm-terror", aml.FormatAFM, "testdata/afm.xml")
	load(t, svc, "un-sc", aml.FormatUN, "testdata/un.xml")
	load(t, svc, "afm-tfs", aml.FormatCSV, "testdata/list.csv")
	return svc
}

func screen(t *testing.T, svc *aml.Service, s aml.Subject) aml.Result {
	t.Helper()
	r, err := svc.Screen(context.Background(), s)
	if err != nil {
		t.Fatalf("screen %+v: %v", s, err)
	}
	return r
}

func wantHit(t *testing.T, r aml.Result, ref, basis string) {
	t.Helper()
	if !r.Hit || len(r.Matches) == 0 || r.Matches[0].Ref != ref || r.Matches[0].Basis != basis {
		t.Errorf("want a hit on %s by %s, got %+v", ref, basis, r)
	}
}

func TestR8_1_LoadEachFormatAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		svc := newService(t, env)
		for _, c := range []struct {
			list   string
			format aml.Format
			path   string
			n      int
		}{{"afm-terror", aml.FormatAFM, "testdata/afm.xml", 4}, {"un-sc", aml.FormatUN, "testdata/un.xml", 3},
			{"afm-tfs", aml.FormatCSV, "testdata/list.csv", 2}} {
			s := load(t, svc, c.list, c.format, c.path)
			if s.Entries != c.n || len(s.SHA256) != 64 || s.Replaced != "" {
				t.Errorf("%s: summary %+v, want %d entries", c.list, s, c.n)
			}
			var n int
			var details string
			if err := env.Admin.QueryRow(`SELECT count(*) FROM aml_entry WHERE version_id = $1`, s.VersionID).Scan(&n); err != nil || n != c.n {
				t.Errorf("%s: %d stored entries (%v), want %d", c.list, n, err, c.n)
			}
			err := env.Admin.QueryRow(`SELECT details FROM audit_pending WHERE action = 'aml.list_loaded' AND object_id = $1
				UNION ALL SELECT details FROM audit_event WHERE action = 'aml.list_loaded' AND object_id = $1`, s.VersionID).Scan(&details)
			if err != nil || !strings.Contains(details, s.SHA256) {
				t.Errorf("%s: audit event %q (%v) lacks the file digest", c.list, details, err)
			}
		}
		r := screen(t, svc, aml.Subject{FullName: "Ivanov Petr"})
		if len(r.ListVersions) != 3 {
			t.Errorf("screened against %v, want the three lists", r.ListVersions)
		}
	})
}

// R8.1/R10: a person listed in Cyrillic is found when given in Latin, in either word order,
// with a typo; the IIN's birth date, matching the list's, raises the basis.
func TestR10_CyrillicListedPersonGivenInLatinIsHit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		svc := loaded(t, env)
		wantHit(t, screen(t, svc, aml.Subject{FullName: "Zhandos Kassymov"}), "1", aml.BasisName)
		wantHit(t, screen(t, svc, aml.Subject{FullName: "KASYMOV ZHANDOS"}), "1", aml.BasisName)
		wantHit(t, screen(t, svc, aml.Subject{FullName: "Qasymov Jandos Erlanuly"}), "1", aml.BasisName)
		wantHit(t, screen(t, svc, aml.Subject{FullName: "Zhandso Kasymov", BirthDate: date.Of(1977, 9, 12)}), "1", aml.BasisNameBirthDate)
		wantHit(t, screen(t, svc, aml.Subject{FullName: "Serikbaeva Aigerim"}), "2", aml.BasisName)
	})
}

func TestR10_LatinListedPersonGivenInCyrillicIsHit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		svc := loaded(t, env)
		wantHit(t, screen(t, svc, aml.Subject{FullName: "Хабибуллаев Юсуф"}), "QDi.990", aml.BasisName)
		wantHit(t, screen(t, svc, aml.Subject{FullName: "Хабибулаев Юсуф", BirthDate: date.Of(1970, 3, 14)}), "QDi.990", aml.BasisNameBirthDate)
		// A typo and the alias's spelling.
		wantHit(t, screen(t, svc, aml.Subject{FullName: "Юсеф Хабибулаев"}), "QDi.990", aml.BasisName)
		// Listed in Kazakh 2021 Latin with Cyrillic aliases, given in Cyrillic with a Kazakh letter.
		wantHit(t, screen(t, svc, aml.Subject{FullName: "Данияр Өмірзақов"}), "C-1", aml.BasisName)
		// A year of birth alone still raises the basis when it agrees.
		wantHit(t, screen(t, svc, aml.Subject{FullName: "Жаксылыков Тимур", BirthDate: date.Of(1975, 5, 5)}), "QDi.991", aml.BasisNameBirthDate)
	})
}

func TestR10_IINOnTheListIsHitWhateverTheName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		svc := loaded(t, env)
		r := screen(t, svc, aml.Subject{FullName: "Someone Else", IIN: mustIIN(t, "900615300785")})
		wantHit(t, r, "4", aml.BasisIIN)
		if r.Matches[0].ScorePermille != 1000 {
			t.Errorf("IIN match scored %d", r.Matches[0].ScorePermille)
		}
	})
}

func TestR8_1_DifferentBirthDateIsNotHit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		svc := loaded(t, env)
		// A namesake of the listed person, born on another day and with another IIN.
		for _, s := range []aml.Subject{
			{FullName: "Zhandos Kasymov", BirthDate: date.Of(1990, 6, 15)},
			{FullName: "Серикбаева Айгерим", IIN: mustIIN(t, "910711400229")},
			{FullName: "Yusuf Khabibullaev", IIN: mustIIN(t, "860101300116")},
			{FullName: "Kasymov Zhandos", IIN: mustIIN(t, "860101300116")},
		} {
			if r := screen(t, svc, s); r.Hit {
				t.Errorf("%+v: hit %+v", s, r.Matches)
			}
		}
	})
}

func TestR8_1_UnrelatedPeopleAreClear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		svc := loaded(t, env)
		for _, name := range []string{"Иванов Петр Сергеевич", "Zhandos Akhmetov", "Aigerim Nurlanova", "Timur Bekov"} {
			if r := screen(t, svc, aml.Subject{FullName: name}); r.Hit || r.Review {
				t.Errorf("%s: %+v", name, r)
			}
		}
	})
}

func TestR8_1_NoListLoadedIsUnavailable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		svc := newService(t, env)
		_, err := svc.Screen(context.Background(), aml.Subject{FullName: "Zhandos Kasymov"})
		var k *fault.Kinded
		if !errors.Is(err, fault.ErrUnavailable) || !errors.As(err, &k) || k.Code != "aml_lists_not_loaded" {
			t.Errorf("screen with no list: %v", err)
		}
		if loaded, err := svc.Loaded(context.Background()); err != nil || loaded {
			t.Errorf("Loaded with no list = %v, %v", loaded, err)
		}
		if _, err := svc.Load(context.Background(), officer, "afm-tfs", aml.FormatCSV, strings.NewReader("name;dob\nБекова Дина;1980-01-01\n")); err != nil {
			t.Fatal(err)
		}
		if loaded, err := svc.Loaded(context.Background()); err != nil || !loaded {
			t.Errorf("Loaded after a load = %v, %v", loaded, err)
		}
	})
}

func TestR8_1_ReloadReplacesTheList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		svc := newService(t, env)
		ctx := context.Background()
		first, err := svc.Load(ctx, officer, "afm-tfs", aml.FormatCSV, strings.NewReader("name;dob\nБекова Дина;1980-01-01\n"))
		if err != nil {
			t.Fatal(err)
		}
		if r := screen(t, svc, aml.Subject{FullName: "Dina Bekova"}); !r.Hit || r.ListVersions[0] != first.VersionID {
			t.Fatalf("before reload: %+v", r)
		}
		second, err := svc.Load(ctx, officer, "afm-tfs", aml.FormatCSV, strings.NewReader("name;dob\nОспанов Ерлан;1981-01-01\n"))
		if err != nil {
			t.Fatal(err)
		}
		if second.Replaced != first.VersionID {
			t.Errorf("replaced %q, want %q", second.Replaced, first.VersionID)
		}
		if r := screen(t, svc, aml.Subject{FullName: "Dina Bekova"}); r.Hit || r.Review || len(r.ListVersions) != 1 || r.ListVersions[0] != second.VersionID {
			t.Errorf("after reload, the removed person: %+v", r)
		}
		if r := screen(t, svc, aml.Subject{FullName: "Erlan Ospanov"}); !r.Hit {
			t.Errorf("after reload, the added person: %+v", r)
		}
		// A malformed file changes nothing.
		if _, err := svc.Load(ctx, officer, "afm-tfs", aml.FormatCSV, strings.NewReader("name;dob\nX Y;1981-02-30\n")); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("malformed file: %v", err)
		}
		if r := screen(t, svc, aml.Subject{FullName: "Erlan Ospanov"}); !r.Hit || r.ListVersions[0] != second.VersionID {
			t.Errorf("after a refused load: %+v", r)
		}
	})
}

func TestR8_1_LoadRefusesBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		svc := newService(t, env)
		ctx := context.Background()
		for _, c := range []struct{ actor, list, body string }{
			{officer, "", "name\nA B\n"},
			{officer, "Bad List", "name\nA B\n"},
			{"", "ok", "name\nA B\n"},
			{officer, "ok", "name\n"},
		} {
			if _, err := svc.Load(ctx, c.actor, c.list, aml.FormatCSV, strings.NewReader(c.body)); !errors.Is(err, fault.ErrInvalid) {
				t.Errorf("%+v: %v", c, err)
			}
		}
	})
}

// A Config naming only the thresholds keeps the birth-date penalty: a namesake born on
// another day is still not a hit.
func TestR8_1_ThresholdOnlyConfigKeepsBirthDatePenalty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		svc := aml.New(env.DB, audit.NewTrail(env.DB, nil), aml.Config{HitPermille: 900, ReviewPermille: 750})
		load(t, svc, "afm-terror", aml.FormatAFM, "testdata/afm.xml")
		if r := screen(t, svc, aml.Subject{FullName: "Zhandos Kasymov", BirthDate: date.Of(1990, 6, 15)}); r.Hit || !r.Review {
			t.Errorf("namesake: %+v", r)
		}
	})
}
