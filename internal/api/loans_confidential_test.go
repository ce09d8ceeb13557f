package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/aml"
	"nesie.kz/nesie/internal/antifraud"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
)

// confidentialWords are what a client must never read about a check held or refused on:
// the AML/CFT law forbids telling a client of the measures taken about them.
var confidentialWords = []string{"aml", "fraud", "risk"}

// TestR7_4_ClientIsNotToldWhichSecurityCheckHeldTheApplication: an application held for an
// anti-fraud review, or refused on an AML/CFT list match (R10), is shown to its client with
// the status and one security_check, never the check or the finding; staff still see both.
func TestR7_4_ClientIsNotToldWhichSecurityCheckHeldTheApplication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, env *storetest.Env) {
		w := newLoanWorld(t, env)
		ctx := context.Background()
		s := w.login(t)
		submit := func() loanView {
			l, _ := w.apply(t, s.Token, "consumer-12", 100_000, 6)
			w.call(t, "PUT", "/api/v1/loans/"+l.ID+"/payout", s.Token, toOwnAccount).decode(t, http.StatusOK, &l)
			got := w.call(t, "POST", "/api/v1/loans/"+l.ID+"/submit", s.Token, nil)
			got.decode(t, http.StatusOK, &l)
			for _, a := range []answer{got, w.call(t, "GET", "/api/v1/loans/"+l.ID, s.Token, nil), w.call(t, "GET", "/api/v1/loans", s.Token, nil)} {
				for _, word := range confidentialWords {
					if bytes.Contains(bytes.ToLower(a.body), []byte(word)) {
						t.Fatalf("the client reads %q in %s", word, a.body)
					}
				}
			}
			return w.loan(t, s.Token, l.ID)
		}
		staffSees := func(id string) []string {
			var codes []string
			err := env.DB.Read(ctx, func(ctx context.Context, tx *store.Tx) error {
				d, err := w.svc.Underwriting.Decision(ctx, tx, id)
				for _, r := range d.Reasons {
					codes = append(codes, r.Code)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return codes
		}
		securityStep := func(l loanView) (passed, found bool) {
			for _, st := range l.Steps {
				if st.Name == "security_check" {
					return st.Passed, true
				}
			}
			return false, false
		}

		// An anti-fraud review entry on the phone: held for an analyst.
		entry, err := w.svc.Antifraud.Add(ctx, "analyst-1", antifraud.Entry{Kind: antifraud.KindPhone, Value: clientPhone,
			Source: antifraud.SourceInternal, Reason: "проверка", Deny: false})
		if err != nil {
			t.Fatal(err)
		}
		held := submit()
		if passed, found := securityStep(held); held.Status != "review" || held.StatusReason != "security_check" || !found || passed {
			t.Fatalf("held application shown as %s (%s), steps %+v", held.Status, held.StatusReason, held.Steps)
		}
		if codes := staffSees(held.ID); !strings.Contains(strings.Join(codes, ","), "fraud_review") {
			t.Fatalf("staff see %v, want the anti-fraud review named", codes)
		}
		if err := w.svc.Antifraud.Remove(ctx, entry.ID, "analyst-1", "проверено"); err != nil {
			t.Fatal(err)
		}

		// The client's IIN on an AML/CFT list: refused (R10).
		list := "full_name;birth_date;iin;ref\nСовпадение Тестовое;1985-03-05;" + clientIIN + ";TEST-2\n"
		if _, err := w.svc.AML.Load(ctx, "staff-compliance", "afm-test-2", aml.FormatCSV, strings.NewReader(list)); err != nil {
			t.Fatal(err)
		}
		refused := submit()
		if passed, found := securityStep(refused); refused.Status != "refused" || refused.StatusReason != "security_check" || !found || passed {
			t.Fatalf("refused application shown as %s (%s), steps %+v", refused.Status, refused.StatusReason, refused.Steps)
		}
		if codes := staffSees(refused.ID); len(codes) == 0 || codes[0] != "aml_match" {
			t.Fatalf("staff see %v, want the AML/CFT match named", codes)
		}
	})
}
