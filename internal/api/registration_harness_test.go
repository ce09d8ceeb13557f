package api_test

import (
	"testing"
	"time"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/eds"
	"nesie.kz/nesie/internal/notify"
	"nesie.kz/nesie/internal/onboarding"
	"nesie.kz/nesie/internal/phonereg"
	"nesie.kz/nesie/internal/sim"
	"nesie.kz/nesie/internal/sim/ncasim"
	"nesie.kz/nesie/internal/sim/phonesim"
	"nesie.kz/nesie/internal/store/storetest"
)

// newOnboarding starts the НУЦ and phone-registry simulators and wires registration to them,
// as cmd/nesie does.
func newOnboarding(t *testing.T, w *world, env *storetest.Env, trail *audit.Trail, bio *biometric.Service, security *notify.Security) *onboarding.Service {
	t.Helper()
	nca, err := ncasim.New(ncasim.Config{Clock: env.Clock})
	if err != nil {
		t.Fatal(err)
	}
	ncaSrv, err := sim.Start("nca", "", nca.Handler())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ncaSrv.Close() })
	nca.SetBaseURL(ncaSrv.URL)
	w.nca, w.ncaSrv = nca, ncaSrv
	w.phones = phonesim.New()
	phoneSrv, err := sim.Start("phones", "", w.phones)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { phoneSrv.Close() })
	w.phoneSrv = phoneSrv

	trust, err := nca.Trust()
	if err != nil {
		t.Fatal(err)
	}
	rev, err := eds.NewHTTPRevocation(eds.HTTPRevocationConfig{OCSPURL: ncaSrv.URL + "/ocsp", CRLURLs: []string{ncaSrv.URL + "/crl"}})
	if err != nil {
		t.Fatal(err)
	}
	builtin, err := eds.NewBuiltin(eds.BuiltinConfig{Trust: trust, Revocation: rev, Clock: env.Clock})
	if err != nil {
		t.Fatal(err)
	}
	ncanode, err := eds.NewNCANode(eds.NCANodeConfig{URL: ncaSrv.URL, Clock: env.Clock})
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := eds.NewRouter(builtin, ncanode)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := onboarding.New(onboarding.Config{DB: env.DB, Trail: trail, Clients: w.clients, Biometrics: bio,
		Signatures: verifier, Phones: phonereg.New(phoneSrv.URL, 2*time.Second), Security: security})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}
