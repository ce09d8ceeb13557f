package antifraud

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/store"
)

// Decide screens s against the live list entries (IIN, phone, IBAN) and the IIN's
// unconsumed anti-fraud signals: an entry that denies → Deny; otherwise any entry or signal
// → Review; nothing → Allow. It only reads. A database failure is an error, never an Allow:
// the caller fails closed.
func (l *Lists) Decide(ctx context.Context, s Subject) (Decision, error) {
	if s.Stage != StageApplication && s.Stage != StagePayout {
		return Decision{}, fault.Field("stage", "must be application or payout, not %q", s.Stage)
	}
	if s.IIN.IsZero() {
		return Decision{}, fault.Field("iin", "is required")
	}
	type probe struct {
		kind  ListKind
		index []byte
	}
	probes := []probe{{KindIIN, l.vault.Index(string(KindIIN), s.IIN.String())}}
	if strings.TrimSpace(s.Phone) != "" {
		p, err := kz.ParsePhone(s.Phone)
		if err != nil {
			return Decision{}, fault.Field("phone", "is not a valid Kazakh mobile number: %v", err)
		}
		probes = append(probes, probe{KindPhone, l.vault.Index(string(KindPhone), p.String())})
	}
	if strings.TrimSpace(s.IBAN) != "" {
		i, err := kz.ParseIBAN(s.IBAN)
		if err != nil {
			return Decision{}, fault.Field("iban", "is not a valid Kazakh IBAN: %v", err)
		}
		probes = append(probes, probe{KindIBAN, l.vault.Index(string(KindIBAN), i.String())})
	}
	// Every probe in one statement: (kind, value_index) pairs, each served by the entries'
	// index. The reads need no common snapshot: they run each on its own (one round trip).
	var q strings.Builder
	q.WriteString(`SELECT id, kind, deny FROM antifraud_list_entry WHERE removed_at IS NULL AND (kind, value_index) IN (`)
	args := make([]any, 0, 2*len(probes))
	for i, p := range probes {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "($%d, $%d)", 2*i+1, 2*i+2)
		args = append(args, string(p.kind), p.index)
	}
	q.WriteString(`) ORDER BY added_at, id`)
	d := Decision{Outcome: Allow}
	reasons := map[string]bool{}
	err := l.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		d, reasons = Decision{Outcome: Allow}, map[string]bool{}
		entries, err := tx.QueryContext(ctx, q.String(), args...)
		if err != nil {
			return fmt.Errorf("look up the lists: %w", err)
		}
		for entries.Next() {
			var id, kind string
			var deny int64
			if err := entries.Scan(&id, &kind, &deny); err != nil {
				entries.Close()
				return err
			}
			d.ListEntryIDs = append(d.ListEntryIDs, id)
			reasons["list_"+kind] = true
			if deny == 1 {
				d.Outcome = Deny
			} else {
				d.Outcome = worse(d.Outcome, Review)
			}
		}
		entries.Close()
		if err := entries.Err(); err != nil {
			return fmt.Errorf("look up the lists: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT kind FROM antifraud_signal WHERE iin_index = $1 AND consumed_at IS NULL`, probes[0].index)
		if err != nil {
			return fmt.Errorf("look up anti-fraud signals: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var kind string
			if err := rows.Scan(&kind); err != nil {
				return err
			}
			reasons["signal_"+kind] = true
			d.Outcome = worse(d.Outcome, Review)
		}
		return rows.Err()
	})
	if err != nil {
		return Decision{}, fmt.Errorf("anti-fraud decision: %w", err)
	}
	for r := range reasons {
		d.Reasons = append(d.Reasons, r)
	}
	sort.Strings(d.Reasons)
	return d, nil
}

// worse returns the stricter of two outcomes.
func worse(a, b Outcome) Outcome {
	rank := map[Outcome]int{Allow: 0, Review: 1, Deny: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}
