package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/strictjson"
)

// decode reads r's body as exactly one JSON object into v. Unknown fields, a key written
// twice or in another case, trailing data and a wrong type are refused as bad input naming
// the field ("body" when no field is to blame), so a client's typo is an answer rather than a
// silently ignored value, and a gateway in front of the API cannot read another request from
// the same bytes.
func decode(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return decodeError(err)
	}
	return decodeError(strictjson.Decode(body, v, strictjson.RefuseUnknown))
}

// decodeError turns a decoding failure into a field error. A body over the server's limit
// keeps its own error, so that it is answered 413.
func decodeError(err error) error {
	var tooLarge *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var keyErr *strictjson.KeyError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooLarge):
		return err
	case errors.As(err, &keyErr):
		return fault.Field(keyErr.Path, "%s", keyErr.Problem)
	case errors.Is(err, strictjson.ErrTrailingData):
		return fault.Field("body", "must hold exactly one JSON object")
	case errors.Is(err, strictjson.ErrNotUTF8):
		return fault.Field("body", "is not UTF-8")
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return fault.Field(typeErr.Field, "must be a JSON %s", jsonType(typeErr.Type.Kind().String()))
	case errors.As(err, &typeErr):
		return fault.Field("body", "must be a JSON object")
	case errors.As(err, &syntaxErr):
		return fault.Field("body", "is not valid JSON (at byte %d)", syntaxErr.Offset)
	case errors.Is(err, io.EOF):
		return fault.Field("body", "is empty; a JSON object is expected")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fault.Field("body", "is cut short")
	}
	return fault.Field("body", "is not a valid request")
}

// jsonType names a Go kind in JSON's terms.
func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "string or array"
	case "struct", "map":
		return "object"
	default:
		return "number"
	}
}

// required returns a field error naming the first of the named values that is empty.
func required(fields ...string) error {
	for i := 0; i+1 < len(fields); i += 2 {
		if strings.TrimSpace(fields[i+1]) == "" {
			return fault.Field(fields[i], "is required")
		}
	}
	return nil
}

// writeJSON answers with status and v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n')) // a failed write means the client is gone
	return nil
}

// noContent answers 204.
func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// stamp formats an instant for an answer: RFC 3339 in UTC, empty for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
