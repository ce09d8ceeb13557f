package bureausim

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"nesie.kz/nesie/internal/clock"
)

// A made-up IIN with a valid check digit.
const subjectIIN = "850305400120"

func post(b *Bureau, path, body string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	b.ServeHTTP(w, httptest.NewRequest("POST", path, strings.NewReader(body)))
	return w
}

func TestReportIsSignedAndEchoesTheQuestion(t *testing.T) {
	clk := clock.NewTest(time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC))
	b := New(clk)
	b.Set(subjectIIN, Subject{Credits: []Credit{{Creditor: "Bank", OutstandingTiyn: 5}}, VoluntaryRefusal: &Refusal{Since: "2025-01-02"}})
	w := post(b, "/v1/reports", `{"iin":"`+subjectIIN+`","nonce":"abc"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	sigB64, ok := strings.CutPrefix(w.Header().Get(SignatureHeader), "ed25519 ")
	sig, _ := base64.StdEncoding.DecodeString(sigB64)
	if !ok || !ed25519.Verify(b.PublicKey(), w.Body.Bytes(), sig) {
		t.Error("the body does not verify under PublicKey")
	}
	var rep Report
	json.Unmarshal(w.Body.Bytes(), &rep)
	if rep.IIN != subjectIIN || rep.Nonce != "abc" || rep.MadeAt != "2026-03-02T04:00:00Z" || len(rep.Credits) != 1 || rep.VoluntaryRefusal == nil || rep.ReportID == "" {
		t.Errorf("report = %+v", rep)
	}
	// Unknown person: an empty history, credits as [] not null.
	w = post(b, "/v1/reports", `{"iin":"900101300017","nonce":"n"}`)
	if w.Code != http.StatusOK || !bytes.Contains(w.Body.Bytes(), []byte(`"voluntary_refusal":null,"credits":[]`)) {
		t.Errorf("unknown person: %d %s", w.Code, w.Body)
	}
}

func TestBadQuestionsAndSeedsAreRefused(t *testing.T) {
	b := New(nil)
	for _, body := range []string{`{"iin":"850305400121","nonce":"n"}`, `{"iin":"` + subjectIIN + `","nonce":""}`, `not json`} {
		if w := post(b, "/v1/reports", body); w.Code != http.StatusBadRequest {
			t.Errorf("report %s: %d, want 400", body, w.Code)
		}
	}
	for _, body := range []string{`{"iin":"` + subjectIIN + `","voluntary_refusal":{"since":"2025-02-30"}}`, `{"iin":"` + subjectIIN + `","surprise":1}`} {
		if w := post(b, SubjectsPath, body); w.Code != http.StatusBadRequest {
			t.Errorf("seed %s: %d, want 400", body, w.Code)
		}
	}
}
