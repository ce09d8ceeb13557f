package obs

import (
	"log/slog"
	"strings"
	"unicode"
)

// masking says how the value under an attribute key is hidden.
type masking int

const (
	keepValue   masking = iota
	hideAll             // secrets and names: ***
	keepIINHead         // IIN/BIN: the first 6 digits (birth date or registration month), then ******
	keepPhoneEnds
	keepCardEnds
	keepIBANEnds
	keepEmailDomain
	scrubText // free text that may quote an IIN: message, error, panic, path
)

// secretWords are key words whose value is never logged at all.
var secretWords = map[string]bool{
	"password": true, "passwd": true, "passphrase": true, "token": true, "secret": true,
	"otp": true, "authorization": true, "cookie": true, "cookies": true, "cvv": true, "cvc": true,
	"pin": true, "apikey": true, "credential": true, "credentials": true, "session": true,
	"surname": true, "patronymic": true, "fio": true,
}

// nameQualifiers turn a "name" key into a person's name: first_name, lastName, full_name.
var nameQualifiers = map[string]bool{
	"first": true, "last": true, "middle": true, "full": true, "given": true, "family": true,
}

// textKeys hold free text in which an IIN may be quoted by accident.
var textKeys = map[string]bool{
	slog.MessageKey: true, "err": true, "error": true, "panic": true, "reason": true,
	"path": true, "url": true, "query": true,
}

// maskingFor classifies an attribute key. Keys are split into words at _ - . and at
// lower-to-upper case changes, so client_iin, clientIIN and client.iin all mean an IIN. When a
// key names a secret and something else (otp_phone), the secret wins: more is hidden.
func maskingFor(key string) masking {
	if textKeys[strings.ToLower(key)] {
		return scrubText
	}
	words := keyWords(key)
	for i, w := range words {
		if secretWords[w] || (w == "name" && i > 0 && nameQualifiers[words[i-1]]) {
			return hideAll
		}
	}
	for _, w := range words {
		switch w {
		case "iin", "bin", "iinbin":
			return keepIINHead
		case "card", "pan":
			return keepCardEnds
		case "phone", "msisdn":
			return keepPhoneEnds
		case "iban":
			return keepIBANEnds
		case "email":
			return keepEmailDomain
		}
	}
	return keepValue
}

// keyWords splits key into lower-case words.
func keyWords(key string) []string {
	var words []string
	var cur strings.Builder
	prevLower := false
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	for _, r := range key {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ':
			flush()
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			flush()
		}
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		cur.WriteRune(unicode.ToLower(r))
	}
	flush()
	return words
}

// maskAttr is the ReplaceAttr of the JSON handler: it masks a value by its key, and scrubs any
// error value as free text whatever its key.
func maskAttr(_ []string, a slog.Attr) slog.Attr {
	how := maskingFor(a.Key)
	if a.Value.Kind() == slog.KindAny {
		if err, ok := a.Value.Any().(error); ok {
			a.Value = slog.StringValue(err.Error())
			if how == keepValue {
				how = scrubText
			}
		}
	}
	if how == keepValue {
		return a
	}
	a.Value = slog.StringValue(mask(how, a.Value.String()))
	return a
}

// mask hides s according to how.
func mask(how masking, s string) string {
	switch how {
	case hideAll:
		return "***"
	case keepIINHead:
		return MaskIIN(s)
	case keepPhoneEnds:
		return MaskPhone(s)
	case keepCardEnds:
		return MaskCard(s)
	case keepIBANEnds:
		return MaskIBAN(s)
	case keepEmailDomain:
		return MaskEmail(s)
	case scrubText:
		return ScrubText(s)
	}
	return s
}

// MaskIIN keeps the first 6 characters of an IIN or BIN (the birth date or registration month,
// which the Rules' own examples show) and hides the rest: "900101300123" → "900101******".
// Anything of 6 characters or fewer is hidden whole.
func MaskIIN(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= 6 {
		return "******"
	}
	return string(r[:6]) + "******"
}

// MaskPhone keeps the country code and the last 2 digits: "+7 701 123 45 67" → "+7********67".
// A Kazakh number written with the trunk prefix 8 or without any prefix is read as +7; for other
// countries the first digit is kept, which may hide part of a longer country code.
func MaskPhone(s string) string {
	d := digits(s)
	switch {
	case len(d) < 7:
		return "***"
	case len(d) == 11 && d[0] == '8':
		d = "7" + d[1:]
	case len(d) == 10 && !strings.HasPrefix(strings.TrimSpace(s), "+"):
		d = "7" + d
	}
	return "+" + d[:1] + strings.Repeat("*", len(d)-3) + d[len(d)-2:]
}

// MaskCard keeps the first 6 and last 4 digits of a card number, as payment standards allow:
// "4400430012345678" → "440043******5678". A number shorter than 13 digits is hidden whole.
func MaskCard(s string) string {
	d := digits(s)
	if len(d) < 13 {
		return "***"
	}
	return d[:6] + strings.Repeat("*", len(d)-10) + d[len(d)-4:]
}

// MaskIBAN keeps the country, check digits and the last 4 characters:
// "KZ86125KZT5004100100" → "KZ86************0100".
func MaskIBAN(s string) string {
	c := strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if len(c) < 15 || !isASCII(c) {
		return "***"
	}
	return c[:4] + strings.Repeat("*", len(c)-8) + c[len(c)-4:]
}

// MaskEmail keeps the first character of the local part and the domain: "a***@mail.kz".
func MaskEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 1 {
		return "***"
	}
	first := []rune(s[:at])[0]
	return string(first) + "***" + s[at:]
}

// ScrubText hides the last 6 digits of every IIN or BIN quoted in free text, such as an error
// message ("client 900101300123: not found"). It is a safety net behind masking by key: a run
// of exactly 12 digits, not touching a letter or another digit, whose 3rd–4th digits are a
// month (01–12, the month of birth in an IIN and of registration in a BIN). The month test keeps
// most other 12-digit numbers, such as the last group of a UUID, intact.
func ScrubText(s string) string {
	var out []byte // allocated on the first change only
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j-i == 12 && monthDigits(s[i+2:i+4]) && !alnumAt(s, i-1) && !alnumAt(s, j) {
			if out == nil {
				out = []byte(s)
			}
			copy(out[i+6:j], "******")
		}
		i = j
	}
	if out == nil {
		return s
	}
	return string(out)
}

func monthDigits(mm string) bool {
	return (mm[0] == '0' && mm[1] >= '1' && mm[1] <= '9') || (mm[0] == '1' && mm[1] >= '0' && mm[1] <= '2')
}

// alnumAt reports whether s[i] exists and is an ASCII letter or digit.
func alnumAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
