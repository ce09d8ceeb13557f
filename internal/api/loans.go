package api

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"

	"nesie.kz/nesie/internal/loan"
	"nesie.kz/nesie/internal/money"
	"nesie.kz/nesie/internal/product"
	"nesie.kz/nesie/internal/server"
	"nesie.kz/nesie/internal/store"
)

// loanRoutes registers the loan API: what anyone may read before applying, and the signed-in
// client's loans from application to money (R7.1, R7.3, R7.4, R8, R9, R9-1, R12).
func (h *handlers) loanRoutes(open, signedIn func(string, server.HandlerFunc)) {
	open("GET /api/v1/products", h.products)
	open("GET /api/v1/lending-rules", h.lendingRules)
	open("GET /api/v1/rights", h.rights)
	open("POST /api/v1/quotes", h.quote)
	signedIn("GET /api/v1/merchants", h.merchants)
	signedIn("POST /api/v1/loans", h.apply)
	signedIn("GET /api/v1/loans", h.loans)
	signedIn("GET /api/v1/loans/{id}", h.loan)
	signedIn("GET /api/v1/loans/{id}/drafts", h.drafts)
	signedIn("PUT /api/v1/loans/{id}/method", h.chooseMethod)
	signedIn("PUT /api/v1/loans/{id}/payout", h.setPayout)
	signedIn("POST /api/v1/loans/{id}/payout/resend", h.resendPayout)
	signedIn("GET /api/v1/loans/{id}/cash-voucher", h.cashVoucher)
	signedIn("POST /api/v1/loans/{id}/submit", h.submit)
	signedIn("GET /api/v1/loans/{id}/contract", h.contract)
	signedIn("POST /api/v1/loans/{id}/sign", h.sign)
	signedIn("GET /api/v1/loans/{id}/consent-statement", h.consentStatement)
	signedIn("POST /api/v1/loans/{id}/consent-code", h.consentCode)
	signedIn("POST /api/v1/loans/{id}/consent", h.consent)
	signedIn("POST /api/v1/loans/{id}/goods-received", h.goodsReceived)
	signedIn("POST /api/v1/loans/{id}/cancel", h.cancel)
	signedIn("POST /api/v1/loans/{id}/draws", h.draw)
	signedIn("POST /api/v1/loans/{id}/increase", h.increase)
	signedIn("GET /api/v1/loans/{id}/documents", h.loanDocuments)
	signedIn("POST /api/v1/loans/{id}/receipt", h.receipt)
}

func clientOf(r *http.Request) string { return callerOf(r.Context()).session.ClientID }

func (h *handlers) products(w http.ResponseWriter, r *http.Request) error {
	var vs []product.Version
	if err := h.DB.Read(r.Context(), func(ctx context.Context, tx *store.Tx) error {
		var err error
		vs, err = h.Products.ActiveAll(ctx, tx)
		return err
	}); err != nil {
		return err
	}
	out := make([]productAnswer, len(vs))
	for i, v := range vs {
		out[i] = productOf(v)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"products": out})
}

func (h *handlers) lendingRules(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, loan.LendingRules())
}

func (h *handlers) rights(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, loan.Rights())
}

type quoteRequest struct {
	Product    string `json:"product"`
	AmountTiyn int64  `json:"amount_tiyn"`
	Term       int    `json:"term"`
}

// quote shows the drafts of every method of a product before applying (R8.3, R8.4).
func (h *handlers) quote(w http.ResponseWriter, r *http.Request) error {
	var body quoteRequest
	if err := decode(r, &body); err != nil {
		return err
	}
	v, offers, err := h.Loans.Quote(r.Context(), body.Product, money.Amount(body.AmountTiyn), body.Term)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"product": productOf(v), "offers": offersOf(offers)})
}

func (h *handlers) merchants(w http.ResponseWriter, r *http.Request) error {
	type merchantAnswer struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		BIN  string `json:"bin"`
	}
	var out []merchantAnswer
	if err := h.DB.Read(r.Context(), func(ctx context.Context, tx *store.Tx) error {
		ms, err := h.Merchants.Active(ctx, tx)
		for _, m := range ms {
			out = append(out, merchantAnswer{ID: m.ID, Name: m.Name, BIN: m.BIN.String()})
		}
		return err
	}); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"merchants": out})
}

type applyRequest struct {
	Product           string `json:"product"`
	AmountTiyn        int64  `json:"amount_tiyn"`
	Term              int    `json:"term"`
	Purpose           string `json:"purpose"`
	MonthlyIncomeTiyn int64  `json:"monthly_income_tiyn"`
	Method            string `json:"method,omitempty"`
	RulesVersion      string `json:"rules_version"`
	RightsVersion     string `json:"rights_version"`
}

// apply records an application and answers it with the drafts of every method (R7.1, R8.4).
func (h *handlers) apply(w http.ResponseWriter, r *http.Request) error {
	var body applyRequest
	if err := decode(r, &body); err != nil {
		return err
	}
	l, offers, err := h.Loans.Apply(r.Context(), clientOf(r), loan.Application{Product: body.Product, Amount: money.Amount(body.AmountTiyn),
		Term: body.Term, Purpose: body.Purpose, MonthlyIncome: money.Amount(body.MonthlyIncomeTiyn), Method: body.Method,
		RulesVersion: body.RulesVersion, RightsVersion: body.RightsVersion})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"loan": loanOf(l, nil), "offers": offersOf(offers)})
}

func (h *handlers) loans(w http.ResponseWriter, r *http.Request) error {
	ls, err := h.Loans.List(r.Context(), clientOf(r))
	if err != nil {
		return err
	}
	out := make([]loanAnswer, len(ls))
	for i, l := range ls {
		out[i] = loanOf(l, nil)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"loans": out})
}

// loan answers one loan with the checks recorded so far (R7.4).
func (h *handlers) loan(w http.ResponseWriter, r *http.Request) error {
	l, steps, err := h.Loans.Progress(r.Context(), clientOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, loanOf(l, steps))
}

func (h *handlers) drafts(w http.ResponseWriter, r *http.Request) error {
	l, offers, err := h.Loans.Drafts(r.Context(), clientOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"loan": loanOf(l, nil), "offers": offersOf(offers)})
}

func (h *handlers) chooseMethod(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Method string `json:"method"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	l, err := h.Loans.ChooseMethod(r.Context(), clientOf(r), r.PathValue("id"), body.Method)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, loanOf(l, nil))
}

type payoutRequest struct {
	Kind             string `json:"kind"`
	IBAN             string `json:"iban,omitempty"`
	CardNumber       string `json:"card_number,omitempty"`
	CardExpMonth     int    `json:"card_exp_month,omitempty"`
	CardExpYear      int    `json:"card_exp_year,omitempty"`
	MerchantID       string `json:"merchant_id,omitempty"`
	RefinancedLoanID string `json:"refinanced_loan_id,omitempty"`
}

// setPayout records how the money is to be provided (R8.6, R8.7); the card number goes to the
// gateway and is answered masked.
func (h *handlers) setPayout(w http.ResponseWriter, r *http.Request) error {
	var body payoutRequest
	if err := decode(r, &body); err != nil {
		return err
	}
	l, err := h.Loans.SetPayout(r.Context(), clientOf(r), r.PathValue("id"), loan.PayoutRequest(body))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, loanOf(l, nil))
}

// resendPayout sends the money of a loan whose payout the bank refused another way the client
// chooses (R9.3: an account or card shown to be theirs).
func (h *handlers) resendPayout(w http.ResponseWriter, r *http.Request) error {
	var body payoutRequest
	if err := decode(r, &body); err != nil {
		return err
	}
	l, err := h.Loans.RetryPayout(r.Context(), clientOf(r), r.PathValue("id"), loan.PayoutRequest(body))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, loanOf(l, nil))
}

// cashVoucher answers the code the client shows at a terminal to take a loan paid out in cash
// (R8.6); it is never cached on the way.
func (h *handlers) cashVoucher(w http.ResponseWriter, r *http.Request) error {
	v, err := h.Loans.Voucher(r.Context(), clientOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, map[string]any{"voucher_code": v.Code, "amount_tiyn": v.Amount.Tiyn()})
}

func (h *handlers) submit(w http.ResponseWriter, r *http.Request) error {
	l, err := h.Loans.Submit(r.Context(), clientOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, loanOf(l, nil))
}

// contract answers the contract copy as a PDF, its integrity checked (R7.3, R11). The hash is
// in a header, for the app to show and the client to compare with a receipt.
func (h *handlers) contract(w http.ResponseWriter, r *http.Request) error {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = "ru"
	}
	d, err := h.Loans.Contract(r.Context(), clientOf(r), r.PathValue("id"), lang)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(d.Content)))
	w.Header().Set("X-Content-SHA256", hex.EncodeToString(d.SHA256))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(d.Content)
	return err
}

type signRequest struct {
	Lang             string `json:"lang"`
	BiometricCheckID string `json:"biometric_check_id"`
	Signature        []byte `json:"signature,omitempty"`
}

// sign concludes the contract with biometrics and EDS (R9.1).
func (h *handlers) sign(w http.ResponseWriter, r *http.Request) error {
	var body signRequest
	if err := decode(r, &body); err != nil {
		return err
	}
	l, err := h.Loans.Sign(r.Context(), clientOf(r), r.PathValue("id"), loan.SignRequest(body))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, loanOf(l, nil))
}

func (h *handlers) consentStatement(w http.ResponseWriter, r *http.Request) error {
	text, err := h.Loans.Statement(r.Context(), clientOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(text)
	return err
}

func (h *handlers) consentCode(w http.ResponseWriter, r *http.Request) error {
	cc, err := h.Loans.RequestConsentCode(r.Context(), clientOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]string{"code_id": cc.ID, "expires_at": stamp(cc.ExpiresAt), "sent_to": cc.SentTo})
}

type consentRequest struct {
	BiometricCheckID string `json:"biometric_check_id"`
	Signature        []byte `json:"signature,omitempty"`
	CodeID           string `json:"code_id,omitempty"`
	Code             string `json:"code,omitempty"`
}

// consent takes the consent after the 24 hours (R9-1.1).
func (h *handlers) consent(w http.ResponseWriter, r *http.Request) error {
	var body consentRequest
	if err := decode(r, &body); err != nil {
		return err
	}
	l, err := h.Loans.Consent(r.Context(), clientOf(r), r.PathValue("id"), loan.ConsentRequest(body))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, loanOf(l, nil))
}

func (h *handlers) goodsReceived(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		BiometricCheckID string `json:"biometric_check_id"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	l, err := h.Loans.ConfirmGoods(r.Context(), clientOf(r), r.PathValue("id"), body.BiometricCheckID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, loanOf(l, nil))
}

func (h *handlers) cancel(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Reason string `json:"reason,omitempty"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	l, err := h.Loans.Cancel(r.Context(), clientOf(r), r.PathValue("id"), body.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, loanOf(l, nil))
}

func (h *handlers) draw(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		AmountTiyn int64 `json:"amount_tiyn"`
		Term       int   `json:"term,omitempty"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	l, err := h.Loans.Draw(r.Context(), clientOf(r), r.PathValue("id"), money.Amount(body.AmountTiyn), body.Term)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, loanOf(l, nil))
}

// increase asks to add to a paid-out loan's amount: an amendment, submitted, signed and
// cooled off like a loan (R9.1, R9-1.1).
func (h *handlers) increase(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		AmountTiyn int64 `json:"amount_tiyn"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	l, err := h.Loans.Increase(r.Context(), clientOf(r), r.PathValue("id"), money.Amount(body.AmountTiyn))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, loanOf(l, nil))
}

func (h *handlers) loanDocuments(w http.ResponseWriter, r *http.Request) error {
	docs, err := h.Loans.Documents(r.Context(), clientOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	type docAnswer struct {
		ID        string `json:"id"`
		Kind      string `json:"kind"`
		Direction string `json:"direction"`
		At        string `json:"at"`
		SHA256    string `json:"sha256"`
		Size      int64  `json:"size"`
	}
	out := make([]docAnswer, len(docs))
	for i, d := range docs {
		out[i] = docAnswer{ID: d.ID, Kind: d.Kind, Direction: string(d.Direction), At: stamp(d.At), SHA256: hex.EncodeToString(d.SHA256), Size: d.Size}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"documents": out})
}

// receipt issues the MFO-signed confirmation of the loan's documents (R12).
func (h *handlers) receipt(w http.ResponseWriter, r *http.Request) error {
	rc, err := h.Loans.Receipt(r.Context(), clientOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	// The receipt as JSON to read, and its exact bytes (base64) for the signature to be checked.
	return writeJSON(w, http.StatusCreated, map[string]any{"receipt": json.RawMessage(rc.JSON), "receipt_bytes": rc.JSON,
		"signature": rc.Signature, "key_id": rc.KeyID})
}
