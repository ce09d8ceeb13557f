// Package api is the client JSON API under /api/v1/, used by the web cabinet and the mobile
// app (issue 4, item 9): signing in with a password and a second factor (R6.5), sessions,
// password change and recovery by biometrics plus a code, the TOTP authenticator, biometric
// identification of a signed-in client, the client's mobile devices, whose requests are
// signed (R26.2), registration (R6.1–R6.4), the phone and bank-account changes that need
// biometrics and EDS (R6.6), the fresh checks after a leak of personal data (R36), and loans
// from the product list to money in the account (loans.go; reference in docs/api-loans.md).
//
// Handlers only translate: they decode a strict JSON body (unknown fields, keys twice or in
// another case, and trailing data refused, the field at fault named), call the domain
// services, and answer JSON with snake_case names. Errors are returned, never written by
// hand, so every failure goes through server.WriteError and carries a stable code and no
// internals (R26.1). Answers hold no more personal data than the client needs: a phone
// number is shown masked.
package api

import (
	"log/slog"
	"net/http"

	"nesie.kz/nesie/internal/auth"
	"nesie.kz/nesie/internal/biometric"
	"nesie.kz/nesie/internal/client"
	"nesie.kz/nesie/internal/device"
	"nesie.kz/nesie/internal/fault"
	"nesie.kz/nesie/internal/loan"
	"nesie.kz/nesie/internal/merchant"
	"nesie.kz/nesie/internal/onboarding"
	"nesie.kz/nesie/internal/product"
	"nesie.kz/nesie/internal/server"
	"nesie.kz/nesie/internal/store"
)

// Deps are the services the API calls.
type Deps struct {
	Auth      *auth.Service
	Clients   *client.Service
	Biometric *biometric.Service
	Devices   *device.Service
	// Onboarding runs registrations (R6.1–R6.4), the sensitive changes (R6.6) and the fresh
	// checks after a leak (R36).
	Onboarding *onboarding.Service
	DB         *store.DB
	// Loans, Products and Merchants serve origination (R7.1, R8, R9, R9-1, R12).
	Loans     *loan.Service
	Products  *product.Service
	Merchants *merchant.Service
	// Log receives what the API itself notices (refused device signatures); slog.Default
	// when nil.
	Log *slog.Logger
}

// handlers holds the dependencies every handler needs.
type handlers struct {
	Deps
}

// Routes registers the client API on mux under /api/v1/.
func Routes(mux *http.ServeMux, d Deps) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	h := &handlers{Deps: d}
	open := func(pattern string, f server.HandlerFunc) { mux.Handle(pattern, f) }
	signedIn := func(pattern string, f server.HandlerFunc) { mux.Handle(pattern, h.authenticated(f)) }

	// Anonymous: the way in and the way back to a forgotten password.
	open("POST /api/v1/login", h.beginLogin)
	open("POST /api/v1/login/{challenge}/complete", h.completeLogin)
	open("POST /api/v1/recovery/biometric", h.startRecoveryBiometric)
	open("POST /api/v1/recovery", h.beginRecovery)
	open("POST /api/v1/recovery/{challenge}/complete", h.completeRecovery)
	open("POST /api/v1/registrations", h.beginRegistration)
	open("POST /api/v1/registrations/{id}/complete", h.completeRegistration)

	// A signed-in client.
	signedIn("GET /api/v1/me", h.me)
	signedIn("GET /api/v1/sessions", h.sessions)
	signedIn("DELETE /api/v1/sessions/{id}", h.revokeSession)
	signedIn("POST /api/v1/logout", h.logout)
	signedIn("POST /api/v1/logout-everywhere", h.logoutEverywhere)
	signedIn("POST /api/v1/password", h.changePassword)
	signedIn("POST /api/v1/totp", h.enrollTOTP)
	signedIn("POST /api/v1/totp/confirm", h.confirmTOTP)
	signedIn("POST /api/v1/biometric", h.startBiometric)
	signedIn("POST /api/v1/biometric/{id}/complete", h.completeBiometric)
	signedIn("POST /api/v1/devices", h.registerDevice)
	signedIn("GET /api/v1/devices", h.devices)
	signedIn("DELETE /api/v1/devices/{id}", h.revokeDevice)
	signedIn("POST /api/v1/phone-change", h.beginPhoneChange)
	signedIn("POST /api/v1/phone-change/{id}/complete", h.completePhoneChange)
	signedIn("POST /api/v1/bank-account-change", h.beginBankAccountChange)
	signedIn("POST /api/v1/bank-account-change/{id}/complete", h.completeBankAccountChange)
	signedIn("POST /api/v1/verification", h.beginVerification)
	signedIn("POST /api/v1/verification/{id}/complete", h.completeVerification)

	h.loanRoutes(open, signedIn)

	// Anything else under the prefix is answered in the API's JSON, not the mux's plain text.
	open("/api/v1/", func(http.ResponseWriter, *http.Request) error { return errNoRoute })
}

var errNoRoute = fault.New(fault.ErrNotFound, "not_found", "Not found.")
