package client

import (
	"errors"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
)

// normalisePhone reads a Kazakh mobile number as people write it (kz.ParsePhone: the one
// place that knows the operators' codes) and returns it in E.164, "+77012345678", or why it
// is refused.
func normalisePhone(s string) (string, string) {
	p, err := kz.ParsePhone(s)
	if err != nil {
		var fe *fault.FieldError
		if errors.As(err, &fe) {
			return "", fe.Reason
		}
		return "", err.Error()
	}
	return p.String(), ""
}

// maskPhone keeps the country, operator code and the last two digits: "+7701*****78". The
// audit trail keeps this much so that an auditor can tell the operator without the number.
func maskPhone(e164 string) string {
	if len(e164) != 12 {
		return "***"
	}
	return e164[:5] + "*****" + e164[10:]
}
