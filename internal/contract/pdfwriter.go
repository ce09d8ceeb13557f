package contract

import (
	"math"
	"slices"
	"strconv"
	"time"
)

// pdfDoc writes the few things a contract needs — text in two embedded fonts, lines and frames
// on A4 pages — straight to PDF. go-pdf/fpdf parses and subsets the font for every document
// (about 25 ms of CPU for the pair of contracts), too slow for the lifecycle's 100 loans/s;
// here the fonts are parsed once (fontsOnce) and a document only copies out the glyphs it shows.
// The interface copies fpdf's (mm, top-left origin) so the layout reads the same.
type pdfDoc struct {
	fonts   *pdfFonts
	regular *glyphSet // the glyphs shown in each face
	boldSet *glyphSet
	pages   []*[]byte // content streams, the current page last; pooled (pagePool)
	cur     []byte    // the current page's content, stored back in pages[len-1] by flush
	bold    bool
	size    float64 // points
	x, y    float64 // mm from the top-left corner
	created time.Time
	title   string
}

const (
	ptPerMM = 72 / 25.4
	cMargin = 1.0 // mm between a cell's edge and its text, as fpdf
)

func newPDF(created time.Time, title string) (*pdfDoc, error) {
	fonts, err := fontsOnce()
	if err != nil {
		return nil, err
	}
	return &pdfDoc{fonts: fonts, regular: getGlyphSet(&fonts.regular), boldSet: getGlyphSet(&fonts.bold),
		created: created, title: title, size: bodySize, x: margin, y: margin}, nil
}

func (d *pdfDoc) face() *pdfFont {
	if d.bold {
		return &d.fonts.bold
	}
	return &d.fonts.regular
}

// SetFont selects the regular ("") or bold ("B") face at size points.
func (d *pdfDoc) SetFont(style string, size float64) { d.bold, d.size = style == "B", size }

// AddPage starts a page and puts the position at the top-left margin.
func (d *pdfDoc) AddPage() {
	d.flush()
	buf := pagePool.Get().(*[]byte)
	d.pages = append(d.pages, buf)
	d.cur = append((*buf)[:0], "0.57 w\n"...) // 0.2 mm lines
	d.x, d.y = margin, margin
}

// flush stores the current page's content (cur may have grown into a new array).
func (d *pdfDoc) flush() {
	if len(d.pages) > 0 {
		*d.pages[len(d.pages)-1] = d.cur
	}
}

// SetXY, SetX, SetY and GetY move and read the position in mm from the top-left corner.
func (d *pdfDoc) SetXY(x, y float64) { d.x, d.y = x, y }
func (d *pdfDoc) SetX(x float64)     { d.x = x }
func (d *pdfDoc) SetY(y float64)     { d.x, d.y = margin, y }
func (d *pdfDoc) GetY() float64      { return d.y }

// GetStringWidth is the width of s in mm in the current face and size.
func (d *pdfDoc) GetStringWidth(s string) float64 {
	return float64(d.face().width(s)) * d.size / 1000 / ptPerMM
}

// runeWidth is the width of r in mm in the current face and size, as GetStringWidth gives it.
func (d *pdfDoc) runeWidth(r rune) float64 {
	f := d.face()
	return float64(f.ttf.advance[f.gid(r)]) * d.size / 1000 / ptPerMM
}

// appendNum appends v with two decimals, the form every coordinate and size is written in,
// exactly as strconv.AppendFloat(b, v, 'f', 2, 64) does, in a fraction of its time (a page has
// a few hundred numbers). v·100 is within 1e-6 of the exact product for |v| < 1e7, so unless it
// is that close to a tie, math.Round of it is the correctly rounded value; ties and anything
// unusual go to strconv, which rounds the exact binary value (TestAppendNumMatchesStrconv).
func appendNum(b []byte, v float64) []byte {
	x := math.Abs(v) * 100
	r := math.Round(x)
	if !(x < 1e9) || math.Abs(x-r) > 0.5-1e-6 {
		return strconv.AppendFloat(b, v, 'f', 2, 64)
	}
	if math.Signbit(v) {
		b = append(b, '-')
	}
	n := int64(r)
	b = strconv.AppendInt(b, n/100, 10)
	return append(b, '.', byte('0'+n/10%10), byte('0'+n%10))
}

// Rect strokes a frame.
func (d *pdfDoc) Rect(x, y, w, h float64) {
	b := appendNum(d.cur, x*ptPerMM)
	b = appendNum(append(b, ' '), (pageH-y)*ptPerMM)
	b = appendNum(append(b, ' '), w*ptPerMM)
	b = appendNum(append(b, ' '), -h*ptPerMM)
	d.cur = append(b, " re S\n"...)
}

// CellFormat writes txt in a cell of w×h mm at the current position, aligned L, C or R (the
// baseline as fpdf places it), framed if border is "1"; ln 1 moves to the next line, 0 to the
// right of the cell.
func (d *pdfDoc) CellFormat(w, h float64, txt, border string, ln int, align string) {
	if border == "1" {
		d.Rect(d.x, d.y, w, h)
	}
	if txt != "" {
		dx := cMargin
		switch align {
		case "R":
			dx = w - cMargin - d.GetStringWidth(txt)
		case "C":
			dx = (w - d.GetStringWidth(txt)) / 2
		}
		baseline := d.y + h/2 + 0.3*d.size/ptPerMM
		f, set := d.face(), d.regular
		if d.bold {
			set = d.boldSet
		}
		b := append(append(append(d.cur, "BT /"...), f.res...), ' ')
		b = appendNum(b, d.size)
		b = appendNum(append(b, " Tf "...), (d.x+dx)*ptPerMM)
		b = appendNum(append(b, ' '), (pageH-baseline)*ptPerMM)
		b = append(b, " Td ("...)
		// The two-byte glyph codes as a literal string: half the bytes of hex, so half the
		// work for the compressor. Bytes a reader would take as syntax or as an end of line are
		// escaped.
		b = slices.Grow(b, 4*len(txt)+8) // a glyph is at most 4 bytes, a character at least 1
		for _, r := range txt {
			id := set.id(f.gid(r))
			hi, lo := byte(id>>8), byte(id)
			if literalEscaped[hi] || literalEscaped[lo] {
				b = appendLiteral(appendLiteral(b, hi), lo)
			} else {
				b = append(b, hi, lo)
			}
		}
		d.cur = append(b, ") Tj ET\n"...)
	}
	if ln == 1 {
		d.x, d.y = margin, d.y+h
	} else {
		d.x += w
	}
}

// literalEscaped marks the bytes appendLiteral escapes.
var literalEscaped = [256]bool{'(': true, ')': true, '\\': true, '\r': true, '\n': true}

// appendLiteral appends c to a PDF literal string, escaped where it would be read as syntax
// (parentheses, backslash) or rewritten as an end of line (CR, LF).
func appendLiteral(b []byte, c byte) []byte {
	switch c {
	case '(', ')', '\\':
		return append(b, '\\', c)
	case '\r':
		return append(b, `\r`...)
	case '\n':
		return append(b, `\n`...)
	}
	return append(b, c)
}
