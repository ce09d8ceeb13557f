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
	// The list entries of every probe — (kind, value_index) pairs, each served by the
	// entries' index — and the IIN's unconsumed signals, in one statement: one round trip.
	var q strings.Builder
	q.WriteString(`SELECT 'list', id, kind, deny, added_at FROM antifraud_list_entry WHERE removed_at IS NULL AND (kind, value_index) IN (`)
	args := make([]any, 0, 2*len(probes)+1)
	for i, p := range probes {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "($%d, $%d)", 2*i+1, 2*i+2)
		args = append(args, string(p.kind), p.index)
	}
	fmt.Fprintf(&q, `) UNION ALL SELECT 'signal', '', kind, 0, 0 FROM antifraud_signal WHERE iin_index = $%d AND consumed_at IS NULL
		ORDER BY 1, 5, 2`, len(args)+1)
	args = append(args, probes[0].index)
	d := Decision{Outcome: Allow}
	reasons := map[string]bool{}
	err := l.db.ReadEach(ctx, func(ctx context.Context, tx *store.Tx) error {
		d, reasons = Decision{Outcome: Allow}, map[string]bool{}
		rows, err := tx.QueryContext(ctx, q.String(), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var source, id, kind string
			var deny, added int64
			if err := rows.Scan(&source, &id, &kind, &deny, &added); err != nil {
				return err
			}
			if source == "signal" {
				reasons["signal_"+kind] = true
				d.Outcome = worse(d.Outcome, Review)
				continue
			}
			d.ListEntryIDs = append(d.ListEntryIDs, id)
			reasons["list_"+kind] = true
			if deny == 1 {
				d.Outcome = Deny
			} else {
				d.Outcome = worse(d.Outcome, Review)
			}
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
