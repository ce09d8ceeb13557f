// Package browsertest drives pages in a real headless Chromium (Debian's chromium package),
// so that what a client sees — rendering, the Content-Security-Policy, scripts — is tested as
// a browser runs it, not as an HTTP client reads it.
//
// Without Chromium the browser tests are skipped with a loud message, or fail with
// NESIE_REQUIRE_BROWSER=1 (CI sets it).
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Browser is one headless Chromium tab and what it reported while the test ran.
type Browser struct {
	Ctx context.Context

	mu       sync.Mutex
	problems []string
}

// Problems returns the console errors, uncaught exceptions and browser log errors (a
// Content-Security-Policy violation among them) seen so far.
func (b *Browser) Problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

func (b *Browser) note(p string) {
	b.mu.Lock()
	b.problems = append(b.problems, p)
	b.mu.Unlock()
}

// chromiumPath finds the browser.
func chromiumPath() (string, error) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no chromium on PATH: apt-get install chromium")
}

// New starts a headless Chromium for the test, closed when it ends. It accepts the demo's
// self-signed certificate.
func New(t *testing.T) *Browser {
	t.Helper()
	path, err := chromiumPath()
	if err != nil {
		msg := "browser tests NOT RUN: " + err.Error()
		if os.Getenv("NESIE_REQUIRE_BROWSER") == "1" {
			t.Fatalf("%s (NESIE_REQUIRE_BROWSER=1)", msg)
		}
		fmt.Fprintf(os.Stderr, "\n!!! %s\n\n", msg)
		t.Skip(msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in CI
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("ignore-certificate-errors", true),
		// The machine has no network beyond loopback; background fetches only fail and slow
		// the start.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	b := &Browser{Ctx: ctx}
	err = chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value))
				}
				b.note("console error: " + strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			b.note("exception: " + ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				b.note(fmt.Sprintf("log %s: %s", ev.Entry.Source, ev.Entry.Text))
			}
		}
	})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// chromedp enables the runtime and log domains on every new tab, so the events above
	// arrive from the first navigation on.
	return b
}
