package api

import (
	"net/http"

	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/onboarding"
)

// A signed-in client changes their phone number or bank account only after biometrics and an
// EDS signature in the same flow (R6.6): a begin call that issues the movements and the change
// statement, and a complete call with the passed biometric session and the signature. The
// client is always the session's, never one named in the body: a client changes only their
// own data.

// changeStartedAnswer is a phone or bank-account change begun.
type changeStartedAnswer struct {
	ChangeID string `json:"change_id"`
	flowSteps
}

func changeStartedOf(s onboarding.Started) changeStartedAnswer {
	return changeStartedAnswer{ChangeID: s.ID, flowSteps: stepsOf(s)}
}

// phoneChangeBody is the body of POST /api/v1/phone-change.
type phoneChangeBody struct {
	Phone string `json:"phone"`
}

// completePhoneChangeBody repeats the new phone (bound to the statement by its hash) and
// brings the passed biometric session and the EDS signature over the statement.
type completePhoneChangeBody struct {
	BiometricSessionID string `json:"biometric_session_id"`
	Phone              string `json:"phone"`
	Signature          []byte `json:"signature,omitempty"`
}

// phoneChangedAnswer shows the new number masked: the client recognises it.
type phoneChangedAnswer struct {
	ClientID string `json:"client_id"`
	Phone    string `json:"phone"`
}

// beginPhoneChange starts the change of the signed-in client's phone number.
func (h *handlers) beginPhoneChange(w http.ResponseWriter, r *http.Request) error {
	var body phoneChangeBody
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := required("phone", body.Phone); err != nil {
		return err
	}
	started, err := h.Onboarding.BeginPhoneChange(r.Context(), callerOf(r.Context()).session.ClientID, body.Phone)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, changeStartedOf(started))
}

// completePhoneChange checks the biometrics and the EDS and changes the phone; the security
// notice goes to the old number (R25.9).
func (h *handlers) completePhoneChange(w http.ResponseWriter, r *http.Request) error {
	var body completePhoneChangeBody
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := required("biometric_session_id", body.BiometricSessionID, "phone", body.Phone); err != nil {
		return err
	}
	c, err := h.Onboarding.CompleteChange(r.Context(), onboarding.ChangeRequest{
		ClientID: callerOf(r.Context()).session.ClientID, Kind: onboarding.PhoneChange,
		ChangeID: r.PathValue("id"), BiometricSessionID: body.BiometricSessionID, Value: body.Phone, Signature: body.Signature,
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, phoneChangedAnswer{ClientID: c.ID, Phone: maskPhone(c.Phone)})
}

// bankAccountChangeBody is the body of POST /api/v1/bank-account-change.
type bankAccountChangeBody struct {
	IBAN string `json:"iban"`
}

// completeBankAccountChangeBody repeats the new account and brings the passed biometric
// session and the EDS signature over the statement.
type completeBankAccountChangeBody struct {
	BiometricSessionID string `json:"biometric_session_id"`
	IBAN               string `json:"iban"`
	Signature          []byte `json:"signature,omitempty"`
}

// bankAccountChangedAnswer shows the new account masked.
type bankAccountChangedAnswer struct {
	ClientID    string `json:"client_id"`
	BankAccount string `json:"bank_account"`
}

// checkIBAN refuses a malformed account under the body's own field name; the domain would
// name its own.
func checkIBAN(iban string) error {
	if err := required("iban", iban); err != nil {
		return err
	}
	if _, err := kz.ParseIBAN(iban); err != nil {
		return fault.Field("iban", "%v", err)
	}
	return nil
}

// beginBankAccountChange starts the change of the signed-in client's bank account.
func (h *handlers) beginBankAccountChange(w http.ResponseWriter, r *http.Request) error {
	var body bankAccountChangeBody
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := checkIBAN(body.IBAN); err != nil {
		return err
	}
	started, err := h.Onboarding.BeginBankAccountChange(r.Context(), callerOf(r.Context()).session.ClientID, body.IBAN)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, changeStartedOf(started))
}

// completeBankAccountChange checks the biometrics and the EDS and changes the account.
func (h *handlers) completeBankAccountChange(w http.ResponseWriter, r *http.Request) error {
	var body completeBankAccountChangeBody
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := required("biometric_session_id", body.BiometricSessionID); err != nil {
		return err
	}
	if err := checkIBAN(body.IBAN); err != nil {
		return err
	}
	c, err := h.Onboarding.CompleteChange(r.Context(), onboarding.ChangeRequest{
		ClientID: callerOf(r.Context()).session.ClientID, Kind: onboarding.BankAccountChange,
		ChangeID: r.PathValue("id"), BiometricSessionID: body.BiometricSessionID, Value: body.IBAN, Signature: body.Signature,
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, bankAccountChangedAnswer{ClientID: c.ID, BankAccount: maskIBAN(c.BankAccount)})
}

// maskIBAN shows an account as the kz package masks it; "" when none is set.
func maskIBAN(a kz.IBAN) string {
	if a.IsZero() {
		return ""
	}
	return a.Masked()
}
