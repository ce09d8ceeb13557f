// Package config is Nesie's configuration: one typed struct filled from command-line flags
// and NESIE_… environment variables (flags win), with …_FILE variants for secrets, checked
// once at start-up and logged with the secrets masked. Nothing here is global: main builds a
// Config and hands its parts to whoever needs them.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Mode says whether Nesie runs as the demo or for real.
type Mode string

// The modes. The demo generates what it lacks (TLS certificate, audit key) and seeds a demo
// MFO; production generates nothing and refuses to start without what it needs.
const (
	Demo       Mode = "demo"
	Production Mode = "production"
)

// Config is everything `nesie serve` and the operator commands are told.
type Config struct {
	Mode Mode
	// Data is the directory of the embedded database and, in the demo, of generated keys.
	Data string
	// Addr is where HTTPS listens.
	Addr string
	// DatabaseURL selects PostgreSQL; empty means SQLite in Data.
	DatabaseURL string
	// AppRole is the PostgreSQL role `nesie migrate` grants the application's rights to.
	AppRole string

	TLSCertFile string
	TLSKeyFile  string

	AuditKeyFile            string
	AuditCheckpointFile     string
	AuditCheckpointEvery    int64
	AuditCheckpointInterval time.Duration

	LogLevel        slog.Level
	MaxBodyBytes    int64
	ShutdownTimeout time.Duration
	// TrustedProxies are the addresses whose X-Forwarded-For is believed.
	TrustedProxies []string

	// Data overrides for values tagged unconfirmed or changing yearly.
	MRPFile      string
	BanksFile    string
	CalendarFile string

	// VaultKeyFile holds the keys personal data is encrypted with (R37).
	VaultKeyFile string
	// ReceiptKeyFile holds the Ed25519 key the MFO signs the receipts of R12 with.
	ReceiptKeyFile string
	// Lending are the MFO's own lending rules; unset ones are the built-in rules.
	Lending Lending
	// Outside services; the demo starts simulators and ignores these.
	Outside Outside
}

// Outside are the addresses of the services Nesie reaches over the network.
type Outside struct {
	BiometricURL     string // ЦОИД / FinID
	BiometricKeyFile string // the provider's Ed25519 public key (PEM) its results are signed with
	OCSPURL          string
	CRLURLs          []string
	NCANodeURL       string // GOST signature verification
	EDSRootsFile     string // PEM: the НУЦ root and issuing CA certificates trusted for EDS
	SMSURL           string
	PhoneRegistryURL string
	BureauURL        string // the credit bureau
	BureauKeyFile    string // the bureau's Ed25519 public key (PEM) its reports are signed with
	BankURL          string // the bank / payment gateway of the payouts
}

// SQLitePath is the embedded database file.
func (c *Config) SQLitePath() string { return filepath.Join(c.Data, "nesie.db") }

// field binds one setting to its flag and environment variable.
type field struct {
	flag, env, usage string
	secret           bool
	set              func(string) error
	get              func() string
	def              string
}

func (c *Config) fields() []field {
	str := func(p *string) (func(string) error, func() string) {
		return func(s string) error { *p = s; return nil }, func() string { return *p }
	}
	var out []field
	add := func(flagName, env, def, usage string, secret bool, p *string) {
		set, get := str(p)
		out = append(out, field{flag: flagName, env: env, def: def, usage: usage, secret: secret, set: set, get: get})
	}
	addParsed := func(flagName, env, def, usage string, set func(string) error, get func() string) {
		out = append(out, field{flag: flagName, env: env, def: def, usage: usage, set: set, get: get})
	}
	addParsed("mode", "NESIE_MODE", string(Demo), "demo or production", func(s string) error {
		switch Mode(s) {
		case Demo, Production:
			c.Mode = Mode(s)
			return nil
		}
		return fmt.Errorf("want demo or production")
	}, func() string { return string(c.Mode) })
	add("data", "NESIE_DATA", "nesie-data", "data directory (embedded database, demo keys)", false, &c.Data)
	add("addr", "NESIE_ADDR", "127.0.0.1:8443", "HTTPS listen address HOST:PORT", false, &c.Addr)
	add("database-url", "NESIE_DATABASE_URL", "", "postgres://user:password@host:port/db (empty: embedded SQLite)", true, &c.DatabaseURL)
	add("app-role", "NESIE_APP_ROLE", "", "PostgreSQL role the application connects as (migrate grants it)", false, &c.AppRole)
	add("tls-cert", "NESIE_TLS_CERT_FILE", "", "TLS certificate PEM (demo: self-signed in the data directory)", false, &c.TLSCertFile)
	add("tls-key", "NESIE_TLS_KEY_FILE", "", "TLS private key PEM", false, &c.TLSKeyFile)
	add("audit-key", "NESIE_AUDIT_KEY_FILE", "", "Ed25519 key that signs audit checkpoints (default: DATA/audit-signing.key)", false, &c.AuditKeyFile)
	add("audit-checkpoints", "NESIE_AUDIT_CHECKPOINT_FILE", "", "append-only file of signed checkpoints (default: DATA/audit-checkpoints.log)", false, &c.AuditCheckpointFile)
	addParsed("audit-checkpoint-every", "NESIE_AUDIT_CHECKPOINT_EVERY", "1000", "sign a checkpoint after this many events", func(s string) error {
		var n int64
		if _, err := fmt.Sscan(s, &n); err != nil || n < 1 {
			return errors.New("want a whole number ≥ 1")
		}
		c.AuditCheckpointEvery = n
		return nil
	}, func() string { return fmt.Sprint(c.AuditCheckpointEvery) })
	addParsed("audit-checkpoint-interval", "NESIE_AUDIT_CHECKPOINT_INTERVAL", "1m", "sign a checkpoint at least this often", durationSetter(&c.AuditCheckpointInterval), func() string { return c.AuditCheckpointInterval.String() })
	addParsed("log-level", "NESIE_LOG_LEVEL", "info", "debug, info, warn or error", func(s string) error {
		return c.LogLevel.UnmarshalText([]byte(s))
	}, func() string { return c.LogLevel.String() })
	addParsed("max-body", "NESIE_MAX_BODY_BYTES", "1048576", "largest request body accepted, in bytes", func(s string) error {
		var n int64
		if _, err := fmt.Sscan(s, &n); err != nil || n < 1024 {
			return errors.New("want a whole number of bytes ≥ 1024")
		}
		c.MaxBodyBytes = n
		return nil
	}, func() string { return fmt.Sprint(c.MaxBodyBytes) })
	addParsed("shutdown-timeout", "NESIE_SHUTDOWN_TIMEOUT", "20s", "how long in-flight requests may finish at shutdown", durationSetter(&c.ShutdownTimeout), func() string { return c.ShutdownTimeout.String() })
	addParsed("trusted-proxies", "NESIE_TRUSTED_PROXIES", "", "comma-separated proxy addresses whose X-Forwarded-For is trusted", func(s string) error {
		c.TrustedProxies = nil
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				if net.ParseIP(p) == nil {
					return fmt.Errorf("%q is not an IP address", p)
				}
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
		}
		return nil
	}, func() string { return strings.Join(c.TrustedProxies, ",") })
	add("mrp-file", "NESIE_MRP_FILE", "", "МРП by year, lines 'YEAR AMOUNT', overriding the built-in table", false, &c.MRPFile)
	add("banks-file", "NESIE_BANKS_FILE", "", "CSV code,bic,name extending the built-in bank table", false, &c.BanksFile)
	add("calendar-file", "NESIE_CALENDAR_FILE", "", "government working-day transfers for the calendar", false, &c.CalendarFile)
	add("vault-key", "NESIE_VAULT_KEY_FILE", "", "keys personal data is encrypted with (default: DATA/vault.key)", false, &c.VaultKeyFile)
	add("receipt-key", "NESIE_RECEIPT_KEY_FILE", "", "Ed25519 key the MFO signs document receipts with (default: DATA/receipt-signing.key)", false, &c.ReceiptKeyFile)
	c.lendingFields(func(flagName, env, usage string, set func(string) error, get func() string) {
		addParsed(flagName, env, "", usage, set, get)
	})
	o := &c.Outside
	add("biometric-url", "NESIE_BIOMETRIC_URL", "", "ЦОИД biometric identification service", false, &o.BiometricURL)
	add("biometric-key", "NESIE_BIOMETRIC_KEY_FILE", "", "the biometric provider's public key (PEM)", false, &o.BiometricKeyFile)
	add("ocsp-url", "NESIE_OCSP_URL", "", "НУЦ OCSP responder", false, &o.OCSPURL)
	addParsed("crl-urls", "NESIE_CRL_URLS", "", "comma-separated НУЦ CRL addresses", func(s string) error {
		o.CRLURLs = nil
		for _, u := range strings.Split(s, ",") {
			if u = strings.TrimSpace(u); u != "" {
				o.CRLURLs = append(o.CRLURLs, u)
			}
		}
		return nil
	}, func() string { return strings.Join(o.CRLURLs, ",") })
	add("ncanode-url", "NESIE_NCANODE_URL", "", "NCANode service verifying GOST signatures", false, &o.NCANodeURL)
	add("eds-roots", "NESIE_EDS_ROOTS_FILE", "", "PEM file of the НУЦ certificates trusted for EDS", false, &o.EDSRootsFile)
	add("sms-url", "NESIE_SMS_URL", "", "SMS gateway", false, &o.SMSURL)
	add("phone-registry-url", "NESIE_PHONE_REGISTRY_URL", "", "mobile operator / eGov phone registry", false, &o.PhoneRegistryURL)
	add("bureau-url", "NESIE_BUREAU_URL", "", "credit bureau", false, &o.BureauURL)
	add("bureau-key", "NESIE_BUREAU_KEY_FILE", "", "the credit bureau's public key (PEM)", false, &o.BureauKeyFile)
	add("bank-url", "NESIE_BANK_URL", "", "bank / payment gateway for payouts", false, &o.BankURL)
	return out
}

func durationSetter(p *time.Duration) func(string) error {
	return func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return errors.New("want a positive duration such as 30s or 5m")
		}
		*p = d
		return nil
	}
}

// Load fills a Config for the command name from args and the environment (getenv, usually
// os.Getenv), applies defaults and validates it. Errors name the flag and the variable.
// The returned FlagSet holds the positional arguments left over; extra registers flags of the
// command's own (read them after Load returns).
func Load(name string, args []string, getenv func(string) string, extra ...func(*flag.FlagSet)) (*Config, *flag.FlagSet, error) {
	c := &Config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	for _, e := range extra {
		e(fs)
	}
	fields := c.fields()
	flagValues := map[string]*string{}
	for _, f := range fields {
		flagValues[f.flag] = fs.String(f.flag, "", f.usage+" ("+f.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return nil, fs, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, f := range fields {
		value, source := f.def, "default"
		if v, err := fromEnv(f, getenv); err != nil {
			return nil, fs, err
		} else if v != "" {
			value, source = v, "$"+f.env
		}
		if given[f.flag] {
			value, source = *flagValues[f.flag], "--"+f.flag
		}
		if err := f.set(value); err != nil {
			return nil, fs, fmt.Errorf("%s (%s): %w", "--"+f.flag, source, err)
		}
	}
	if err := c.finish(); err != nil {
		return nil, fs, err
	}
	return c, fs, nil
}

// fromEnv reads NAME or, for secrets, NAME_FILE (the file's content, trimmed); both set is
// an error, because one of them would be silently ignored.
func fromEnv(f field, getenv func(string) string) (string, error) {
	v := getenv(f.env)
	if !f.secret {
		return v, nil
	}
	file := getenv(f.env + "_FILE")
	if file == "" {
		return v, nil
	}
	if v != "" {
		return "", fmt.Errorf("both %s and %s_FILE are set; use one", f.env, f.env)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", f.env, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// finish derives defaults from other settings and checks the whole.
func (c *Config) finish() error {
	if c.Data == "" {
		return errors.New("--data (NESIE_DATA): must not be empty")
	}
	if c.AuditKeyFile == "" {
		c.AuditKeyFile = filepath.Join(c.Data, "audit-signing.key")
	}
	if c.AuditCheckpointFile == "" {
		c.AuditCheckpointFile = filepath.Join(c.Data, "audit-checkpoints.log")
	}
	if c.VaultKeyFile == "" {
		c.VaultKeyFile = filepath.Join(c.Data, "vault.key")
	}
	if c.ReceiptKeyFile == "" {
		c.ReceiptKeyFile = filepath.Join(c.Data, "receipt-signing.key")
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr (NESIE_ADDR): want HOST:PORT: %w", err)
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		// The host is in the authority, or for a server on this machine its socket directory
		// in ?host=/run/postgresql.
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || (u.Host == "" && !strings.HasPrefix(u.Query().Get("host"), "/")) {
			return errors.New("--database-url (NESIE_DATABASE_URL): want postgres://user:password@host:port/dbname, or postgres://user@/dbname?host=/socket/dir")
		}
	}
	if err := c.Lending.check(); err != nil {
		return err
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		return errors.New("--tls-cert and --tls-key (NESIE_TLS_CERT_FILE, NESIE_TLS_KEY_FILE): give both or neither")
	}
	if c.Mode == Production {
		var missing []string
		if c.TLSCertFile == "" {
			missing = append(missing, "--tls-cert/--tls-key (a certificate the clients trust)")
		}
		if c.DatabaseURL == "" {
			missing = append(missing, "--database-url (production runs on PostgreSQL)")
		}
		o := c.Outside
		for _, need := range []struct{ flag, v string }{
			{"--biometric-url", o.BiometricURL}, {"--biometric-key", o.BiometricKeyFile}, {"--ocsp-url", o.OCSPURL},
			{"--crl-urls", strings.Join(o.CRLURLs, ",")}, {"--ncanode-url", o.NCANodeURL}, {"--eds-roots", o.EDSRootsFile},
			{"--sms-url", o.SMSURL}, {"--phone-registry-url", o.PhoneRegistryURL},
			{"--bureau-url", o.BureauURL}, {"--bureau-key", o.BureauKeyFile}, {"--bank-url", o.BankURL},
		} {
			if need.v == "" {
				missing = append(missing, need.flag+" (production reaches the real service; there are no simulators)")
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("production mode needs %s", strings.Join(missing, " and "))
		}
	}
	return nil
}

// LogValue is the configuration as it may be logged: secrets masked, a database URL without
// its password.
func (c *Config) LogValue() slog.Value {
	var attrs []slog.Attr
	for _, f := range c.fields() {
		v := f.get()
		if f.secret && v != "" {
			v = maskSecret(f.flag, v)
		}
		attrs = append(attrs, slog.String(f.flag, v))
	}
	return slog.GroupValue(attrs...)
}

// maskSecret hides a secret; a URL keeps everything but its password so an operator can
// still see which database is meant.
func maskSecret(name, v string) string {
	if name == "database-url" {
		if u, err := url.Parse(v); err == nil && u.Host != "" {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "***")
			}
			return strings.Replace(u.String(), "%2A%2A%2A", "***", 1)
		}
	}
	return "***"
}
