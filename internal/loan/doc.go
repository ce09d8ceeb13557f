// Package loan carries a microcredit from the client's application to the money leaving the
// MFO (Rules 217 p. 7–12): the application with the lending rules and rights acknowledged
// (R8.2, R8.5), the draft schedules by every method the product allows side by side (R8.3,
// R8.4), the way to receive the money (R8.6, R8.7), the checks and the decision (through
// internal/underwriting), the contract in Russian and Kazakh (R8.1-1, R7.3), signing with
// biometrics and EDS (R9.1), the 24-hour cooling-off and the consent after it (R9-1), the
// payout (through internal/payout, R9.2–R9.5), the integrity of every document (R11) and the
// receipts of sent and received documents (R12).
//
// A loan is one row whose Status moves only along the transition table in status.go; every
// move is a guarded UPDATE (… WHERE status = the expected one) in the transaction that writes
// its audit event, so two racing requests cannot both win.
package loan
