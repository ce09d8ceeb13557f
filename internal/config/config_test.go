package config

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAreTheDemo(t *testing.T) {
	c, _, err := Load("serve", nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Mode != Demo || c.Addr != "127.0.0.1:8443" || c.Data != "nesie-data" || c.DatabaseURL != "" {
		t.Fatalf("defaults = %+v", c)
	}
	if c.SQLitePath() != filepath.Join("nesie-data", "nesie.db") || c.AuditKeyFile != filepath.Join("nesie-data", "audit-signing.key") {
		t.Fatalf("derived paths = %s %s", c.SQLitePath(), c.AuditKeyFile)
	}
	if c.AuditCheckpointInterval != time.Minute || c.MaxBodyBytes != 1<<20 {
		t.Fatalf("parsed defaults = %v %d", c.AuditCheckpointInterval, c.MaxBodyBytes)
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	c, fs, err := Load("serve", []string{"--addr", "127.0.0.1:9000", "rest"}, env(map[string]string{
		"NESIE_ADDR": "127.0.0.1:1", "NESIE_DATA": "/srv/nesie",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.Data != "/srv/nesie" || fs.Arg(0) != "rest" {
		t.Fatalf("addr=%s data=%s args=%v", c.Addr, c.Data, fs.Args())
	}
}

func TestBadValuesNameTheSetting(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--addr", "nohostport"}, nil, "--addr"},
		{nil, map[string]string{"NESIE_MODE": "staging"}, "--mode ($NESIE_MODE)"},
		{[]string{"--database-url", "mysql://x"}, nil, "--database-url"},
		{[]string{"--database-url", "postgres://nesie@/nesie"}, nil, "--database-url"},
		{[]string{"--database-url", "postgres://nesie@/nesie?host=relative/dir"}, nil, "--database-url"},
		{[]string{"--tls-cert", "c.pem"}, nil, "--tls-key"},
		{[]string{"--mode", "production"}, nil, "production mode needs"},
		{nil, map[string]string{"NESIE_AUDIT_CHECKPOINT_INTERVAL": "-1s"}, "--audit-checkpoint-interval"},
		{nil, map[string]string{"NESIE_MAX_BODY_BYTES": "12"}, "--max-body"},
		{nil, map[string]string{"NESIE_LOG_LEVEL": "loud"}, "--log-level"},
		{nil, map[string]string{"NESIE_TRUSTED_PROXIES": "10.0.0.1,proxy"}, "--trusted-proxies"},
		{nil, map[string]string{"NESIE_DATABASE_URL": "postgres://a@b/c", "NESIE_DATABASE_URL_FILE": "/x"}, "both NESIE_DATABASE_URL"},
	}
	for _, c := range cases {
		_, _, err := Load("serve", c.args, env(c.env))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: err = %v, want it to mention %q", c.args, c.env, err, c.want)
		}
	}
}

func TestSecretFromFileAndMaskedInLogs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dburl")
	if err := os.WriteFile(path, []byte("postgres://nesie:s3cr3t-pw@db.internal:5432/nesie\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, _, err := Load("serve", nil, env(map[string]string{"NESIE_DATABASE_URL_FILE": path}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://nesie:s3cr3t-pw@db.internal:5432/nesie" {
		t.Fatalf("url = %q", c.DatabaseURL)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "config", c)
	out := buf.String()
	if strings.Contains(out, "s3cr3t") {
		t.Fatalf("the password reached the log: %s", out)
	}
	if !strings.Contains(out, "db.internal:5432") || !strings.Contains(out, "***") {
		t.Fatalf("masked url lost the host: %s", out)
	}
}

func TestDatabaseURLOverTheLocalSocket(t *testing.T) {
	const u = "postgres://nesie@/nesie?host=/run/postgresql&port=5432"
	c, _, err := Load("serve", []string{"--database-url", u}, env(nil))
	if err != nil || c.DatabaseURL != u {
		t.Fatalf("a socket URL: %q, %v", c.DatabaseURL, err)
	}
}

// The MFO's own lending rules are settings: unset they stay the built-in rules (nil), set
// they are parsed — sums in tenge as people write them — and a bad one names its flag.
func TestLendingRulesAreSettings(t *testing.T) {
	c, _, err := Load("serve", nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Lending != (Lending{}) {
		t.Fatalf("unset lending rules = %+v, want all built-in (nil)", c.Lending)
	}
	c, _, err = Load("serve", []string{"--dti-limit", "450", "--four-eyes-above", "1 000 000", "--risk-entrepreneur-medium", "true"},
		env(map[string]string{"NESIE_RISK_MEDIUM_ABOVE": "750000,50", "NESIE_RISK_HIGH_ABOVE": "3000000", "NESIE_OVERDUE_LIMIT_DAYS": "60"}))
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lending
	if *l.DTILimitPermille != 450 || *l.OverdueLimitDays != 60 || l.FourEyesAbove.Tiyn() != 100_000_000 ||
		l.RiskMediumAbove.Tiyn() != 75_000_050 || l.RiskHighAbove.Tiyn() != 300_000_000 || !*l.RiskEntrepreneurMedium {
		t.Fatalf("lending rules = %+v", l)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--dti-limit", "0"}, "--dti-limit"},
		{[]string{"--overdue-limit-days", "-1"}, "--overdue-limit-days"},
		{[]string{"--four-eyes-above", "-5"}, "--four-eyes-above"},
		{[]string{"--risk-high-above", "1,234.56"}, "--risk-high-above"},
		{[]string{"--risk-entrepreneur-medium", "sometimes"}, "--risk-entrepreneur-medium"},
		{[]string{"--risk-medium-above", "2000000", "--risk-high-above", "1000000"}, "--risk-medium-above (NESIE_RISK_MEDIUM_ABOVE) must not exceed --risk-high-above"},
	} {
		if _, _, err := Load("serve", bad.args, env(nil)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: err = %v, want it to name %q", bad.args, err, bad.want)
		}
	}
}
