// Package banksim simulates the bank / payment gateway Nesie pays loans out through. It
// speaks the protocol documented in package bank (ownership, card tokens, idempotent
// transfers, their status, cash vouchers) and keeps accounts (IBAN → owner IIN or BIN,
// balance in tiyn) and cards (PAN → owner, token) in memory.
//
// Test hooks, beside the Go API (OpenAccount, AddCard, Balance, Transfers, SetLoseResponses):
//
//	POST /sim/accounts         {"owner":"IIN/BIN","iban":"KZ…"}         open an account
//	GET  /sim/accounts/{iban}  {"iban","owner","balance","credits":[{"key","amount"}]}
//	POST /sim/cards            {"owner":"IIN","pan":"…"}                 add a card → {"token","masked"}
//	GET  /sim/cards/{token}    {"token","masked","owner","balance","credits":[…]}
//	GET  /sim/transfers        {"count":N,"completed":M}                 transfers the bank recorded
//	POST /sim/lose-responses   {"n":K}   the next K transfer requests are carried out and then
//	                                     answered 502: the bank did it, the caller does not know.
//
// Serve it with sim.Start(…, sim.Handler()); sim's modes (Fail, Hang, Garbage) apply on top.
package banksim
