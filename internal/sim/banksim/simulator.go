package banksim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"

	"nesie.kz/nesie/internal/kz"
	"nesie.kz/nesie/internal/money"
)

// Simulator is the simulated gateway. It is safe for concurrent use.
type Simulator struct {
	mu        sync.Mutex
	accounts  map[string]*holding // canonical IBAN → account
	cards     map[string]*card    // token → card
	byPAN     map[string]string   // PAN → token: one token per card, as real gateways do
	transfers map[string]*transfer
	made      int // transfers recorded, in order, for their ids
	lose      int // transfer responses still to drop
}

// holding is money somewhere: an account or a card.
type holding struct {
	owner   string
	balance money.Amount
	credits []credit
}

type credit struct {
	Key    string `json:"key"`
	Amount int64  `json:"amount"`
}

type card struct {
	holding
	token, masked string
}

// transfer is one transfer as recorded under its idempotency key: the request it was made
// for (to tell a retry from a reuse of the key) and the answer it got.
type transfer struct {
	request []byte // canonical JSON of the request body
	answer  transferAnswer
}

type transferAnswer struct {
	Key         string `json:"key"`
	ID          string `json:"id"`
	Status      string `json:"status"`
	Reason      string `json:"reason,omitempty"`
	VoucherCode string `json:"voucher_code,omitempty"`
	Amount      int64  `json:"amount"`
}

// New returns a gateway with no accounts and no cards.
func New() *Simulator {
	return &Simulator{
		accounts:  map[string]*holding{},
		cards:     map[string]*card{},
		byPAN:     map[string]string{},
		transfers: map[string]*transfer{},
	}
}

// Handler serves the gateway's protocol and the test hooks.
func (s *Simulator) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/ownership", s.ownership)
	mux.HandleFunc("POST /v1/cards", s.tokenize)
	mux.HandleFunc("POST /v1/transfers", s.transfer)
	mux.HandleFunc("GET /v1/transfers/{key}", s.status)
	mux.HandleFunc("POST /sim/accounts", s.openAccountHook)
	mux.HandleFunc("GET /sim/accounts/{iban}", s.accountHook)
	mux.HandleFunc("POST /sim/cards", s.addCardHook)
	mux.HandleFunc("GET /sim/cards/{token}", s.cardHook)
	mux.HandleFunc("GET /sim/transfers", s.transfersHook)
	mux.HandleFunc("POST /sim/lose-responses", s.loseHook)
	return mux
}

// OpenAccount opens the account iban for owner (an IIN or BIN) with a zero balance; an
// account already open keeps its balance and changes owner.
func (s *Simulator) OpenAccount(owner string, iban kz.IBAN) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[iban.String()]; ok {
		a.owner = owner
		return
	}
	s.accounts[iban.String()] = &holding{owner: owner}
}

// AddCard issues the card pan to owner and returns its token, the one tokenizing the same
// number answers.
func (s *Simulator) AddCard(owner, pan string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok := s.tokenLocked(pan)
	s.cards[tok].owner = owner
	return tok
}

// tokenLocked returns the card's token, creating an ownerless card on first sight.
func (s *Simulator) tokenLocked(pan string) string {
	if tok, ok := s.byPAN[pan]; ok {
		return tok
	}
	tok := "tok_" + randomHex(12)
	s.byPAN[pan] = tok
	s.cards[tok] = &card{token: tok, masked: maskPAN(pan)}
	return tok
}

// Balance returns what the account iban has received (zero for an unknown account).
func (s *Simulator) Balance(iban kz.IBAN) money.Amount {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[iban.String()]; ok {
		return a.balance
	}
	return 0
}

// CardBalance returns what the card with token has received.
func (s *Simulator) CardBalance(token string) money.Amount {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.cards[token]; ok {
		return c.balance
	}
	return 0
}

// Transfers returns how many transfers the gateway has recorded (each idempotency key once,
// failed ones included).
func (s *Simulator) Transfers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.transfers)
}

// Voucher is the code of the cash voucher issued under the transfer key, the one a terminal
// would pay out against; "" when none was.
func (s *Simulator) Voucher(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.transfers[key]; ok {
		return t.answer.VoucherCode
	}
	return ""
}

// SetLoseResponses makes the next n transfer requests be carried out and then answered with
// HTTP 502, as if the answer were lost on the way back.
func (s *Simulator) SetLoseResponses(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lose = max(n, 0)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("banksim: random: %v", err)) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}

func maskPAN(pan string) string {
	if len(pan) < 10 {
		return "**********"
	}
	stars := make([]byte, len(pan)-10)
	for i := range stars {
		stars[i] = '*'
	}
	return pan[:6] + string(stars) + pan[len(pan)-4:]
}
