package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"nesie.kz/nesie/internal/config"
	"nesie.kz/nesie/internal/store"
)

// loadConfig parses a command's flags; on an error it prints it with the command's usage.
// ok is false when the caller should exit with code.
func (c *cli) loadConfig(name string, args []string, extra ...func(*flag.FlagSet)) (cfg *config.Config, fs *flag.FlagSet, code int, ok bool) {
	cfg, fs, err := config.Load(name, args, c.getenv, extra...)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(c.stdout, "usage: nesie %s [flags]\n\nflags:\n", name)
		fs.SetOutput(c.stdout)
		fs.PrintDefaults()
		return nil, nil, 0, false
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "nesie %s: %v\n(run \"nesie %s -h\" for the flags)\n", name, err, name)
		return nil, nil, 2, false
	}
	return cfg, fs, 0, true
}

// openStore opens the database cfg names: PostgreSQL by URL, or the SQLite file in the data
// directory (created with the directory when missing).
func (c *cli) openStore(ctx context.Context, cfg *config.Config) (*store.DB, error) {
	if cfg.DatabaseURL == "" {
		if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
	}
	return store.Open(ctx, store.Config{URL: cfg.DatabaseURL, SQLitePath: cfg.SQLitePath(), Clock: c.clock})
}

// describeDB names the database for messages, without credentials.
func describeDB(cfg *config.Config) string {
	if cfg.DatabaseURL == "" {
		return "SQLite " + cfg.SQLitePath()
	}
	u := cfg.DatabaseURL
	if i := strings.LastIndex(u, "@"); i >= 0 {
		u = "postgres://…@" + u[i+1:]
	}
	return "PostgreSQL " + u
}
