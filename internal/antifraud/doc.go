// Package antifraud answers the loan flow's anti-fraud question, asked before a decision and
// before a payout (R8-2.4, R8-2.5): allow, send to staff review, or deny.
//
// Decider is the question; Lists is the built-in answer, which screens the client against
// the MFO's internal stop lists (IIN, phone, IBAN — entered by staff, or reported by the
// anti-fraud centre, АФЦ) and the unconsumed anti-fraud signals other domains raised for the
// IIN (three failed biometric identifications, for one). The rules engine and the АФЦ
// integration come later behind the same interface; Lists is never an always-allow stand-in.
//
// The listed values are personal data: each is stored sealed by the vault, bound to its row,
// with a blind index of the same kind the client table uses ("iin", "phone", "iban") for the
// lookup (R37). Entries are removed by stamping them, never deleted, so a past refusal still
// names the entry that caused it. Every addition and removal is audited, with the value
// masked.
package antifraud
