// Package strictjson reads JSON that crosses Nesie's boundary — a client's request, a staff
// member's file, an outside service's answer — so that the bytes mean one thing only.
//
// Go's encoding/json matches an object's keys to struct fields ignoring case, and when a key
// appears twice the last one wins. Another reader of the same bytes — a gateway or firewall
// in front of the API, the service that signed the answer, an auditor's tool — may take the
// first of two keys, or only the exact name, and so read a different request or answer from
// the one Nesie acted on. Decode refuses both before encoding/json decodes, and refuses
// anything after the one JSON value.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Unknown says what Decode does with a key that names no field of the target.
type Unknown int

const (
	// RefuseUnknown refuses such a key: for a request or a protocol Nesie defines, where a
	// misspelt key must not read as an absent value.
	RefuseUnknown Unknown = iota
	// IgnoreUnknown skips such a key and does not decode its value: for an outside service
	// whose answers carry more than Nesie reads. A key repeated inside that value is still
	// refused — the answer as a whole must read one way.
	IgnoreUnknown
)

// KeyError is a key Decode refused.
type KeyError struct {
	// Path locates the key, dotted from the top: "signers[0].certificates[1].revoked".
	Path string
	// Problem says what is wrong with it.
	Problem string
}

func (e *KeyError) Error() string { return fmt.Sprintf("JSON key %s %s", e.Path, e.Problem) }

// ErrTrailingData is returned when something follows the one JSON value.
var ErrTrailingData = errors.New("data after the JSON value")

// ErrNotUTF8 is returned for bytes that are not UTF-8, which JSON must be (RFC 8259 §8.1):
// encoding/json would quietly turn them into U+FFFD, so two different inputs would read the
// same.
var ErrNotUTF8 = errors.New("JSON text is not valid UTF-8")

// Decode decodes the single JSON value in data into v, which must be a non-nil pointer. It
// returns ErrNotUTF8 for bytes that are not UTF-8; a *KeyError for a key that appears twice
// in one object, that names a field only when case is ignored, or (with RefuseUnknown) that
// names no field; ErrTrailingData for anything after the value; and encoding/json's own
// errors (*json.SyntaxError, *json.UnmarshalTypeError, io.EOF for empty data…) otherwise.
// The checks run before anything is decoded, but encoding/json may leave v partly filled
// when it fails: decode into a fresh value and discard it on an error.
func Decode(data []byte, v any, unknown Unknown) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("strictjson: Decode needs a non-nil pointer, not %T", v)
	}
	if !utf8.Valid(data) {
		return ErrNotUTF8
	}
	w := walker{dec: json.NewDecoder(bytes.NewReader(data)), unknown: unknown}
	if err := w.value(rv.Type().Elem(), ""); err != nil {
		return err
	}
	if _, err := w.dec.Token(); !errors.Is(err, io.EOF) {
		return ErrTrailingData
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if unknown == RefuseUnknown {
		dec.DisallowUnknownFields()
	}
	return dec.Decode(v)
}

// walker reads the JSON's tokens alongside the Go type they will be decoded into.
type walker struct {
	dec     *json.Decoder
	unknown Unknown
}

// value reads one JSON value that will land in a value of type t; t is nil where nothing
// is known of the target (an interface, a json.RawMessage, a custom unmarshaller, a
// skipped key), and then only repeated keys are refused.
func (w *walker) value(t reflect.Type, path string) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	t = target(t)
	switch tok {
	case json.Delim('{'):
		return w.object(t, path)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err := w.dec.Token() // ']'
		return err
	}
	return nil
}

// object reads the members of an object whose '{' was read.
func (w *walker) object(t reflect.Type, path string) error {
	var fields map[string]reflect.Type
	var elem reflect.Type
	switch {
	case t != nil && t.Kind() == reflect.Struct:
		fields = fieldsOf(t)
	case t != nil && t.Kind() == reflect.Map:
		elem = t.Elem()
	}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string) // the decoder gives object keys as strings
		at := key
		if key == "" {
			at = `""` // so that a path always names something
		}
		if path != "" {
			at = path + "." + at
		}
		if seen[key] {
			return &KeyError{Path: at, Problem: "appears twice"}
		}
		seen[key] = true
		next := elem
		if fields != nil {
			ft, ok := fields[key]
			if !ok {
				if name, near := nearName(fields, key); near {
					return &KeyError{Path: at, Problem: fmt.Sprintf("differs in case from the field %q", name)}
				}
				if w.unknown == RefuseUnknown {
					return &KeyError{Path: at, Problem: "is not a known field"}
				}
			}
			next = ft
		}
		if err := w.value(next, at); err != nil {
			return err
		}
	}
	_, err := w.dec.Token() // '}'
	return err
}

// nearName finds the field that key names when case is ignored, as encoding/json would.
func nearName(fields map[string]reflect.Type, key string) (string, bool) {
	for name := range fields {
		if strings.EqualFold(name, key) {
			return name, true
		}
	}
	return "", false
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
)

// target is the type whose shape the JSON must follow: t without pointers, or nil when the
// value is decoded by something other than encoding/json's struct and map rules.
func target(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t == rawMessageType || t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	return t
}
