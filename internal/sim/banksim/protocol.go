package banksim

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"nesie.kz/nesie/internal/money"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]string{"error": code})
}

func readJSON(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

type ownershipQuestion struct {
	Kind      string `json:"kind"`
	IBAN      string `json:"iban,omitempty"`
	CardToken string `json:"card_token,omitempty"`
	Owner     string `json:"owner"`
}

func (s *Simulator) ownership(w http.ResponseWriter, r *http.Request) {
	var q ownershipQuestion
	if err := readJSON(r, &q); err != nil || q.Owner == "" {
		writeError(w, http.StatusBadRequest, "bad_request")
		return
	}
	owned := false
	s.mu.Lock()
	switch q.Kind {
	case "account":
		if a, ok := s.accounts[q.IBAN]; ok {
			owned = a.owner == q.Owner
		}
	case "card":
		if c, ok := s.cards[q.CardToken]; ok {
			owned = c.owner == q.Owner
		}
	default:
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "bad_kind")
		return
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, struct {
		ownershipQuestion
		Owned bool `json:"owned"`
	}{q, owned})
}

func (s *Simulator) tokenize(w http.ResponseWriter, r *http.Request) {
	var q struct {
		PAN      string `json:"pan"`
		ExpMonth int    `json:"exp_month"`
		ExpYear  int    `json:"exp_year"`
	}
	if err := readJSON(r, &q); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request")
		return
	}
	if !luhn(q.PAN) || q.ExpMonth < 1 || q.ExpMonth > 12 {
		writeError(w, http.StatusUnprocessableEntity, "invalid_card")
		return
	}
	s.mu.Lock()
	tok := s.tokenLocked(q.PAN)
	masked := s.cards[tok].masked
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"token": tok, "masked": masked, "exp_month": q.ExpMonth, "exp_year": q.ExpYear})
}

type transferRequest struct {
	Amount int64 `json:"amount"`
	To     struct {
		Kind      string `json:"kind"`
		IBAN      string `json:"iban,omitempty"`
		CardToken string `json:"card_token,omitempty"`
	} `json:"to"`
	Beneficiary string `json:"beneficiary"`
	Purpose     string `json:"purpose"`
}

func (s *Simulator) transfer(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	var q transferRequest
	if err := readJSON(r, &q); err != nil || key == "" || q.Amount <= 0 || q.Beneficiary == "" {
		writeError(w, http.StatusBadRequest, "bad_request")
		return
	}
	canonical, _ := json.Marshal(q) // re-encoded: the same request in other spacing is the same
	s.mu.Lock()
	t, seen := s.transfers[key]
	if seen && string(t.request) != string(canonical) {
		s.mu.Unlock()
		writeError(w, http.StatusConflict, "idempotency_key_reused")
		return
	}
	if !seen {
		t = &transfer{request: canonical, answer: s.executeLocked(key, q)}
		s.transfers[key] = t
	}
	answer := t.answer
	lose := s.lose > 0
	if lose {
		s.lose--
	}
	s.mu.Unlock()
	if lose {
		// Answered with a gateway error rather than a dropped connection: Go's transport
		// silently resends a request that carries an Idempotency-Key when a reused connection
		// drops, which would hide the very uncertainty this mode exists to create.
		writeError(w, http.StatusBadGateway, "upstream_timeout")
		return
	}
	writeJSON(w, http.StatusOK, answer)
}

// executeLocked carries out a new transfer: credits the account or card, or issues a voucher.
func (s *Simulator) executeLocked(key string, q transferRequest) transferAnswer {
	s.made++
	a := transferAnswer{Key: key, ID: "TRF" + strconv.Itoa(100000+s.made), Amount: q.Amount}
	fail := func(reason string) transferAnswer {
		a.Status, a.Reason = "failed", reason
		return a
	}
	var h *holding
	switch q.To.Kind {
	case "account":
		acc, ok := s.accounts[q.To.IBAN]
		if !ok {
			return fail("unknown_account")
		}
		h = acc
	case "card":
		c, ok := s.cards[q.To.CardToken]
		if !ok || c.owner == "" {
			return fail("unknown_card")
		}
		h = &c.holding
	case "cash_voucher":
		a.Status, a.VoucherCode = "completed", "V"+strings.ToUpper(randomHex(5))
		return a
	default:
		return fail("unknown_destination")
	}
	bal, err := money.Add(h.balance, money.Amount(q.Amount))
	if err != nil {
		return fail("amount_too_large")
	}
	h.balance = bal
	h.credits = append(h.credits, credit{Key: key, Amount: q.Amount})
	a.Status = "completed"
	return a
}

func (s *Simulator) status(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t, ok := s.transfers[r.PathValue("key")]
	var answer transferAnswer
	if ok {
		answer = t.answer
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "unknown_key")
		return
	}
	writeJSON(w, http.StatusOK, answer)
}

func luhn(pan string) bool {
	if len(pan) < 12 || len(pan) > 19 {
		return false
	}
	sum, double := 0, false
	for i := len(pan) - 1; i >= 0; i-- {
		if pan[i] < '0' || pan[i] > '9' {
			return false
		}
		d := int(pan[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
