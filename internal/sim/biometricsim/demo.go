package biometricsim

import (
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"net/http"

	"nesie.kz/nesie/internal/kz"
)

//go:embed demo/page.html
var demoTemplates embed.FS

//go:embed demo/static
var demoStatic embed.FS

// DemoStaticPrefix is where the demo page's script, stylesheet and icon are served.
const DemoStaticPrefix = "/demo/static/"

// demoPolicy lets the page run only the simulator's own script and stylesheet (no inline
// code), talk only to the simulator's own API, and show the camera's live stream.
const demoPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"media-src 'self' blob: mediastream:; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
	"frame-ancestors 'none'"

// demoPage is the data of the page for one session.
type demoPage struct {
	SessionID string
	// MaskedIIN names the person without showing the whole IIN.
	MaskedIIN string
	Movements []demoMovement
	// Selfie is the demo selfie of the session's identity; Stranger a photo of nobody in
	// the state database. Both are base64, as the performance endpoint takes the frame.
	Selfie, Stranger string
}

type demoMovement struct{ Code, Russian, Kazakh string }

// movementLabels are the instructions shown for each movement, in Russian and Kazakh.
func movementLabels() map[string][2]string {
	return map[string][2]string{
		"blink":      {"Моргните", "Көзіңізді жыпылықтатыңыз"},
		"turn_left":  {"Поверните голову влево", "Басыңызды солға бұрыңыз"},
		"turn_right": {"Поверните голову вправо", "Басыңызды оңға бұрыңыз"},
		"nod":        {"Кивните", "Басыңызды изеңіз"},
		"smile":      {"Улыбнитесь", "Жымиыңыз"},
		"open_mouth": {"Откройте рот", "Аузыңызды ашыңыз"},
	}
}

// registerDemo adds the demo page and its static files to mux. The template and the files
// are embedded, so a failure here is a build defect that every test of the package reports.
func (s *Simulator) registerDemo(mux *http.ServeMux) {
	tmpl := template.Must(template.ParseFS(demoTemplates, "demo/page.html"))
	files, err := fs.Sub(demoStatic, "demo/static")
	if err != nil {
		panic("biometricsim: embedded demo files: " + err.Error())
	}
	mux.Handle("GET "+DemoStaticPrefix, withDemoHeaders(http.StripPrefix(DemoStaticPrefix, http.FileServerFS(files))))
	mux.Handle("GET /demo/sessions/{id}", s.demoPage(tmpl))
}

// withDemoHeaders sets the security headers of everything the demo serves.
func withDemoHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", demoPolicy)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

// demoPage serves GET /demo/sessions/{id}: the movements asked for, in order, and the means
// to act them out (see the package doc).
func (s *Simulator) demoPage(tmpl *template.Template) http.Handler {
	return withDemoHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		sess := s.sessions[r.PathValue("id")]
		var page demoPage
		if sess != nil {
			page = demoPage{SessionID: sess.id, MaskedIIN: sess.iin}
			for _, m := range sess.movements {
				l := movementLabels()[m]
				page.Movements = append(page.Movements, demoMovement{Code: m, Russian: l[0], Kazakh: l[1]})
			}
			page.Selfie = base64.StdEncoding.EncodeToString(DemoSelfie(sess.iin))
		}
		s.mu.Unlock()
		w.Header().Set("Cache-Control", "no-store")
		// The camera is the one powerful feature the page needs.
		w.Header().Set("Permissions-Policy", "camera=(self), microphone=()")
		if sess == nil {
			http.Error(w, "Сессия не найдена / Сессия табылмады", http.StatusNotFound)
			return
		}
		if iin, err := kz.ParseIIN(page.MaskedIIN); err == nil {
			page.MaskedIIN = iin.Masked()
		} else {
			page.MaskedIIN = "" // a session is only created for a valid IIN; never show it raw
		}
		page.Stranger = base64.StdEncoding.EncodeToString(strangerPhoto())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// An error here is a write to a gone client; the headers are sent, nothing to add.
		_ = tmpl.ExecuteTemplate(w, "page.html", page)
	}))
}

// strangerPhoto is a photo of someone who is not in the state database: the frame the demo
// page sends to try a failing match.
func strangerPhoto() []byte { return referencePhoto("stranger, not in the state database") }
