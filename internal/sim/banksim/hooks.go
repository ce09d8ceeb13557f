package banksim

import (
	"net/http"
	"slices"

	"nesie.kz/nesie/internal/kz"
)

func (s *Simulator) openAccountHook(w http.ResponseWriter, r *http.Request) {
	var q struct{ Owner, IBAN string }
	if err := readJSON(r, &q); err != nil || q.Owner == "" {
		writeError(w, http.StatusBadRequest, "bad_request")
		return
	}
	iban, err := kz.ParseIBAN(q.IBAN)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_iban")
		return
	}
	s.OpenAccount(q.Owner, iban)
	writeJSON(w, http.StatusCreated, map[string]string{"iban": iban.String(), "owner": q.Owner})
}

type holdingView struct {
	IBAN    string   `json:"iban,omitempty"`
	Token   string   `json:"token,omitempty"`
	Masked  string   `json:"masked,omitempty"`
	Owner   string   `json:"owner"`
	Balance int64    `json:"balance"`
	Credits []credit `json:"credits"`
}

func (s *Simulator) accountHook(w http.ResponseWriter, r *http.Request) {
	iban := r.PathValue("iban")
	s.mu.Lock()
	a, ok := s.accounts[iban]
	var v holdingView
	if ok {
		v = holdingView{IBAN: iban, Owner: a.owner, Balance: int64(a.balance), Credits: slices.Clone(a.credits)}
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "unknown_account")
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Simulator) addCardHook(w http.ResponseWriter, r *http.Request) {
	var q struct{ Owner, PAN string }
	if err := readJSON(r, &q); err != nil || q.Owner == "" || !luhn(q.PAN) {
		writeError(w, http.StatusBadRequest, "bad_request")
		return
	}
	tok := s.AddCard(q.Owner, q.PAN)
	writeJSON(w, http.StatusCreated, map[string]string{"token": tok, "masked": maskPAN(q.PAN)})
}

func (s *Simulator) cardHook(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	s.mu.Lock()
	c, ok := s.cards[tok]
	var v holdingView
	if ok {
		v = holdingView{Token: tok, Masked: c.masked, Owner: c.owner, Balance: int64(c.balance), Credits: slices.Clone(c.credits)}
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "unknown_card")
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Simulator) transfersHook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	count, completed := len(s.transfers), 0
	for _, t := range s.transfers {
		if t.answer.Status == "completed" {
			completed++
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]int{"count": count, "completed": completed})
}

func (s *Simulator) loseHook(w http.ResponseWriter, r *http.Request) {
	var q struct {
		N int `json:"n"`
	}
	if err := readJSON(r, &q); err != nil || q.N < 0 {
		writeError(w, http.StatusBadRequest, "bad_request")
		return
	}
	s.SetLoseResponses(q.N)
	writeJSON(w, http.StatusOK, map[string]int{"n": q.N})
}
