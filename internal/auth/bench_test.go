package auth

import (
	"fmt"
	"testing"
	"time"

	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// BenchmarkArgon2idHash is the cost of hashing one password with the production parameters
// (time 2, 64 MiB, 2 lanes) — and so of verifying one at login.
func BenchmarkArgon2idHash(b *testing.B) {
	p := DefaultArgon2()
	pw := NewPassword(goodPassword)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := hashPassword(pw, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPostgresLogin is a full login on PostgreSQL with the production hash: BeginLogin
// (rate limits, lock check, password verification, challenge, SMS hand-off) and CompleteLogin
// (code check, session). hash-ms/op is the password verification alone, measured before the
// loop; db-ms/op is the rest.
func BenchmarkPostgresLogin(b *testing.B) {
	env := storetest.New(b, store.Postgres)
	cfg := DefaultConfig()
	cfg.IPLimit.Max, cfg.AccountLimit.Max = 1<<30, 1<<30
	f := newFixture(b, env, cfg)
	a := f.client(b, "c-bench", "+77010000050", 50)

	var stored string
	if err := env.Admin.QueryRow(`SELECT password_hash FROM auth_account WHERE client_id = $1`, a.ClientID).Scan(&stored); err != nil {
		b.Fatal(err)
	}
	const samples = 5
	start := time.Now()
	for range samples {
		if ok, _, err := verifyPassword(NewPassword(goodPassword), stored, cfg.Argon2); !ok || err != nil {
			b.Fatal("verify", err)
		}
	}
	hash := time.Since(start) / samples

	b.ResetTimer()
	began := time.Now()
	for i := 0; b.Loop(); i++ {
		ch, err := f.svc.BeginLogin(f.ctx, LoginRequest{Login: a.Phone, Password: NewPassword(goodPassword), IP: fmt.Sprintf("10.0.%d.%d", i/250%250, i%250)})
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := f.svc.CompleteLogin(f.ctx, ch.ID, f.sms.lastCode(b, a.Phone)); err != nil {
			b.Fatal(err)
		}
	}
	per := time.Since(began) / time.Duration(b.N)
	b.ReportMetric(float64(hash.Microseconds())/1000, "hash-ms/op")
	b.ReportMetric(float64((per-hash).Microseconds())/1000, "db-ms/op")
}
