package device

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"

	"nesie.kz/nesie/internal/fault"
)

// SignatureHeader is the HTTP header a device's signed request carries:
//
//	Nesie-Signature: v=1,device=<id>,ts=<unix seconds>,nonce=<nonce>,sig=<base64url>
//
// id is the device id (32 lower-case hex digits), nonce 16 to 64 characters of the base64url
// alphabet never used before by this device, sig the signature (unpadded base64url) over
// CanonicalString of the request. A request carries it at most once: the API refuses one
// with two.
const SignatureHeader = "Nesie-Signature"

// Signature is a parsed SignatureHeader.
type Signature struct {
	DeviceID  string
	Timestamp int64 // Unix seconds, the device's clock
	Nonce     string
	Sig       []byte
}

// ParseSignature reads the value of SignatureHeader strictly: each of v, device, ts, nonce
// and sig exactly once, nothing else, each value in its exact form. A malformed header is a
// field error on "signature".
func ParseSignature(h string) (Signature, error) {
	if len(h) > 1024 {
		return Signature{}, bad("is too long")
	}
	var s Signature
	seen := map[string]bool{}
	for part := range strings.SplitSeq(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return Signature{}, bad("has a part that is not key=value")
		}
		if seen[k] {
			return Signature{}, bad("repeats %q", k)
		}
		seen[k] = true
		switch k {
		case "v":
			if v != "1" {
				return Signature{}, bad("has version %q; only 1 is known", v)
			}
		case "device":
			if len(v) != 32 || !isLowerHex(v) {
				return Signature{}, bad("has a device id that is not 32 lower-case hex digits")
			}
			s.DeviceID = v
		case "ts":
			if len(v) == 0 || len(v) > 12 || strings.TrimLeft(v, "0123456789") != "" {
				return Signature{}, bad("has a timestamp that is not Unix seconds")
			}
			s.Timestamp, _ = strconv.ParseInt(v, 10, 64) // ≤ 12 digits: cannot overflow
		case "nonce":
			if len(v) < 16 || len(v) > 64 || !isBase64URL(v) {
				return Signature{}, bad("has a nonce that is not 16 to 64 base64url characters")
			}
			s.Nonce = v
		case "sig":
			sig, err := base64.RawURLEncoding.Strict().DecodeString(v)
			if err != nil || len(sig) == 0 || len(sig) > 128 {
				return Signature{}, bad("has a signature that is not unpadded base64url of at most 128 bytes")
			}
			s.Sig = sig
		default:
			return Signature{}, bad("has an unknown part %q", k)
		}
	}
	for _, k := range []string{"v", "device", "ts", "nonce", "sig"} {
		if !seen[k] {
			return Signature{}, bad("lacks %q", k)
		}
	}
	return s, nil
}

// String writes s in the form ParseSignature reads.
func (s Signature) String() string {
	return "v=1,device=" + s.DeviceID + ",ts=" + strconv.FormatInt(s.Timestamp, 10) +
		",nonce=" + s.Nonce + ",sig=" + base64.RawURLEncoding.EncodeToString(s.Sig)
}

// CanonicalString is what a device signs for a request: the lines
//
//	nesie-device-v1
//	METHOD                      (upper case, as sent)
//	/path?query                 (the request URI as sent, escaped)
//	hex SHA-256 of the body     (of the empty body when there is none)
//	timestamp                   (Unix seconds, decimal)
//	nonce
//	device id
//
// joined by "\n", with no trailing newline. Every part an attacker could change to reuse a
// signature — another endpoint, another body, later, again, from another device — is in it.
func CanonicalString(method, requestURI string, body []byte, ts int64, nonce, deviceID string) string {
	sum := sha256.Sum256(body)
	return strings.Join([]string{
		"nesie-device-v1", method, requestURI, hex.EncodeToString(sum[:]),
		strconv.FormatInt(ts, 10), nonce, deviceID,
	}, "\n")
}

func bad(reason string, args ...any) error {
	return fault.Field("signature", "header "+reason, args...)
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }
