// Package payout is the outbox of money leaving the MFO (R9.2–R9.5). The loan core enqueues
// an order inside its own transaction, so the order exists exactly when the loan that owes
// it does; a worker sends it through the payment gateway afterwards, outside any database
// transaction; a reconciler settles what is uncertain.
//
// Exactly once. An order's id is the gateway's idempotency key and its reference (the loan)
// is unique, so double clicks and retries name one transfer. An order moves
// pending → sending → paid | failed by guarded updates. A worker claims an order by giving it a
// lease (FOR UPDATE SKIP LOCKED on PostgreSQL, so any number of nodes share the work) and
// increments its attempt number, which fences every later update: only the holder of the
// newest claim may settle it. Once a transfer may have been sent the order never returns to
// pending: when the answer is lost (a timeout, a crash between the gateway's answer and the
// commit) the order stays sending until its lease runs out, and the next claim first asks the
// gateway for the transfer under the key; only when the gateway never saw the key is the
// transfer sent again, and the gateway dedupes even that. An outcome is never assumed: a
// gateway that cannot be reached leaves a pending order pending and an uncertain one sending.
//
// R9.3: before any transfer to an account or card the gateway is asked whether it belongs to
// the beneficiary; if not, the order fails with "destination_not_owned" and nothing is sent.
// R9.4: an order to a merchant's account is refused without a biometric check. R9.5: cash at
// the cash desk is recorded by the cashier with the recipient's ID document, and a power of
// attorney for a legal entity's representative.
//
// R8-2.6: the anti-fraud system can suspend or reject a disbursement. With Config.Screen set,
// an order nothing has been sent for is screened just before its money would leave — by the
// worker after the claim, by the cash desk before the hand-out: deny fails it
// ("fraud_suspected", through the Failed hook), review holds it (status held: no lease, not
// settled) until staff Release it (pending again, or awaiting the cashier) or Reject it
// (failed, "fraud_rejected"), and no answer leaves it as it was (fail closed). The package
// knows the screen as a function only; the application adapts the anti-fraud service to it.
//
// R37: the beneficiary's IIN or BIN, the IBAN, the card token and the ID document's number are
// kept sealed with the MFO's keys (Config.Vault, required), each bound to its row; the audit
// trail gets masked forms only.
package payout
