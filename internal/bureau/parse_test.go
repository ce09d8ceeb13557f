package bureau

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/kz"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

const goodReport = `{"report_id":"r1","iin":"850305400120","nonce":"n1","made_at":"2026-03-02T04:00:00Z","voluntary_refusal":null,"credits":[{"creditor":"Bank","outstanding_tiyn":100,"monthly_payment_tiyn":10,"days_overdue":3,"max_days_overdue_12m":30,"secured":true}]}`

func TestParseReportRefusesWhatIsNotTheProtocol(t *testing.T) {
	if _, _, err := ParseReport([]byte(goodReport)); err != nil {
		t.Fatalf("good report refused: %v", err)
	}
	for name, body := range map[string]string{
		"refusal key missing":  strings.Replace(goodReport, `"voluntary_refusal":null,`, ``, 1),
		"refusal key misspelt": strings.Replace(goodReport, `"voluntary_refusal"`, `"voluntary_refusl"`, 1),
		"refusal without date": strings.Replace(goodReport, `null`, `{}`, 1),
		"refusal bad date":     strings.Replace(goodReport, `null`, `{"since":"2025-02-30"}`, 1),
		"credits missing":      strings.Replace(goodReport, `,"credits":[`, `,"x":[`, 1),
		"negative outstanding": strings.Replace(goodReport, `"outstanding_tiyn":100`, `"outstanding_tiyn":-1`, 1),
		"field missing":        strings.Replace(goodReport, `,"secured":true`, ``, 1),
		"overdue above max":    strings.Replace(goodReport, `"days_overdue":3`, `"days_overdue":31`, 1),
		"fractional days":      strings.Replace(goodReport, `"days_overdue":3`, `"days_overdue":3.5`, 1),
		"bad iin checksum":     strings.Replace(goodReport, `850305400120`, `850305400121`, 1),
		"empty creditor":       strings.Replace(goodReport, `"creditor":"Bank"`, `"creditor":""`, 1),
		"bad time":             strings.Replace(goodReport, `2026-03-02T04:00:00Z`, `yesterday`, 1),
		"trailing data":        goodReport + `{}`,
		// A second key must not hide the mark from Nesie while another reader sees it.
		"refusal hidden by a second key": strings.Replace(goodReport, `"voluntary_refusal":null,`, `"voluntary_refusal":{"since":"2025-12-01"},"voluntary_refusal":null,`, 1),
		"refusal key in another case":    strings.Replace(goodReport, `"voluntary_refusal"`, `"Voluntary_Refusal"`, 1),
		"since twice":                    strings.Replace(goodReport, `null`, `{"since":"2025-12-01","since":"2025-12-02"}`, 1),
		"not json":                       "\x00\xff<html>",
	} {
		if _, _, err := ParseReport([]byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	rep, _, err := ParseReport([]byte(strings.Replace(goodReport, `null`, `{"since":"2025-12-01"}`, 1)))
	if err != nil || !rep.VoluntaryRefusal || rep.RefusalSince != date.Of(2025, 12, 1) {
		t.Errorf("refusal mark: %v %v %v", rep.VoluntaryRefusal, rep.RefusalSince, err)
	}
}

// FuzzParseReport: no input panics, and whatever is accepted is re-checked independently —
// the generic JSON says the same things the typed report does, and the report keeps its
// bounds.
func FuzzParseReport(f *testing.F) {
	f.Add([]byte(goodReport))
	f.Add([]byte(strings.Replace(goodReport, `null`, `{"since":"2025-12-01"}`, 1)))
	f.Add([]byte(`{"report_id":"r","iin":"900101300017","nonce":"n","made_at":"2026-01-01T00:00:00+05:00","voluntary_refusal":null,"credits":[]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte("\x00\xff<html>not the protocol</html>"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		rep, nonce, err := ParseReport(raw)
		if err != nil {
			return
		}
		var g map[string]any
		if err := json.Unmarshal(raw, &g); err != nil {
			t.Fatalf("accepted a body that is not a JSON object: %v", err)
		}
		if nonce == "" || g["nonce"] != nonce || g["report_id"] != rep.ID {
			t.Fatalf("nonce/id %q %q disagree with the JSON %v", nonce, rep.ID, g)
		}
		if iin, err := kz.ParseIIN(g["iin"].(string)); err != nil || iin != rep.IIN {
			t.Fatalf("iin accepted but does not re-parse: %v", err)
		}
		if (g["voluntary_refusal"] != nil) != rep.VoluntaryRefusal {
			t.Fatalf("refusal mark %v but JSON says %v", rep.VoluntaryRefusal, g["voluntary_refusal"])
		}
		credits, ok := g["credits"].([]any)
		if !ok || len(credits) != len(rep.Credits) {
			t.Fatalf("credits: JSON %v, parsed %d", g["credits"], len(rep.Credits))
		}
		for i, c := range rep.Credits {
			if c.Outstanding < 0 || c.MonthlyPayment < 0 || c.DaysOverdue < 0 || c.MaxDaysOverdue12m < c.DaysOverdue || c.Creditor == "" {
				t.Fatalf("credit %d out of bounds: %+v", i, c)
			}
			m := credits[i].(map[string]any)
			if m["days_overdue"].(float64) != float64(c.DaysOverdue) || m["secured"].(bool) != c.Secured {
				t.Fatalf("credit %d: JSON %v, parsed %+v", i, m, c)
			}
		}
		if !bytes.Equal(rep.Raw, raw) {
			t.Fatal("Raw is not the body as received")
		}
	})
}
