package biometricsim

import (
	"crypto/ed25519"
	"strconv"
	"strings"
	"time"
)

// TimeLayout is how checked_at and expires_at are written: UTC with exactly six fractional
// digits, so one instant has one spelling and the canonical encoding is unique.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// canonicalHeader starts every canonical encoding; a new version of the encoding changes it.
const canonicalHeader = "nesie-biometric-result-v1"

// Result is a biometric check's outcome as the provider signs it.
type Result struct {
	SessionID      string
	IIN            string
	Nonce          string
	LivenessPassed bool
	MovementsSeen  []string
	// SimilarityPermille is the match of the frame with the reference photo, 0–1000.
	SimilarityPermille int
	// CheckedAt is when the provider checked, already in TimeLayout's precision.
	CheckedAt time.Time
}

// Canonical returns the bytes the provider signs (see the package doc).
func (r Result) Canonical() []byte {
	var b strings.Builder
	line := func(name, value string) {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(value)
		b.WriteByte('\n')
	}
	b.WriteString(canonicalHeader + "\n")
	line("session_id", r.SessionID)
	line("iin", r.IIN)
	line("nonce", r.Nonce)
	line("liveness_passed", strconv.FormatBool(r.LivenessPassed))
	line("movements_seen", strings.Join(r.MovementsSeen, ","))
	line("similarity_permille", strconv.Itoa(r.SimilarityPermille))
	line("checked_at", r.CheckedAt.UTC().Format(TimeLayout))
	return []byte(b.String())
}

// resultJSON is the wire form of a signed result.
type resultJSON struct {
	SessionID          string   `json:"session_id"`
	IIN                string   `json:"iin"`
	Nonce              string   `json:"nonce"`
	LivenessPassed     bool     `json:"liveness_passed"`
	MovementsSeen      []string `json:"movements_seen"`
	SimilarityPermille int      `json:"similarity_permille"`
	CheckedAt          string   `json:"checked_at"`
	Signature          []byte   `json:"signature"` // base64 in JSON
}

// signed returns the wire form of r signed with key.
func signed(r Result, key ed25519.PrivateKey) resultJSON {
	seen := r.MovementsSeen
	if seen == nil {
		seen = []string{}
	}
	return resultJSON{
		SessionID: r.SessionID, IIN: r.IIN, Nonce: r.Nonce, LivenessPassed: r.LivenessPassed,
		MovementsSeen: seen, SimilarityPermille: r.SimilarityPermille,
		CheckedAt: r.CheckedAt.UTC().Format(TimeLayout),
		Signature: ed25519.Sign(key, r.Canonical()),
	}
}
