package strictjson

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

type revocation struct {
	Revoked *bool  `json:"revoked"`
	By      string `json:"by"`
}

type certificate struct {
	Serial      string       `json:"serialNumber"`
	Revocations []revocation `json:"revocations"`
}

type common struct {
	Status int `json:"status"`
}

type answer struct {
	common
	Valid   bool              `json:"valid"`
	Certs   []certificate     `json:"certificates"`
	Labels  map[string]string `json:"labels"`
	Extra   json.RawMessage   `json:"extra"`
	Any     any               `json:"any"`
	Secret  string            `json:"-"`
	Untaged int
}

func TestDecodesWhatEncodingJSONDecodes(t *testing.T) {
	body := `{"status":200,"valid":true,"certificates":[{"serialNumber":"1a2b","revocations":[{"revoked":false,"by":"OCSP"}]}],
		"labels":{"a":"1","A":"2"},"extra":{"x":[1,2]},"any":{"y":null},"Untaged":7}`
	var got answer
	if err := Decode([]byte(body), &got, RefuseUnknown); err != nil {
		t.Fatal(err)
	}
	var want answer
	if err := json.Unmarshal([]byte(body), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || got.Status != 200 || got.Untaged != 7 || *got.Certs[0].Revocations[0].Revoked {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestRefusesWhatAnotherReaderCouldReadOtherwise(t *testing.T) {
	for body, wantPath := range map[string]string{
		// The last of two keys wins in encoding/json; another reader may take the first.
		`{"valid":false,"valid":true}`: "valid",
		`{"certificates":[{"revocations":[{"revoked":true,"by":"CRL","revoked":false}]}]}`: "certificates[0].revocations[0].revoked",
		`{"labels":{"a":"1","a":"2"}}`: "labels.a",
		`{"extra":{"x":1,"x":2}}`:      "extra.x",
		`{"any":[{"y":1,"y":2}]}`:      "any[0].y",
		`{"status":200,"status":500}`:  "status",
		// Case: encoding/json takes "Valid" and "VALID" as "valid"; an exact reader does not.
		`{"Valid":true}`: "Valid",
		`{"certificates":[{"SerialNumber":"1a2b"}]}`: "certificates[0].SerialNumber",
		`{"valid":false,"VALID":true}`:               "VALID",
		`{"STATUS":200}`:                             "STATUS",
		`{"untaged":1}`:                              "untaged",
		`{"labels":{"":"1","":"2"}}`:                 `labels.""`,
		// A value skipped as unknown still reads one way only.
		`{"message":{"x":1,"x":2}}`: "message.x",
	} {
		var v answer
		err := Decode([]byte(body), &v, IgnoreUnknown)
		var ke *KeyError
		if !errors.As(err, &ke) || ke.Path != wantPath {
			t.Errorf("%s: got %v, want a key error at %s", body, err, wantPath)
		}
	}
}

func TestUnknownKeysRefusedOrSkipped(t *testing.T) {
	body := []byte(`{"valid":true,"message":"ok","signers":[{"deep":{"x":1}}]}`)
	var v answer
	err := Decode(body, &v, RefuseUnknown)
	var ke *KeyError
	if !errors.As(err, &ke) || ke.Path != "message" || !strings.Contains(ke.Error(), "not a known field") {
		t.Fatalf("RefuseUnknown: got %v", err)
	}
	v = answer{}
	if err := Decode(body, &v, IgnoreUnknown); err != nil || !v.Valid {
		t.Fatalf("IgnoreUnknown: got %v, %+v", err, v)
	}
	// A field kept out of JSON with "-" is no field: it cannot be set, and is unknown.
	v = answer{}
	if err := Decode([]byte(`{"-":"x"}`), &v, RefuseUnknown); err == nil {
		t.Fatal(`"-" accepted as a field`)
	}
	if err := Decode([]byte(`{"Secret":"x"}`), &v, IgnoreUnknown); err != nil || v.Secret != "" {
		t.Fatalf(`the "-" field was set: %v %q`, err, v.Secret)
	}
}

func TestExactlyOneValue(t *testing.T) {
	for _, body := range []string{`{"valid":true} {}`, `{"valid":true}]`, `{"valid":true}x`, `{} 1`} {
		var v answer
		if err := Decode([]byte(body), &v, IgnoreUnknown); !errors.Is(err, ErrTrailingData) && !isSyntax(err) {
			t.Errorf("%q: got %v, want trailing data refused", body, err)
		}
	}
	var v answer
	if err := Decode([]byte("{\"certificates\":[{\"serialNumber\":\"1a\xff\"}]}"), &v, IgnoreUnknown); !errors.Is(err, ErrNotUTF8) {
		t.Errorf("invalid UTF-8: got %v", err)
	}
	if err := Decode(nil, &v, IgnoreUnknown); !errors.Is(err, io.EOF) {
		t.Errorf("empty: got %v", err)
	}
	if err := Decode([]byte(`{"valid":"yes"}`), &v, IgnoreUnknown); !isType(err) {
		t.Errorf("wrong type: got %v", err)
	}
	if err := Decode([]byte(`{}`), v, IgnoreUnknown); err == nil {
		t.Error("a non-pointer target accepted")
	}
}

func isSyntax(err error) bool { var s *json.SyntaxError; return errors.As(err, &s) }
func isType(err error) bool   { var s *json.UnmarshalTypeError; return errors.As(err, &s) }
