package client

import "strings"

// normalisePhone turns a Kazakh mobile number as people write it — "+7 701 234 56 78",
// "8 (701) 234-56-78", "87012345678", "7012345678" — into E.164, "+77012345678". It accepts
// only numbers of Kazakhstan's 7XX range (a +7 9XX number is Russian), and says why not
// otherwise. Another package may own phone numbers later; this one stays internal.
func normalisePhone(s string) (string, string) {
	var digits []byte
	plus := false
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return "", "must hold only digits, spaces, dashes, brackets and a leading +"
		}
		if len(digits) > 15 {
			return "", "is too long"
		}
	}
	switch {
	case plus && len(digits) == 11 && digits[0] == '7':
		digits = digits[1:]
	case plus:
		return "", "must be a Kazakh number, +7 7XX XXX XX XX"
	case len(digits) == 11 && (digits[0] == '8' || digits[0] == '7'):
		digits = digits[1:]
	case len(digits) == 10:
	default:
		return "", "must have 10 digits after +7"
	}
	if len(digits) != 10 || digits[0] != '7' {
		return "", "must be a Kazakh mobile number, +7 7XX XXX XX XX"
	}
	return "+7" + string(digits), ""
}

// maskPhone keeps the country, operator code and the last two digits: "+7701*****78".
func maskPhone(e164 string) string {
	if len(e164) != 12 {
		return "***"
	}
	return e164[:5] + "*****" + e164[10:]
}
