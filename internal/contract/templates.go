package contract

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"text/template"

	"nesie.kz/nesie/internal/fault"
)

// Templates are text/template files under templates/<version>/<lang>.tmpl. A version is never
// edited once a contract has been signed with it: a new wording is a new directory, and
// CurrentTemplate moves to it. Executed, a template yields a small layout language, one
// directive per line (blank lines are ignored):
//
//	F text        footer of every page; the page number is appended
//	T text        title: bold, centred
//	H text        section heading: bold
//	P text        paragraph, wrapped
//	R label|value a row of the full-cost table; every value in one font and size
//	C a|b|…       the schedule's column headings (seven columns)
//	S label       the schedule rows here, header repeated on every page, then the totals row
//	V             vertical space
//	B             new page
//
//go:embed templates
var templateFS embed.FS

// CurrentTemplate returns the version new contracts are rendered with.
func CurrentTemplate() string { return "232-2025.1" }

var templateCache sync.Map // "version/lang" → *template.Template (parsed once)

var funcs = template.FuncMap{
	"plural": func(n int, one, few, many string) string { return ruPlural(int64(n), one, few, many) },
}

func loadTemplate(version string, lang Lang) (*template.Template, error) {
	if lang != Russian && lang != Kazakh {
		return nil, fault.Field("lang", "must be ru or kk")
	}
	if !validVersion(version) {
		return nil, fault.Field("template_version", "unknown template %q", version)
	}
	key := version + "/" + string(lang)
	if t, ok := templateCache.Load(key); ok {
		return t.(*template.Template), nil
	}
	src, err := fs.ReadFile(templateFS, "templates/"+version+"/"+string(lang)+".tmpl")
	if err != nil {
		return nil, fault.Field("template_version", "unknown template %q", version)
	}
	t, err := template.New(key).Funcs(funcs).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("contract template %s: %w", key, err)
	}
	templateCache.Store(key, t)
	return t, nil
}

// validVersion accepts names like "232-2025.1" and nothing that could climb out of the
// directory (fs.ReadFile on an embed.FS refuses ".." anyway; this keeps the error a field
// error).
func validVersion(v string) bool {
	if v == "" || strings.Contains(v, "..") || strings.ContainsAny(v, `/\`) {
		return false
	}
	return fs.ValidPath("templates/" + v)
}

// directive is one line of the layout language.
type directive struct {
	op   byte
	text string
}

// executeBuffers hold a template's output until it is cut into directives (≈10 KB a contract).
var executeBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func execute(t *template.Template, v view) ([]directive, error) {
	buf := executeBuffers.Get().(*bytes.Buffer)
	defer executeBuffers.Put(buf)
	buf.Reset()
	if err := t.Execute(buf, v); err != nil {
		return nil, fmt.Errorf("contract template %s: %w", t.Name(), err)
	}
	text := buf.String() // one copy: the directives keep slices of it
	out := make([]directive, 0, strings.Count(text, "\n")+1)
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		d := directive{op: line[0]}
		if len(line) > 2 {
			d.text = line[2:]
		}
		if !strings.ContainsRune("FTHPRCSVB", rune(d.op)) || len(line) > 1 && line[1] != ' ' {
			return nil, fmt.Errorf("contract template %s: bad layout line %q", t.Name(), line)
		}
		out = append(out, d)
	}
	return out, nil
}
