package eds

import (
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"
)

// ncanodeAnswer is a well-formed NCANode answer for serial 1a2b with the given certificate
// validity and revocation entries.
func ncanodeAnswer(valid bool, revocations string) string {
	v := "false"
	if valid {
		v = "true"
	}
	return `{"status":200,"message":"OK","valid":` + v + `,"signers":[{"certificates":[{"valid":` + v +
		`,"revocations":` + revocations + `,"keyUsage":"SIGN","serialNumber":"1a2b","keyUser":["INDIVIDUAL"],` +
		`"subject":{"iin":"900101300017","commonName":"СЫНАҚОВ АЙДАР"}}],"tsp":null}]}`
}

func TestEvaluateNCANodeResponse(t *testing.T) {
	serial := big.NewInt(0x1a2b)
	both := `[{"revoked":false,"by":"OCSP"},{"revoked":false,"by":"CRL"}]`
	cases := []struct {
		name string
		body string
		want error // nil: accepted
	}{
		{"valid with both checks", ncanodeAnswer(true, both), nil},
		{"revoked per OCSP", ncanodeAnswer(false, `[{"revoked":true,"by":"OCSP","revocationTime":"2026-03-02T10:01:00.000+00:00","reason":"KEY_COMPROMISE"},{"revoked":false,"by":"CRL"}]`), ErrRevoked},
		{"no revocation check done", ncanodeAnswer(true, `[]`), ErrRevocationUnknown},
		{"only OCSP done", ncanodeAnswer(true, `[{"revoked":false,"by":"OCSP"}]`), ErrRevocationUnknown},
		{"invalid", ncanodeAnswer(false, both), ErrBadSignature},
		{"other serial", strings.Replace(ncanodeAnswer(true, both), `"1a2b"`, `"1a2c"`, 1), ErrVerifierUnavailable},
		{"status 400", `{"status":400,"message":"bad cms"}`, ErrVerifierUnavailable},
		{"no verdict", `{"status":200,"signers":[]}`, ErrVerifierUnavailable},
		{"two answers", ncanodeAnswer(true, both) + ncanodeAnswer(true, both), ErrVerifierUnavailable},
		{"HTML", `<html>502</html>`, ErrVerifierUnavailable},
		// Ambiguous or incomplete answers are no answers (fail closed).
		{"a check without its result", ncanodeAnswer(true, `[{"by":"OCSP"},{"revoked":false,"by":"CRL"}]`), ErrVerifierUnavailable},
		{"revoked said twice", ncanodeAnswer(true, `[{"revoked":true,"by":"OCSP","revoked":false},{"revoked":false,"by":"CRL"}]`), ErrVerifierUnavailable},
		{"revoked in another case", ncanodeAnswer(true, `[{"Revoked":false,"by":"OCSP"},{"revoked":false,"by":"CRL"}]`), ErrVerifierUnavailable},
		{"valid said twice", strings.Replace(ncanodeAnswer(false, both), `"valid":false,`, `"valid":false,"valid":true,`, 1), ErrVerifierUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := EvaluateNCANodeResponse([]byte(tc.body), serial)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	var revoked *RevokedError
	_, err := EvaluateNCANodeResponse([]byte(cases[1].body), serial)
	if !errors.As(err, &revoked) || revoked.Reason != 1 || revoked.Source != SourceOCSP || revoked.RevokedAt.IsZero() {
		t.Errorf("revocation details: %+v", revoked)
	}
}

// FuzzEvaluateNCANodeResponse: no input panics, and whatever is accepted is, read by a
// generic JSON decoder, a 200 valid answer with one signer whose certificate with the serial
// is valid and shows an OCSP and a CRL check, none revoked.
func FuzzEvaluateNCANodeResponse(f *testing.F) {
	both := `[{"revoked":false,"by":"OCSP"},{"revoked":false,"by":"CRL"}]`
	f.Add(ncanodeAnswer(true, both))
	f.Add(ncanodeAnswer(false, both))
	f.Add(ncanodeAnswer(true, `[]`))
	f.Add(ncanodeAnswer(true, `[{"revoked":true,"by":"CRL"},{"revoked":false,"by":"OCSP"}]`))
	f.Add(`{"status":400,"message":"x"}`)
	f.Add(`null`)
	serial := big.NewInt(0x1a2b)
	f.Fuzz(func(t *testing.T, body string) {
		_, err := EvaluateNCANodeResponse([]byte(body), serial)
		if err != nil {
			return
		}
		var m struct {
			Status  float64 `json:"status"`
			Valid   bool    `json:"valid"`
			Signers []struct {
				Certificates []map[string]any `json:"certificates"`
			} `json:"signers"`
		}
		if json.Unmarshal([]byte(body), &m) != nil || m.Status != 200 || !m.Valid || len(m.Signers) != 1 {
			t.Fatalf("accepted %q", body)
		}
		found := false
		for _, c := range m.Signers[0].Certificates {
			s, _ := c["serialNumber"].(string)
			if n, ok := new(big.Int).SetString(s, 16); !ok || n.Cmp(serial) != 0 {
				continue
			}
			found = true
			revs, _ := c["revocations"].([]any)
			seen := map[any]bool{}
			for _, r := range revs {
				entry, _ := r.(map[string]any)
				if entry["revoked"] != false {
					t.Fatalf("accepted a revoked certificate, or a check without its result: %q", body)
				}
				seen[entry["by"]] = true
			}
			if c["valid"] != true || !seen["OCSP"] || !seen["CRL"] {
				t.Fatalf("accepted without a valid certificate and both checks: %q", body)
			}
		}
		if !found {
			t.Fatalf("accepted without the signer's certificate: %q", body)
		}
	})
}
