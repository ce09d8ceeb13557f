package contract

import (
	"crypto/sha256"
	"fmt"
)

// Document is a rendered contract.
type Document struct {
	Lang     Lang
	Template string // the version it was rendered with
	Bytes    []byte // the PDF
	SHA256   [32]byte
}

// Digest is the hash a document is identified by when signed, sent and checked again (R11).
func Digest(b []byte) [32]byte { return sha256.Sum256(b) }

// Render lays the contract out in lang with the template version t names (CurrentTemplate if
// none). The result depends on t and lang alone: rendering the same terms again gives the same
// bytes, so a stored hash can be checked against a fresh rendering.
func Render(t Terms, lang Lang) (Document, error) {
	version := t.TemplateVersion
	if version == "" {
		version = CurrentTemplate()
	}
	tmpl, err := loadTemplate(version, lang)
	if err != nil {
		return Document{}, err
	}
	if err := t.validate(); err != nil {
		return Document{}, err
	}
	dirs, err := execute(tmpl, newView(t, lang, version))
	if err != nil {
		return Document{}, err
	}
	rows, total := scheduleRows(t.Schedule, lang)
	p, err := newPage(t.Date.Start(), clean(t.Number))
	if err != nil {
		return Document{}, err
	}
	for _, d := range dirs {
		switch d.op {
		case 'F':
			p.footer = d.text
		case 'T':
			p.text("B", titleSize, 6, "C", d.text)
		case 'H':
			p.room(35) // a heading keeps a few lines of what it heads on its page
			p.pdf.SetY(p.pdf.GetY() + 1.5)
			p.text("B", headSize, 5.2, "L", d.text)
		case 'P':
			p.text("", bodySize, 4.3, "L", d.text)
			p.pdf.SetY(p.pdf.GetY() + 0.8)
		case 'R':
			label, value, _ := cut(d.text)
			p.row(label, value)
		case 'C':
			p.columns = split7(d.text)
		case 'S':
			if len(p.columns) != len(scheduleCols) {
				return Document{}, fmt.Errorf("contract template %s/%s: schedule without seven column headings", version, lang)
			}
			p.scheduleTable(rows, total, d.text)
		case 'V':
			p.room(4)
			p.pdf.SetY(p.pdf.GetY() + 4)
		case 'B':
			p.addPage()
		}
	}
	b, err := p.bytes()
	if err != nil {
		return Document{}, err
	}
	return Document{Lang: lang, Template: version, Bytes: b, SHA256: Digest(b)}, nil
}

// RenderBoth renders the Russian and the Kazakh text of the same contract.
func RenderBoth(t Terms) (ru, kk Document, err error) {
	if ru, err = Render(t, Russian); err != nil {
		return Document{}, Document{}, err
	}
	if kk, err = Render(t, Kazakh); err != nil {
		return Document{}, Document{}, err
	}
	return ru, kk, nil
}

func cut(s string) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '|' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func split7(s string) []string {
	var out []string
	for {
		a, rest, ok := cut(s)
		out = append(out, a)
		if !ok {
			return out
		}
		s = rest
	}
}
