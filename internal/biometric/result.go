package biometric

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/strictjson"
)

// Result is a provider's result that decoded cleanly. Only a Result returned by ParseResult
// without error carries a verified signature.
type Result struct {
	SessionID      string
	IIN            kz.IIN
	Nonce          string
	LivenessPassed bool
	MovementsSeen  Sequence
	// SimilarityPermille is the match with the reference photo, 0–1000.
	SimilarityPermille int
	CheckedAt          time.Time
	Signature          []byte
}

// resultTimeLayout is the one spelling of checked_at accepted: UTC, six fractional digits.
const resultTimeLayout = "2006-01-02T15:04:05.000000Z"

// canonicalHeader names the version of the signed encoding.
const canonicalHeader = "nesie-biometric-result-v1"

// maxMovementsSeen bounds movements_seen; a provider reports what it saw, a few movements.
const maxMovementsSeen = 10

// idPattern is the shape of session ids and nonces: no separator of the canonical
// encoding can hide in them.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// ErrSignature marks a result that decoded but whose signature does not verify with the
// configured key: forged, altered, or signed by another provider.
var ErrSignature = errors.New("biometric result: signature does not verify with the provider key")

// errMalformed marks bytes that are not a result at all.
var errMalformed = errors.New("biometric result: malformed")

// Canonical returns the bytes the provider signs: a header line and one "name:value" line
// per field in a fixed order. Every value has a strict format without newlines, so two
// different results never share an encoding.
func (r Result) Canonical() []byte {
	var b strings.Builder
	b.WriteString(canonicalHeader + "\n")
	for _, kv := range [][2]string{
		{"session_id", r.SessionID},
		{"iin", r.IIN.String()},
		{"nonce", r.Nonce},
		{"liveness_passed", strconv.FormatBool(r.LivenessPassed)},
		{"movements_seen", r.MovementsSeen.String()},
		{"similarity_permille", strconv.Itoa(r.SimilarityPermille)},
		{"checked_at", r.CheckedAt.UTC().Format(resultTimeLayout)},
	} {
		b.WriteString(kv[0] + ":" + kv[1] + "\n")
	}
	return []byte(b.String())
}

// ParseResult decodes a result as the provider sent it and verifies its signature with
// key. A result that decodes but does not verify is refused with ErrSignature; anything else
// wrong is a malformed-result error.
func ParseResult(raw []byte, key ed25519.PublicKey) (Result, error) {
	r, err := decodeResult(raw)
	if err != nil {
		return Result{}, err
	}
	if err := r.verify(key); err != nil {
		return Result{}, err
	}
	return r, nil
}

// verify checks r's signature with key.
func (r Result) verify(key ed25519.PublicKey) error {
	if len(key) != ed25519.PublicKeySize || !ed25519.Verify(key, r.Canonical(), r.Signature) {
		return ErrSignature
	}
	return nil
}

// resultWire is the JSON envelope; pointers tell a missing field from a zero one.
type resultWire struct {
	SessionID          *string   `json:"session_id"`
	IIN                *string   `json:"iin"`
	Nonce              *string   `json:"nonce"`
	LivenessPassed     *bool     `json:"liveness_passed"`
	MovementsSeen      *[]string `json:"movements_seen"`
	SimilarityPermille *int      `json:"similarity_permille"`
	CheckedAt          *string   `json:"checked_at"`
	Signature          *[]byte   `json:"signature"`
}

// decodeResult parses raw strictly without looking at the signature.
func decodeResult(raw []byte) (Result, error) {
	bad := func(format string, args ...any) (Result, error) {
		return Result{}, fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(format, args...))
	}
	var w resultWire
	if err := strictjson.Decode(raw, &w, strictjson.RefuseUnknown); err != nil {
		return bad("%v", err)
	}
	switch {
	case w.SessionID == nil, w.IIN == nil, w.Nonce == nil, w.LivenessPassed == nil,
		w.MovementsSeen == nil, w.SimilarityPermille == nil, w.CheckedAt == nil, w.Signature == nil:
		return bad("a field is missing")
	case !idPattern.MatchString(*w.SessionID):
		return bad("session_id: not an id")
	case !idPattern.MatchString(*w.Nonce):
		return bad("nonce: not a nonce")
	case *w.SimilarityPermille < 0 || *w.SimilarityPermille > 1000:
		return bad("similarity_permille: %d outside 0–1000", *w.SimilarityPermille)
	case len(*w.MovementsSeen) > maxMovementsSeen:
		return bad("movements_seen: more than %d", maxMovementsSeen)
	case len(*w.Signature) != ed25519.SignatureSize:
		return bad("signature: %d bytes, want %d", len(*w.Signature), ed25519.SignatureSize)
	}
	iin, err := kz.ParseIIN(*w.IIN)
	if err != nil || iin.String() != *w.IIN {
		return bad("iin: not an IIN")
	}
	seen, err := parseSequence("movements_seen", *w.MovementsSeen)
	if err != nil {
		return bad("%v", err)
	}
	at, err := time.Parse(resultTimeLayout, *w.CheckedAt)
	if err != nil || at.UTC().Format(resultTimeLayout) != *w.CheckedAt {
		return bad("checked_at: want UTC as %s", resultTimeLayout)
	}
	return Result{
		SessionID: *w.SessionID, IIN: iin, Nonce: *w.Nonce, LivenessPassed: *w.LivenessPassed,
		MovementsSeen: seen, SimilarityPermille: *w.SimilarityPermille, CheckedAt: at.UTC(),
		Signature: *w.Signature,
	}, nil
}
