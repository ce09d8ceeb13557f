// Package web is the client cabinet and back office, rendered on the server with
// html/template. Pages carry no inline script or style, so the Content-Security-Policy can
// forbid both.
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"

	"nesie.kz/nesie/internal/org"
	"nesie.kz/nesie/internal/server"
	"nesie.kz/nesie/internal/store"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// StaticPrefix is where assets are served; the server lets browsers cache only these.
const StaticPrefix = "/static/"

// Deps are what the pages read.
type Deps struct {
	DB   *store.DB
	Demo bool
}

// Handler serves the pages.
type Handler struct {
	deps  Deps
	pages *template.Template
	mux   *http.ServeMux
}

// New returns the web handler.
func New(deps Deps) (*Handler, error) {
	pages, err := template.ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	h := &Handler{deps: deps, pages: pages, mux: http.NewServeMux()}
	h.mux.Handle("GET "+StaticPrefix, http.StripPrefix(StaticPrefix, http.FileServerFS(static)))
	h.mux.Handle("GET /{$}", server.HandlerFunc(h.home))
	return h, nil
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

type homePage struct {
	Org  org.Organization
	Demo bool
}

// home shows the MFO's details (R7.2) and, in the demo, what to do next.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	var page homePage
	err := h.deps.DB.Read(r.Context(), func(ctx context.Context, tx *store.Tx) error {
		var err error
		page.Org, err = org.Find(ctx, tx)
		return err
	})
	if err != nil && !errors.Is(err, org.ErrNotFound) {
		return err
	}
	page.Demo = h.deps.Demo
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return h.pages.ExecuteTemplate(w, "home.html", page)
}
