package contract

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"nesie.kz/nesie/internal/date"
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
	pages   []*bytes.Buffer
	cur     *bytes.Buffer
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
	return &pdfDoc{fonts: fonts, regular: newGlyphSet(&fonts.regular), boldSet: newGlyphSet(&fonts.bold),
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
	d.cur = &bytes.Buffer{}
	d.cur.WriteString("0.57 w\n") // 0.2 mm lines
	d.pages = append(d.pages, d.cur)
	d.x, d.y = margin, margin
}

// SetXY, SetX, SetY and GetY move and read the position in mm from the top-left corner.
func (d *pdfDoc) SetXY(x, y float64) { d.x, d.y = x, y }
func (d *pdfDoc) SetX(x float64)     { d.x = x }
func (d *pdfDoc) SetY(y float64)     { d.x, d.y = margin, y }
func (d *pdfDoc) GetY() float64      { return d.y }

// GetStringWidth is the width of s in mm in the current face and size.
func (d *pdfDoc) GetStringWidth(s string) float64 {
	f := d.face()
	w := 0
	for _, r := range s {
		w += f.ttf.advance[f.gid(r)]
	}
	return float64(w) * d.size / 1000 / ptPerMM
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// Rect strokes a frame.
func (d *pdfDoc) Rect(x, y, w, h float64) {
	fmt.Fprintf(d.cur, "%s %s %s %s re S\n", num(x*ptPerMM), num((pageH-y)*ptPerMM), num(w*ptPerMM), num(-h*ptPerMM))
}

// CellFormat writes txt in a cell of w×h mm at the current position, aligned L, C or R (the
// baseline as fpdf places it), framed if border is "1"; ln 1 moves to the next line, 0 to the
// right of the cell.
func (d *pdfDoc) CellFormat(w, h float64, txt, border string, ln int, align string) {
	if border == "1" {
		d.Rect(d.x, d.y, w, h)
	}
	if txt != "" {
		tw := d.GetStringWidth(txt)
		dx := cMargin
		switch align {
		case "R":
			dx = w - cMargin - tw
		case "C":
			dx = (w - tw) / 2
		}
		baseline := d.y + h/2 + 0.3*d.size/ptPerMM
		f, set := d.face(), d.regular
		if d.bold {
			set = d.boldSet
		}
		fmt.Fprintf(d.cur, "BT /%s %s Tf %s %s Td (", f.res, num(d.size), num((d.x+dx)*ptPerMM), num((pageH-baseline)*ptPerMM))
		// The two-byte glyph codes as a literal string: half the bytes of hex, so half the
		// work for the compressor. Bytes a reader would take as syntax or as an end of line are
		// escaped.
		for _, r := range txt {
			id := set.id(f.gid(r))
			literalByte(d.cur, byte(id>>8))
			literalByte(d.cur, byte(id))
		}
		d.cur.WriteString(") Tj ET\n")
	}
	if ln == 1 {
		d.x, d.y = margin, d.y+h
	} else {
		d.x += w
	}
}

// literalByte writes c into a PDF literal string, escaped where it would be read as syntax
// (parentheses, backslash) or rewritten as an end of line (CR, LF).
func literalByte(w *bytes.Buffer, c byte) {
	switch c {
	case '(', ')', '\\':
		w.WriteByte('\\')
		w.WriteByte(c)
	case '\r':
		w.WriteString(`\r`)
	case '\n':
		w.WriteString(`\n`)
	default:
		w.WriteByte(c)
	}
}

var zPool = sync.Pool{New: func() any { w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed); return w }}

func deflate(b []byte) []byte {
	var out bytes.Buffer
	w := zPool.Get().(*zlib.Writer)
	w.Reset(&out)
	w.Write(b)
	w.Close()
	zPool.Put(w)
	return out.Bytes()
}

// utf16Hex is a PDF text string (title): UTF-16BE with a byte order mark, in hex.
func utf16Hex(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// Output assembles the file: header, the font objects of the glyphs the pages show (4…13), the
// pages, then the page tree, the info dictionary, the catalogue and the cross-reference table.
func (d *pdfDoc) Output() []byte {
	var b bytes.Buffer
	b.Grow(32<<10 + 4096*len(d.pages))
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	nObj := fontObjects + 3 + 2*len(d.pages)
	offsets := make([]int, nObj+1)
	fontOffsets := append(writeFontObjects(&b, &d.fonts.regular, d.regular), writeFontObjects(&b, &d.fonts.bold, d.boldSet)...)
	copy(offsets[firstFontObject:], fontOffsets)
	kids := make([]string, len(d.pages))
	for i, content := range d.pages {
		page, stream := firstFontObject+fontObjects+2*i, firstFontObject+fontObjects+2*i+1
		kids[i] = fmt.Sprintf("%d 0 R", page)
		offsets[page] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n<</Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Resources <</Font <</%s %d 0 R /%s %d 0 R>>>> /Contents %d 0 R>>\nendobj\n",
			page, num(pageW*ptPerMM), num(pageH*ptPerMM), d.fonts.regular.res, d.fonts.regular.obj, d.fonts.bold.res, d.fonts.bold.obj, stream)
		z := deflate(content.Bytes())
		offsets[stream] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n<</Length %d /Filter /FlateDecode>>\nstream\n", stream, len(z))
		b.Write(z)
		b.WriteString("\nendstream\nendobj\n")
	}
	offsets[2] = b.Len()
	fmt.Fprintf(&b, "2 0 obj\n<</Type /Pages /Kids [%s] /Count %d>>\nendobj\n", strings.Join(kids, " "), len(d.pages))
	offsets[3] = b.Len()
	when := d.created.In(date.Almaty).Format("20060102150405") + "+05'00'"
	fmt.Fprintf(&b, "3 0 obj\n<</Producer (Nesie) /Title %s /CreationDate (D:%s) /ModDate (D:%s)>>\nendobj\n", utf16Hex(d.title), when, when)
	offsets[1] = b.Len()
	b.WriteString("1 0 obj\n<</Type /Catalog /Pages 2 0 R>>\nendobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", nObj+1)
	for i := 1; i <= nObj; i++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", offsets[i])
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d /Root 1 0 R /Info 3 0 R>>\nstartxref\n%d\n%%%%EOF\n", nObj+1, xref)
	return b.Bytes()
}
