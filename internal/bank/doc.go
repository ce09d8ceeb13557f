// Package bank is Nesie's adapter to the bank / payment gateway through which loan money
// leaves the MFO (R9.2): it asks whether an account or card belongs to a person (R9.3),
// tokenizes a card, sends transfers under an idempotency key, asks a transfer's status, and
// issues cash vouchers for terminals. The simulator in internal/sim/banksim speaks the same
// protocol; production points the client at the real gateway.
//
// # Protocol
//
// JSON over HTTP. Amounts are integers of tiyn; identifiers of people are the 12 digits of an
// IIN or BIN; an account is a canonical Kazakh IBAN (20 characters, no spaces).
//
//	POST /v1/ownership            {"kind":"account"|"card","iban":"KZ…","card_token":"…","owner":"IIN/BIN"}
//	  200 {"kind":…,"iban":…,"card_token":…,"owner":…,"owned":true|false}
//	  The answer repeats the question; an unknown account or card is owned:false.
//
//	POST /v1/cards                {"pan":"4400…","exp_month":12,"exp_year":2029}
//	  200 {"token":"…","masked":"440043******1234","exp_month":12,"exp_year":2029}
//	  422 {"error":"invalid_card"}
//	  The card number crosses the wire here only; Nesie keeps the token and the masked number.
//
//	POST /v1/transfers            header Idempotency-Key: KEY
//	                              {"amount":N,"to":{"kind":"account"|"card"|"cash_voucher","iban":…,"card_token":…},
//	                               "beneficiary":"IIN/BIN","purpose":"…"}
//	  200 {"key":KEY,"id":"…","status":"completed"|"failed"|"pending","reason":"…","voucher_code":"…","amount":N}
//	  409 {"error":"idempotency_key_reused"}  the key was used with a different body
//	  The same key with the same body answers the transfer made the first time: the gateway
//	  never makes a second one. A failed transfer moved no money; reason says why.
//
//	GET  /v1/transfers/{KEY}
//	  200 as above, 404 {"error":"unknown_key"} when no transfer was ever made under KEY.
//
// Every failure of the transport, a timeout, a 5xx or an answer that is not the protocol's is
// fault.ErrUnavailable: the caller does not know what happened and must not assume a failure.
package bank
