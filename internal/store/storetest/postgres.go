package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// AppRole is the unprivileged role tests connect as, the way production connects: it may
// not UPDATE or DELETE the audit trail.
const AppRole = "nesie_app"

const appPassword = "nesie-test"

// cluster is the PostgreSQL server this test process uses: a throwaway one it started
// itself, or the one NESIE_TEST_POSTGRES_URL names.
type cluster struct {
	adminURL string // a superuser (or CREATEDB+CREATEROLE) connection to the maintenance db
	host     string
	port     string
	// socketDir is the directory of the throwaway cluster's Unix socket, which the
	// application's connections use: the way Nesie reaches a PostgreSQL on its own machine,
	// without loopback TCP's cost on every round trip. Empty for an outside cluster.
	socketDir string
	stop      func()
	outside   bool // named by NESIE_TEST_POSTGRES_URL, not started here

	mu      sync.Mutex // serialises CREATE DATABASE … TEMPLATE, which PostgreSQL refuses concurrently
	created int
}

var (
	pgOnce    sync.Once
	pgCluster *cluster
	pgErr     error
)

// postgresCluster returns the shared cluster, starting it on first use.
func postgresCluster() (*cluster, error) {
	pgOnce.Do(func() {
		if u := os.Getenv("NESIE_TEST_POSTGRES_URL"); u != "" {
			pgCluster, pgErr = external(u)
		} else {
			pgCluster, pgErr = startThrowaway()
		}
		if pgErr == nil {
			pgErr = pgCluster.prepare()
		}
	})
	return pgCluster, pgErr
}

func external(raw string) (*cluster, error) {
	cfg, err := parseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("NESIE_TEST_POSTGRES_URL: %w", err)
	}
	return &cluster{adminURL: raw, host: cfg.host, port: cfg.port, outside: true}, nil
}

type urlParts struct{ host, port string }

func parseURL(raw string) (urlParts, error) {
	// postgres://user:pass@host:port/db?…
	rest, ok := strings.CutPrefix(raw, "postgres://")
	if !ok {
		rest, ok = strings.CutPrefix(raw, "postgresql://")
	}
	if !ok {
		return urlParts{}, errors.New("want postgres://user:password@host:port/dbname")
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		rest = rest[i+1:]
	}
	hostport, _, _ := strings.Cut(rest, "/")
	h, p, err := net.SplitHostPort(hostport)
	if err != nil {
		h, p = hostport, "5432"
	}
	return urlParts{host: h, port: p}, nil
}

// findBinary looks for a PostgreSQL server program on PATH and in Debian's versioned
// directory, where `apt-get install postgresql` puts it.
func findBinary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("%s not found on PATH nor in /usr/lib/postgresql/*/bin: install PostgreSQL (apt-get install postgresql) or set NESIE_TEST_POSTGRES_URL", name)
}

// startThrowaway runs initdb and pg_ctl in a temporary directory on a free loopback port.
// PostgreSQL refuses to run as root, so as root it runs as the postgres user.
func startThrowaway() (*cluster, error) {
	initdb, err := findBinary("initdb")
	if err != nil {
		return nil, err
	}
	pgctl, err := findBinary("pg_ctl")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "nesie-pg-")
	if err != nil {
		return nil, err
	}
	var asUser []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, errors.New("running as root, and there is no postgres user to run PostgreSQL as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			return nil, err
		}
		asUser = []string{runuser, "-u", "postgres", "--"}
	}
	run := func(args ...string) error {
		full := append(append([]string{}, asUser...), args...)
		out, err := exec.Command(full[0], full[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w\n%s", filepath.Base(args[0]), err, out)
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run(initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB", port, dir)
	if os.Getenv("NESIE_TEST_PG_FAST") == "1" {
		// Tests that do not measure speed may skip flushing to disk; the cluster is thrown
		// away anyway. Benchmarks run without this, durable like production.
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if err := run(pgctl, "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	stop := func() {
		_ = run(pgctl, "-D", data, "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	}
	return &cluster{
		adminURL: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port),
		host:     "127.0.0.1", port: strconv.Itoa(port), socketDir: dir, stop: stop,
	}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// prepare creates the application role.
func (c *cluster) prepare() error {
	admin, err := sql.Open("pgx", c.adminURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = admin.ExecContext(ctx, `DO $$ BEGIN
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '`+AppRole+`') THEN
			CREATE ROLE `+AppRole+` LOGIN PASSWORD '`+appPassword+`';
		END IF; END $$`)
	if err != nil {
		return fmt.Errorf("create role %s: %w", AppRole, err)
	}
	return nil
}

// dbURL returns the URL of database name for the superuser (admin) or the app role.
func (c *cluster) dbURL(name string, admin bool) string {
	if admin {
		base, _, _ := strings.Cut(c.adminURL, "?")
		i := strings.LastIndex(base, "/")
		return base[:i+1] + name + "?sslmode=disable"
	}
	if c.socketDir != "" {
		return fmt.Sprintf("postgres://%s:%s@/%s?host=%s&port=%s&sslmode=disable", AppRole, appPassword, name, url.QueryEscape(c.socketDir), c.port)
	}
	return fmt.Sprintf("postgres://%s:%s@%s:%s/%s?sslmode=disable", AppRole, appPassword, c.host, c.port, name)
}

// createDatabase creates a fresh, empty database and returns its name.
func (c *cluster) createDatabase(ctx context.Context, template string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.created++
	name := fmt.Sprintf("nesie_test_%d_%d", os.Getpid(), c.created)
	admin, err := sql.Open("pgx", c.adminURL)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	q := `CREATE DATABASE ` + name
	if template != "" {
		q += ` TEMPLATE ` + template
	}
	if _, err := admin.ExecContext(ctx, q); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return name, nil
}

// close ends this process's use of the cluster: a throwaway one is stopped and deleted; on
// an outside one, whose tests' databases each drop their own, the migrated template is
// dropped too, so that runs do not pile them up.
func (c *cluster) close(template string) {
	if c.stop != nil {
		c.stop()
	}
	if !c.outside || template == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.dropDatabase(ctx, template); err != nil {
		shout(fmt.Sprintf("storetest: drop the template database %s: %v", template, err))
	}
}

func (c *cluster) dropDatabase(ctx context.Context, name string) error {
	admin, err := sql.Open("pgx", c.adminURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	_, err = admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	return err
}
