// Package contract renders the microcredit contract that Resolution No. 232 prescribes (R8.1-1)
// — the first page «information on the full cost of the microcredit», the mandatory conditions
// and the repayment schedule form — to PDF in Russian and Kazakh, and issues the MFO-signed
// receipt that confirms when each e-document of a credit was sent or received (R12).
//
// Rendering is deterministic: the same Terms give the same bytes, so the SHA-256 kept at
// signing can be recomputed from the terms at any time (R11). The PDF carries no random ids and
// its creation date is the contract date. The bytes depend on the template version, the
// embedded DejaVu fonts and the subset this package makes of them: a change to any of these
// changes the hash (TestR11_RenderingOfAVersionNeverChanges guards it), so keep the signed
// bytes themselves and use re-rendering as a check.
//
// The PDF is written by a small writer of its own (pdfwriter.go) with the fonts parsed once
// per process; fpdf, which re-parses the font for every document, cost ~25 ms a pair. Each
// document embeds only the glyphs it shows, without hinting (subset.go, glyf.go), numbered in
// the order the layout first shows them, so a contract is ≈30 KB rather than 145 KB. The font
// objects of the last documents are cached by that exact order (fontcache.go) and the working
// buffers are pooled; neither changes a byte (TestR11_FontCacheNeverChangesTheBytes).
//
// The exact wording of Resolution No. 232 has NOT been confirmed: its text could not be
// retrieved (FACTS.md §1, §1.1 are tagged [U]). The templates follow the expected fields; a
// lawyer must compare them with the act before production. The Kazakh text needs a native
// speaker's review. Both are versioned (CurrentTemplate), so a corrected wording is a new
// version and contracts already signed stay renderable under the version they were signed in.
package contract

// Lang is the language a document is rendered in.
type Lang string

// The languages a contract is issued in: the state language and Russian.
const (
	Russian Lang = "ru"
	Kazakh  Lang = "kk"
)
