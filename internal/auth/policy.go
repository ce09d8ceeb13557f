package auth

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"nesie.kz/nesie/internal/fault"
)

//go:embed common_passwords.txt
var commonPasswordsText string

// commonPasswords is the embedded list as a set, built once on first use.
var commonPasswords = sync.OnceValue(func() map[string]bool {
	set := make(map[string]bool, 4096)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			set[line] = true
		}
	}
	return set
})

// maxPasswordBytes bounds the input to the hash: argon2 takes any length, but a megabyte
// "password" is a denial of service, not a password.
const maxPasswordBytes = 256

// checkPolicy refuses a password that is too short, too long, not valid text, common, or
// built on the client's own IIN or phone number. The error names the field "password" and
// never quotes the password.
func checkPolicy(pw Password, minLen int, acct Account) error {
	s := pw.reveal()
	switch {
	case !utf8.ValidString(s):
		return fault.Field("password", "is not valid text")
	case len(s) > maxPasswordBytes:
		return fault.Field("password", "is longer than %d bytes", maxPasswordBytes)
	case utf8.RuneCountInString(s) < minLen:
		return fault.Field("password", "is shorter than %d characters", minLen)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return fault.Field("password", "contains control characters")
	case isCommon(s):
		return fault.Field("password", "is one of the most common passwords; choose another")
	case oneRepeatedRune(s):
		return fault.Field("password", "repeats one character")
	}
	digits := digitsOf(s)
	for _, part := range personalNumbers(acct) {
		if len(part) >= 6 && strings.Contains(digits, part) {
			return fault.Field("password", "must not contain your IIN or phone number")
		}
	}
	return nil
}

// isCommon reports whether s, in lower case, or its core without leading and trailing digits
// and punctuation is on the common list.
func isCommon(s string) bool {
	set := commonPasswords()
	lower := strings.ToLower(s)
	if set[lower] {
		return true
	}
	core := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) })
	return utf8.RuneCountInString(core) >= 3 && set[core]
}

func oneRepeatedRune(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	return strings.Trim(s, string(first)) == ""
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// personalNumbers are the digit strings a password must not contain: the IIN, the phone
// number without its country code (10 digits in Kazakhstan), and the subscriber number (its
// last 7).
func personalNumbers(acct Account) []string {
	var out []string
	if iin := digitsOf(acct.IIN); iin != "" {
		out = append(out, iin)
	}
	if phone := digitsOf(acct.Phone); len(phone) >= 7 {
		if len(phone) > 10 {
			phone = phone[len(phone)-10:]
		}
		out = append(out, phone, phone[len(phone)-7:])
	}
	return out
}
