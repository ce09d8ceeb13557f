package api

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/fault"
)

// FuzzDecode checks that no body panics the decoder, that every refusal is a field error,
// and that whatever is accepted is, by an independent reading, exactly one JSON object with
// only the request's fields.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"login":"+77015550123","password":"secret-secret","factor":"sms"}`,
		`{"login":"a"} {"login":"b"}`, `{"login":5}`, `[]`, `null`, ``, `{"x":1}`, `{"password":{}}`,
		`{"login":"a","login":"b"}`, "{\"login\":\"\xff\"}", `{"factor":"totp"}  `, `{"":1}`, `{"LOGIN":"a"}`,
	} {
		f.Add(s)
	}
	known := map[string]bool{"login": true, "password": true, "factor": true}
	f.Fuzz(func(t *testing.T, body string) {
		var req loginRequest
		err := decode(httptest.NewRequest("POST", "/api/v1/login", strings.NewReader(body)), &req)
		if err != nil {
			var fe *fault.FieldError
			if !errors.As(err, &fe) || fe.Field == "" {
				t.Fatalf("refusal %v is not a field error", err)
			}
			return
		}
		if strings.TrimSpace(body) == "null" {
			return // JSON null decodes to the zero request, which the handler refuses as missing login
		}
		var generic map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body), &generic); err != nil {
			t.Fatalf("accepted %q, which is not one JSON object: %v", body, err)
		}
		for k := range generic {
			if !known[k] {
				t.Fatalf("accepted %q with the unknown field %q", body, k)
			}
		}
	})
}

func TestMaskPhoneShowsOnlyTheLastFourDigits(t *testing.T) {
	for phone, want := range map[string]string{
		"+77015550123": "+7******0123",
		"+7701":        "****",
		"":             "****",
		"87015550123":  "****",
	} {
		if got := maskPhone(phone); got != want {
			t.Errorf("maskPhone(%q) = %q, want %q", phone, got, want)
		}
	}
}
