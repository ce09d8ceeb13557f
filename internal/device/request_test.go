package device

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"nesie.kz/nesie/internal/fault"
)

func TestRequestFromHTTPKeepsTheBodyForTheHandler(t *testing.T) {
	r := httptest.NewRequest("POST", "/v1/loans?draft=1&x=%2F", strings.NewReader(`{"a":1}`))
	r.Header.Set(SignatureHeader, "v=1")
	req, err := RequestFromHTTP(r, 100)
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "POST" || req.RequestURI != "/v1/loans?draft=1&x=%2F" || string(req.Body) != `{"a":1}` || req.Signature != "v=1" {
		t.Errorf("request = %+v", req)
	}
	if rest, _ := io.ReadAll(r.Body); string(rest) != `{"a":1}` {
		t.Errorf("the handler reads %q after verification", rest)
	}
	big := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("x", 101)))
	if _, err := RequestFromHTTP(big, 100); !errors.Is(err, fault.ErrInvalid) {
		t.Errorf("a body over the limit: %v, want invalid", err)
	}
}
