package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"nesie.kz/nesie/internal/audit"
	"nesie.kz/nesie/internal/browsertest"
	"nesie.kz/nesie/internal/org"
	"nesie.kz/nesie/internal/server"
	"nesie.kz/nesie/internal/store"
	"nesie.kz/nesie/internal/store/storetest"
	"nesie.kz/nesie/internal/web"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// serve runs the pages behind the real HTTPS server on a free port.
func serve(t *testing.T, db *store.DB, demo bool) string {
	t.Helper()
	h, err := web.New(web.Deps{DB: db, Demo: demo})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := server.LoadOrCreateSelfSigned(t.TempDir(), []string{"127.0.0.1"}, storetest.Start)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Addr: "127.0.0.1:0", Certificate: cert, CacheablePrefixes: []string{web.StaticPrefix}}, h, nil, nil, db.Ping)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ln, err := srv.Listen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return "https://" + ln.Addr().String()
}

func run[T any](t *testing.T, b *browsertest.Browser, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestR7_2_HomePageShowsTheMFODetailsInABrowser opens the home page in headless Chromium:
// the MFO's details are shown, the stylesheet applies under the Content-Security-Policy, and
// the browser reports no error or policy violation.
func TestR7_2_HomePageShowsTheMFODetailsInABrowser(t *testing.T) {
	env := storetest.New(t, store.SQLite)
	if _, err := org.EnsureDemo(context.Background(), env.DB, audit.NewTrail(env.DB, nil)); err != nil {
		t.Fatal(err)
	}
	base := serve(t, env.DB, true)
	b := browsertest.New(t)
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	h1 := run(t, b, chromedp.Text("h1"))
	details := run(t, b, chromedp.Text("dl.org"))
	headerColour := run(t, b, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header")).backgroundColor`))
	want := org.Demo()
	if h1 != want.Name {
		t.Errorf("h1 = %q, want %q", h1, want.Name)
	}
	for _, s := range []string{want.BIN.String(), want.LegalAddress, want.ActualAddress, want.Phones, want.Email, want.HeadName} {
		if !strings.Contains(details, s) {
			t.Errorf("the page does not show %q", s)
		}
	}
	if headerColour != "rgb(11, 110, 79)" {
		t.Errorf("the stylesheet did not apply: header background %q", headerColour)
	}
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("the browser reported: %v", p)
	}
}

// TestR26_3_InlineScriptIsBlockedByThePolicy injects an inline script into the page, as an
// attacker's markup would be, and checks that the browser refuses to run it.
func TestR26_3_InlineScriptIsBlockedByThePolicy(t *testing.T) {
	env := storetest.New(t, store.SQLite)
	base := serve(t, env.DB, false)
	b := browsertest.New(t)
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	ran := run(t, b, chromedp.Evaluate[bool](`(() => { const s = document.createElement("script"); s.textContent = "window.pwned = true"; document.body.appendChild(s); return !!window.pwned })()`))
	if ran {
		t.Fatal("an inline script ran despite the Content-Security-Policy")
	}
	found := false
	for _, p := range b.Problems() {
		if strings.Contains(p, "Content Security Policy") {
			found = true
		}
	}
	if !found {
		t.Errorf("no policy violation reported; the browser said %v", b.Problems())
	}
}
