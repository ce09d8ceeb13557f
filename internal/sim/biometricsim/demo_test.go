package biometricsim_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nesie.kz/nesie/internal/browsertest"
	"nesie.kz/nesie/internal/sim/biometricsim"
)

// demoResult is the result the relying party reads after the page sent the performance.
type demoResult struct {
	IIN                string   `json:"iin"`
	LivenessPassed     bool     `json:"liveness_passed"`
	MovementsSeen      []string `json:"movements_seen"`
	SimilarityPermille int      `json:"similarity_permille"`
}

// actOut opens the demo page of session c in a headless Chromium (which has no camera),
// presses the movement buttons in the order given, picks the frame source and sends. It
// returns the browser, for its problems, and the status line the page showed.
func actOut(t *testing.T, f *fixture, c created, order []string, source string) (*browsertest.Browser, string) {
	t.Helper()
	b := browsertest.New(t)
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b.Ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	do("open the page", chromedp.Navigate(f.url+"/demo/sessions/"+c.SessionID), chromedp.WaitVisible("#send"))
	// Wait for the script's camera probe to conclude there is none, so the act-out path is
	// the one taken, as on a computer without a camera.
	do("camera probe", chromedp.WaitVisible("#camera-status"))
	if cam, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`document.getElementById("camera-status").textContent !== ""`, chromedp.WithPollingTimeout(10*time.Second))); err != nil || !cam {
		t.Fatalf("the page never said whether there is a camera: %v", err)
	}
	for _, m := range order {
		do("press "+m, chromedp.Click(`button.movement[data-movement="`+m+`"]`))
	}
	do("choose "+source, chromedp.Click(`input[name="frame"][value="`+source+`"]`), chromedp.Click("#send"))
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`document.getElementById("demo").dataset.sent === "true"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		st, _ := chromedp.Run(b.Ctx, chromedp.Text("#status"))
		t.Fatalf("the page did not send (status %q): %v", st, err)
	}
	status, err := chromedp.Run(b.Ctx, chromedp.Text("#status"))
	if err != nil {
		t.Fatal(err)
	}
	return b, status
}

// TestR35_DemoPageActsOutTheMovementsInABrowser opens the simulator's demo page in a real
// headless Chromium, which has no camera: the tester presses the movements in the order the
// session asked for them and sends the identity's demo selfie. The signed result the relying
// party then fetches says liveness passed, with exactly the issued movements in order and a
// high similarity; the page ran under its Content-Security-Policy without any error.
func TestR35_DemoPageActsOutTheMovementsInABrowser(t *testing.T) {
	f := start(t)
	id := biometricsim.DemoIdentities()[0]
	var c created
	if st := f.do("POST", "/v1/sessions", map[string]string{"iin": id.IIN, "client_ref": "demo"}, &c); st != http.StatusCreated {
		t.Fatalf("create session: %d", st)
	}
	b, status := actOut(t, f, c, c.Movements, "selfie")

	var r demoResult
	if st := f.do("GET", "/v1/sessions/"+c.SessionID+"/result", nil, &r); st != http.StatusOK {
		t.Fatalf("result: %d", st)
	}
	if r.IIN != id.IIN || !r.LivenessPassed || !slices.Equal(r.MovementsSeen, c.Movements) {
		t.Errorf("result %+v, want liveness passed for %s with movements %v", r, id.IIN, c.Movements)
	}
	// 962 is the documented score of the demo selfie; Nesie's threshold is well above the
	// 100–299 of a stranger, so "high" here means at least 900.
	if r.SimilarityPermille < 900 {
		t.Errorf("similarity %d‰, want a match (≥ 900‰)", r.SimilarityPermille)
	}
	if !strings.Contains(status, "performed") || !strings.Contains(status, "да / иә") {
		t.Errorf("the page showed %q, want the performed status and liveness yes", status)
	}
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("the browser reported: %v", p)
	}
}

// TestR35_DemoPageCanProduceResultsNesieRefuses acts out of order with the right face, and
// in order with a stranger's photo: the results carry the movements as pressed and the
// similarity of the frame sent, which Nesie's checks refuse (order differs / no match).
func TestR35_DemoPageCanProduceResultsNesieRefuses(t *testing.T) {
	f := start(t)
	id := biometricsim.DemoIdentities()[1]
	for _, tc := range []struct {
		name     string
		reorder  func([]string) []string
		source   string
		wantLow  bool
		wantSame bool
	}{
		{"out of order", func(m []string) []string {
			return append([]string{m[1], m[0]}, m[2:]...)
		}, "selfie", false, false},
		{"someone else's photo", func(m []string) []string { return m }, "stranger", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c created
			if st := f.do("POST", "/v1/sessions", map[string]string{"iin": id.IIN, "client_ref": "demo"}, &c); st != http.StatusCreated {
				t.Fatalf("create session: %d", st)
			}
			order := tc.reorder(slices.Clone(c.Movements))
			b, _ := actOut(t, f, c, order, tc.source)
			var r demoResult
			if st := f.do("GET", "/v1/sessions/"+c.SessionID+"/result", nil, &r); st != http.StatusOK {
				t.Fatalf("result: %d", st)
			}
			if !slices.Equal(r.MovementsSeen, order) {
				t.Errorf("movements seen %v, want them as pressed %v", r.MovementsSeen, order)
			}
			if same := slices.Equal(r.MovementsSeen, c.Movements); same != tc.wantSame {
				t.Errorf("movements seen %v vs issued %v: equal = %v, want %v", r.MovementsSeen, c.Movements, same, tc.wantSame)
			}
			if low := r.SimilarityPermille < 300; low != tc.wantLow {
				t.Errorf("similarity %d‰: below 300‰ = %v, want %v", r.SimilarityPermille, low, tc.wantLow)
			}
			if p := b.Problems(); len(p) > 0 {
				t.Errorf("the browser reported: %v", p)
			}
		})
	}
}

// TestDemoPageHeadersAndUnknownSession checks over plain HTTP what the browser tests rely
// on: the page forbids inline script by its policy, and a session that does not exist gets
// no page.
func TestDemoPageHeadersAndUnknownSession(t *testing.T) {
	f := start(t)
	var c created
	f.do("POST", "/v1/sessions", map[string]string{"iin": biometricsim.DemoIdentities()[2].IIN}, &c)
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(f.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	resp, body := get("/demo/sessions/" + c.SessionID)
	csp := resp.Header.Get("Content-Security-Policy")
	if resp.StatusCode != http.StatusOK || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("page: %d, policy %q", resp.StatusCode, csp)
	}
	if !strings.Contains(body, "ДЕМО / симулятор ЦОИД") || strings.Contains(body, biometricsim.DemoIdentities()[2].IIN) {
		t.Errorf("the page must be marked as the demo and must not show the whole IIN:\n%s", body)
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "style=") || strings.Contains(body, "<style") {
		t.Errorf("the page carries inline script or style:\n%s", body)
	}
	if resp, _ := get("/demo/static/demo.js"); resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "javascript") {
		t.Errorf("script: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, _ := get("/demo/sessions/00000000000000000000000000000000"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown session: %d, want 404", resp.StatusCode)
	}
}
