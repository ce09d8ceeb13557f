package aml

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
)

// Subject is the person (or organisation) screened.
type Subject struct {
	// FullName as the client gave it, in any order and script; Aliases any other names
	// (a former surname, the name as spelled in a passport).
	FullName string
	Aliases  []string
	// BirthDate is the date of birth; the zero value (1970-01-01) is taken as unknown, and
	// the IIN's date is used instead.
	BirthDate date.Date
	IIN       kz.IIN
	// BIN is an organisation's identifier, when the subject is one.
	BIN kz.BIN
}

// The bases of a match.
const (
	BasisIIN           = "iin"
	BasisBIN           = "bin"
	BasisNameBirthDate = "name+birthdate"
	BasisName          = "name"
)

// Match is one list entry the subject resembles.
type Match struct {
	ListID, Ref, EntryName string
	ScorePermille          int
	// Basis is what matched: BasisIIN, BasisBIN, BasisNameBirthDate or BasisName.
	Basis string
}

// Result is the outcome of a screening.
type Result struct {
	// Hit: a match at or above the hit threshold; the client is refused (R10).
	Hit bool
	// Review: no hit but a match in the review band; staff decide.
	Review bool
	// Matches at or above the review threshold, best first.
	Matches []Match
	// ListVersions are the ids of the list versions screened against, one per list, sorted:
	// the evidence of what the client was checked with.
	ListVersions []string
}

// LoadSummary describes a loaded list version.
type LoadSummary struct {
	ListID, VersionID string
	Format            Format
	Entries           int
	// SHA256 is the hex digest of the file as received.
	SHA256 string
	// Replaced is the version that was active before, empty for a list's first load.
	Replaced string
}

// Service loads the lists and screens subjects against them.
type Service struct {
	db    *store.DB
	trail *audit.Trail
	cfg   Config

	mu    sync.Mutex
	cache map[string]*compiled // by version id; only active versions are kept
}

// New returns the screening service.
func New(db *store.DB, trail *audit.Trail, cfg Config) *Service {
	return &Service{db: db, trail: trail, cfg: cfg.withDefaults(), cache: map[string]*compiled{}}
}

// Load parses a list file and makes it listID's active version, replacing the previous one
// in the same transaction, audited with the entry count and the file's SHA-256. A file that
// does not parse, or holds no entries, changes nothing.
func (s *Service) Load(ctx context.Context, actor, listID string, format Format, r io.Reader) (LoadSummary, error) {
	if err := checkListID(listID); err != nil {
		return LoadSummary{}, err
	}
	if strings.TrimSpace(actor) == "" {
		return LoadSummary{}, fault.Field("actor", "is required")
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return LoadSummary{}, fmt.Errorf("read list file: %w", err)
	}
	if len(data) > maxFileBytes {
		return LoadSummary{}, fault.Field("file", "is larger than %d MiB", maxFileBytes>>20)
	}
	entries, err := Parse(format, bytes.NewReader(data))
	if err != nil {
		return LoadSummary{}, fault.Wrap(fault.ErrInvalid, "aml_list_malformed", "The list file does not parse: "+err.Error(), err)
	}
	if len(entries) == 0 {
		return LoadSummary{}, fault.Field("file", "holds no entries")
	}
	sum := sha256.Sum256(data)
	summary := LoadSummary{ListID: listID, VersionID: newID(), Format: format, Entries: len(entries),
		SHA256: hex.EncodeToString(sum[:])}
	err = s.db.Transact(ctx, func(ctx context.Context, tx *store.Tx) error {
		replaced, err := replaceVersion(ctx, tx, summary, actor, sum[:], entries)
		if err != nil {
			return err
		}
		summary.Replaced = replaced
		return s.trail.Record(ctx, tx, audit.Event{Action: "aml.list_loaded", ObjectType: "aml_list_version",
			ObjectID: summary.VersionID, Reason: "list " + listID + " loaded",
			Change: map[string]any{"list_id": listID, "format": string(format), "entries": len(entries),
				"sha256": summary.SHA256, "replaced": replaced, "loaded_by": actor}})
	})
	if err != nil {
		return LoadSummary{}, err
	}
	return summary, nil
}

// Screen checks subj against the active version of every list. With no list loaded it
// fails closed: fault.ErrUnavailable "aml_lists_not_loaded".
func (s *Service) Screen(ctx context.Context, subj Subject) (Result, error) {
	if strings.TrimSpace(subj.FullName) == "" && subj.IIN.IsZero() && subj.BIN.IsZero() {
		return Result{}, fault.Field("full_name", "is required")
	}
	lists, err := s.active(ctx)
	if err != nil {
		return Result{}, err
	}
	p := prepare(subj)
	res := Result{}
	for _, c := range lists {
		res.ListVersions = append(res.ListVersions, c.versionID)
		for _, m := range c.screen(p, s.cfg, s.cfg.ReviewPermille) {
			res.Matches = append(res.Matches, m)
			if m.ScorePermille >= s.cfg.HitPermille {
				res.Hit = true
			}
		}
	}
	res.Review = !res.Hit && len(res.Matches) > 0
	sort.Strings(res.ListVersions)
	sort.SliceStable(res.Matches, func(i, j int) bool {
		a, b := res.Matches[i], res.Matches[j]
		if a.ScorePermille != b.ScorePermille {
			return a.ScorePermille > b.ScorePermille
		}
		return a.ListID+"\x00"+a.Ref < b.ListID+"\x00"+b.Ref
	})
	return res, nil
}

// Loaded reports whether any list is loaded: without one every screening fails closed.
func (s *Service) Loaded(ctx context.Context) (bool, error) {
	versions, err := activeVersions(ctx, s.db)
	if err != nil {
		return false, fmt.Errorf("aml lists: %w", err)
	}
	return len(versions) > 0, nil
}

// active returns the active list versions, compiled, loading from the database the ones not
// in memory yet and dropping the ones no longer active.
func (s *Service) active(ctx context.Context) ([]*compiled, error) {
	versions, err := activeVersions(ctx, s.db)
	if err != nil {
		return nil, fault.Wrap(fault.ErrUnavailable, "aml_lists_unreadable", "The screening lists cannot be read.", err)
	}
	if len(versions) == 0 {
		return nil, fault.New(fault.ErrUnavailable, "aml_lists_not_loaded",
			"No AML/CFT list is loaded: screening cannot be done, so the operation is refused.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*compiled, 0, len(versions))
	keep := map[string]bool{}
	for _, v := range versions {
		keep[v.id] = true
		c, ok := s.cache[v.id]
		if !ok {
			entries, err := versionEntries(ctx, s.db, v.id)
			if err != nil {
				return nil, fault.Wrap(fault.ErrUnavailable, "aml_lists_unreadable", "The screening lists cannot be read.", err)
			}
			c = compile(v.id, v.listID, entries)
			s.cache[v.id] = c
		}
		out = append(out, c)
	}
	for id := range s.cache {
		if !keep[id] {
			delete(s.cache, id)
		}
	}
	return out, nil
}

// checkListID accepts a short lower-case identifier: it names the list in evidence.
func checkListID(id string) error {
	if id == "" || len(id) > 40 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != "" {
		return fault.Field("list_id", "must be 1 to 40 of a-z, 0-9, '-', '_', '.'")
	}
	return nil
}

func newID() string {
	b := make([]byte, 16)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
