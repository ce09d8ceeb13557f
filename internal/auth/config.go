package auth

import (
	"errors"
	"fmt"
	"time"
)

// Config tunes the service. DefaultConfig gives values fit for production; tests lower the
// hashing cost and the limits.
type Config struct {
	// Argon2 is the cost of hashing new passwords. Stored hashes carry their own parameters
	// and keep verifying after this changes; they are rehashed at the next login.
	Argon2 Argon2Params
	// MinPasswordLength is the shortest password accepted, in characters.
	MinPasswordLength int
	// CodeLifetime is how long a login or recovery challenge (its SMS code) stays valid.
	CodeLifetime time.Duration
	// CodeTries is how many wrong codes one challenge tolerates before it is spent.
	CodeTries int
	// LockAfter failures in a row lock the account for LockBase, doubled with each further
	// lock up to LockMax; a successful login resets both.
	LockAfter int
	LockBase  time.Duration
	LockMax   time.Duration
	// AccountLimit and IPLimit cap login and recovery attempts per account and per client
	// address within a fixed window.
	AccountLimit Limit
	IPLimit      Limit
	// SessionIdle ends a session unused for that long; SessionAbsolute ends any session that
	// old, used or not.
	SessionIdle     time.Duration
	SessionAbsolute time.Duration
	// ProofMaxAge is how old a passed biometric check may be when it opens a recovery.
	ProofMaxAge time.Duration
	// TOTPIssuer names the service in authenticator apps.
	TOTPIssuer string
}

// Limit allows Max attempts per Window.
type Limit struct {
	Max    int
	Window time.Duration
}

// DefaultConfig returns the production defaults.
func DefaultConfig() Config {
	return Config{
		Argon2:            DefaultArgon2(),
		MinPasswordLength: 10,
		CodeLifetime:      5 * time.Minute,
		CodeTries:         3,
		LockAfter:         5,
		LockBase:          time.Minute,
		LockMax:           24 * time.Hour,
		AccountLimit:      Limit{Max: 20, Window: time.Hour},
		// Generous: mobile operators put many clients behind one address.
		IPLimit:         Limit{Max: 100, Window: 15 * time.Minute},
		SessionIdle:     15 * time.Minute,
		SessionAbsolute: 12 * time.Hour,
		ProofMaxAge:     10 * time.Minute,
		TOTPIssuer:      "Nesie",
	}
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	if err := c.Argon2.validate(); err != nil {
		return err
	}
	var errs []error
	check := func(ok bool, name string) {
		if !ok {
			errs = append(errs, fmt.Errorf("auth config: %s must be positive", name))
		}
	}
	check(c.MinPasswordLength > 0, "MinPasswordLength")
	check(c.CodeLifetime > 0, "CodeLifetime")
	check(c.CodeTries > 0, "CodeTries")
	check(c.LockAfter > 0, "LockAfter")
	check(c.LockBase > 0, "LockBase")
	check(c.LockMax >= c.LockBase, "LockMax (at least LockBase)")
	check(c.AccountLimit.Max > 0 && c.AccountLimit.Window > 0, "AccountLimit")
	check(c.IPLimit.Max > 0 && c.IPLimit.Window > 0, "IPLimit")
	check(c.SessionIdle > 0, "SessionIdle")
	check(c.SessionAbsolute >= c.SessionIdle, "SessionAbsolute (at least SessionIdle)")
	check(c.ProofMaxAge > 0, "ProofMaxAge")
	return errors.Join(errs...)
}
