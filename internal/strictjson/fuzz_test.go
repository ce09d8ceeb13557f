package strictjson

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// FuzzDecode: no input panics, and whatever is accepted into an answer has, read again token
// by token, no object with a repeated key, and at the levels that are structs only their
// exact field names — so encoding/json and an exact reader agree on it.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"status":200,"valid":true,"certificates":[{"serialNumber":"1a2b","revocations":[{"revoked":false,"by":"OCSP"}]}]}`,
		`{"valid":false,"valid":true}`, `{"VALID":true}`, `{"labels":{"a":"1","A":"2"}}`, `{"extra":{"x":1,"x":2}}`,
		`{"any":[{"y":1}]}`, `{"Untaged":1}`, `{} 1`, `null`, `[]`, `{"certificates":null}`, "{\"by\":\"\xff\"}",
	} {
		f.Add(s)
	}
	levels := map[string][]string{
		"answer":      {"status", "valid", "certificates", "labels", "extra", "any", "Untaged"},
		"certificate": {"serialNumber", "revocations"},
		"revocation":  {"revoked", "by"},
	}
	below := map[string]string{"certificates": "certificate", "revocations": "revocation"}
	f.Fuzz(func(t *testing.T, body string) {
		var v answer
		if Decode([]byte(body), &v, RefuseUnknown) != nil {
			return
		}
		dec := json.NewDecoder(strings.NewReader(body))
		var walk func(level string)
		walk = func(level string) {
			tok, err := dec.Token()
			if err != nil {
				t.Fatalf("accepted %q, which does not tokenize: %v", body, err)
			}
			switch tok {
			case json.Delim('['):
				for dec.More() {
					walk(level)
				}
				dec.Token()
			case json.Delim('{'):
				var keys []string
				for dec.More() {
					k, _ := dec.Token()
					key := k.(string)
					if slices.Contains(keys, key) {
						t.Fatalf("accepted %q with %q twice", body, key)
					}
					keys = append(keys, key)
					if names, ok := levels[level]; ok && !slices.Contains(names, key) {
						t.Fatalf("accepted %q with %q, not a field of the %s", body, key, level)
					}
					next := ""
					if _, ok := levels[level]; ok {
						next = below[key]
					}
					walk(next)
				}
				dec.Token()
			}
		}
		walk("answer")
	})
}
