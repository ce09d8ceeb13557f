// Package bureausim simulates a credit bureau (ПКБ/ГКБ): asked about a person by IIN, it
// answers a signed credit report — the person's credits with their overdue days, and the
// voluntary-refusal mark («добровольный отказ от получения займов»). Tests and the demo seed
// it with Set or POST /sim/subjects; serve it with sim.Start.
//
// The protocol (what a real bureau's gateway would be adapted to):
//
//	POST /v1/reports   {"iin": "850305400120", "nonce": "<1–128 printable ASCII>"}
//	200  body: the report (JSON, below); header Bureau-Signature: ed25519 <base64 signature of the body bytes>
//	     {"report_id": "…", "iin": "…", "nonce": "<echoed>", "made_at": "RFC 3339",
//	      "voluntary_refusal": null | {"since": "YYYY-MM-DD"},
//	      "credits": [{"creditor": "…", "outstanding_tiyn": 0, "monthly_payment_tiyn": 0,
//	                   "days_overdue": 0, "max_days_overdue_12m": 0, "secured": false}]}
//	400  {"error": "…"} for a request without a valid IIN or nonce
//
// The signature covers the body exactly as sent, so whoever keeps the body and the signature
// can prove what the bureau said; the nonce echoed inside it ties the report to one request
// (an old signed report replayed is refused by the adapter). An IIN the bureau knows nothing
// about gets a report with no credits and no mark, as a real bureau answers for a person
// without a credit history.
package bureausim

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"nesie.kz/nesie/internal/clock"
	"nesie.kz/nesie/internal/date"
	"nesie.kz/nesie/internal/kz"
)

// SignatureHeader carries the bureau's signature of the report body: "ed25519 " and the
// standard base64 of the 64-byte signature.
const SignatureHeader = "Bureau-Signature"

// SubjectsPath is where a tester seeds a person's history over HTTP (`nesie sim`).
const SubjectsPath = "/sim/subjects"

// Credit is one of a person's credits as the bureau reports it. Sums are in tiyn.
type Credit struct {
	Creditor           string `json:"creditor"`
	OutstandingTiyn    int64  `json:"outstanding_tiyn"`
	MonthlyPaymentTiyn int64  `json:"monthly_payment_tiyn"`
	DaysOverdue        int    `json:"days_overdue"`
	MaxDaysOverdue12m  int    `json:"max_days_overdue_12m"`
	Secured            bool   `json:"secured"`
}

// Refusal is the voluntary-refusal mark: the person asked, on eGov, that no loans be granted
// to them, from Since.
type Refusal struct {
	Since string `json:"since"` // YYYY-MM-DD
}

// Subject is what the bureau knows about one person.
type Subject struct {
	Credits          []Credit `json:"credits"`
	VoluntaryRefusal *Refusal `json:"voluntary_refusal"`
}

// Report is the body of a report, in the order its fields are sent.
type Report struct {
	ReportID         string   `json:"report_id"`
	IIN              string   `json:"iin"`
	Nonce            string   `json:"nonce"`
	MadeAt           string   `json:"made_at"`
	VoluntaryRefusal *Refusal `json:"voluntary_refusal"`
	Credits          []Credit `json:"credits"`
}

// Bureau is the simulated bureau. It is an http.Handler and safe for concurrent use.
type Bureau struct {
	clock    clock.Clock
	key      ed25519.PrivateKey
	mu       sync.Mutex
	subjects map[string]Subject
	mux      *http.ServeMux
}

// New returns a bureau that knows nobody, signing with a fresh key and dating its reports by
// clk (clock.System when nil).
func New(clk clock.Clock) *Bureau {
	if clk == nil {
		clk = clock.System{}
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(fmt.Sprintf("bureausim: key: %v", err)) // the system's randomness failed
	}
	b := &Bureau{clock: clk, key: key, subjects: map[string]Subject{}, mux: http.NewServeMux()}
	b.mux.HandleFunc("POST /v1/reports", b.report)
	b.mux.HandleFunc("POST "+SubjectsPath, b.setSubject)
	return b
}

// PublicKey is the key the bureau's reports are signed with: the adapter is configured with it.
func (b *Bureau) PublicKey() ed25519.PublicKey { return b.key.Public().(ed25519.PublicKey) }

// Set records what the bureau knows about the person with iin, replacing anything earlier.
func (b *Bureau) Set(iin string, s Subject) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s.Credits = append([]Credit(nil), s.Credits...)
	b.subjects[iin] = s
}

// ServeHTTP answers the bureau's API.
func (b *Bureau) ServeHTTP(w http.ResponseWriter, r *http.Request) { b.mux.ServeHTTP(w, r) }

func (b *Bureau) report(w http.ResponseWriter, r *http.Request) {
	var q struct {
		IIN   string `json:"iin"`
		Nonce string `json:"nonce"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4<<10)).Decode(&q); err != nil {
		answerError(w, "body: want JSON {iin, nonce}")
		return
	}
	if _, err := kz.ParseIIN(q.IIN); err != nil {
		answerError(w, "iin: not a valid IIN")
		return
	}
	if !printable(q.Nonce, 128) {
		answerError(w, "nonce: want 1–128 printable ASCII characters")
		return
	}
	b.mu.Lock()
	s := b.subjects[q.IIN]
	b.mu.Unlock()
	rep := Report{
		ReportID:         newID(),
		IIN:              q.IIN,
		Nonce:            q.Nonce,
		MadeAt:           b.clock.Now().UTC().Format(time.RFC3339Nano),
		VoluntaryRefusal: s.VoluntaryRefusal,
		Credits:          s.Credits,
	}
	if rep.Credits == nil {
		rep.Credits = []Credit{}
	}
	body, err := json.Marshal(rep)
	if err != nil {
		http.Error(w, "encode", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(SignatureHeader, "ed25519 "+base64.StdEncoding.EncodeToString(ed25519.Sign(b.key, body)))
	w.Write(body)
}

// setSubject seeds a person: {"iin": "…", "credits": […], "voluntary_refusal": {"since": "…"}}.
func (b *Bureau) setSubject(w http.ResponseWriter, r *http.Request) {
	var q struct {
		IIN string `json:"iin"`
		Subject
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		answerError(w, "body: "+err.Error())
		return
	}
	if _, err := kz.ParseIIN(q.IIN); err != nil {
		answerError(w, "iin: not a valid IIN")
		return
	}
	if q.VoluntaryRefusal != nil {
		if _, err := date.Parse(q.VoluntaryRefusal.Since); err != nil {
			answerError(w, "voluntary_refusal.since: want YYYY-MM-DD")
			return
		}
	}
	b.Set(q.IIN, q.Subject)
	w.WriteHeader(http.StatusNoContent)
}

func answerError(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func printable(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
