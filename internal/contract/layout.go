package contract

import (
	_ "embed"
	"strconv"
	"time"
)

// DejaVu Sans covers Cyrillic with the Kazakh letters (ә ғ қ ң ө ұ ү һ і) and the tenge sign
// ₸ (U+20B8); its licence is fonts/LICENSE-DejaVu.txt.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

const (
	pageW  = 210.0
	pageH  = 297.0
	margin = 15.0
	bottom = pageH - 20 // the last y a line may reach; the footer sits below
	bodyW  = pageW - 2*margin

	titleSize = 12.0
	headSize  = 10.0
	bodySize  = 9.0
	// rowSize is the size of every label and value of the full-cost table: the ГЭСВ is printed
	// exactly like the nominal rate and the other figures, never smaller (FACTS.md §1.1).
	rowSize   = 10.0
	tableSize = 8.0
	labelW    = 72.0
)

// scheduleCols are the widths of № | date | payment | principal | remuneration | fee | balance.
var scheduleCols = [7]float64{9, 21, 31, 31, 30, 25, 33}

// page is a PDF under construction. It breaks pages itself (auto page break is off) so that
// a table row is never split and the schedule header repeats.
type page struct {
	pdf     *pdfDoc
	footer  string
	n       int
	columns []string
	style   string // the font in use, restored after a page break draws the footer
	size    float64
}

func (p *page) font(style string, size float64) {
	p.style, p.size = style, size
	p.pdf.SetFont(style, size)
}

func newPage(created time.Time, title string) (*page, error) {
	pdf, err := newPDF(created, title)
	if err != nil {
		return nil, err
	}
	return &page{pdf: pdf}, nil
}

func (p *page) addPage() {
	p.pdf.AddPage()
	p.n++
	if p.footer != "" {
		p.pdf.SetFont("", 7)
		p.pdf.SetXY(margin, pageH-14)
		p.pdf.CellFormat(bodyW, 4, p.footer+" "+strconv.Itoa(p.n), "", 0, "C")
	}
	if p.size > 0 {
		p.pdf.SetFont(p.style, p.size)
	}
	p.pdf.SetXY(margin, margin)
}

// room starts a new page unless h more millimetres fit on this one.
func (p *page) room(h float64) bool {
	if p.n == 0 || p.pdf.GetY()+h > bottom {
		p.addPage()
		return false
	}
	return true
}

func (p *page) text(style string, size, lineH float64, align, s string) {
	p.font(style, size)
	for _, line := range wrap(p.pdf, s, bodyW-2) {
		p.room(lineH)
		p.pdf.SetX(margin)
		p.pdf.CellFormat(bodyW, lineH, line, "", 1, align)
	}
}

// row draws a label|value line of the full-cost table, both cells framed and as tall as the
// longer one.
func (p *page) row(label, value string) {
	const lineH, pad = 4.6, 1.2
	p.font("", rowSize)
	ll := wrap(p.pdf, label, labelW-2)
	p.font("B", rowSize)
	vl := wrap(p.pdf, value, bodyW-labelW-2)
	h := float64(max(len(ll), len(vl)))*lineH + 2*pad
	p.room(h)
	y := p.pdf.GetY()
	p.pdf.Rect(margin, y, labelW, h)
	p.pdf.Rect(margin+labelW, y, bodyW-labelW, h)
	p.font("", rowSize)
	for i, l := range ll {
		p.pdf.SetXY(margin, y+pad+float64(i)*lineH)
		p.pdf.CellFormat(labelW, lineH, l, "", 0, "L")
	}
	p.font("B", rowSize)
	for i, l := range vl {
		p.pdf.SetXY(margin+labelW, y+pad+float64(i)*lineH)
		p.pdf.CellFormat(bodyW-labelW, lineH, l, "", 0, "L")
	}
	p.pdf.SetXY(margin, y+h)
}

// tableHeader draws the schedule's column headings, wrapped inside their columns.
func (p *page) tableHeader() {
	const lineH = 3.4
	p.font("B", tableSize)
	cells := make([][]string, len(p.columns))
	lines := 1
	for i, c := range p.columns {
		cells[i] = wrap(p.pdf, c, scheduleCols[i]-1.5)
		lines = max(lines, len(cells[i]))
	}
	h := float64(lines)*lineH + 1.6
	y, x := p.pdf.GetY(), margin
	for i := range p.columns {
		p.pdf.Rect(x, y, scheduleCols[i], h)
		for j, l := range cells[i] {
			p.pdf.SetXY(x, y+0.8+float64(j)*lineH)
			p.pdf.CellFormat(scheduleCols[i], lineH, l, "", 0, "C")
		}
		x += scheduleCols[i]
	}
	p.pdf.SetXY(margin, y+h)
}

// scheduleTable draws every row, starting a page (and repeating the header) when the next row
// does not fit, then the totals row.
func (p *page) scheduleTable(rows []scheduleRow, total scheduleRow, totalLabel string) {
	const rowH = 6.5
	headerH := 9.0         // two lines of headings at most, with padding
	p.room(headerH + rowH) // keep the header with at least one row
	p.tableHeader()
	draw := func(r scheduleRow, keep float64) {
		if !p.room(keep) {
			p.tableHeader()
		}
		p.font("", tableSize)
		x, y := margin, p.pdf.GetY()
		for i, c := range r.cells {
			align := "R"
			if i < 2 {
				align = "C"
			}
			p.pdf.SetXY(x, y)
			p.fitted(scheduleCols[i], rowH, c, align)
			x += scheduleCols[i]
		}
		p.pdf.SetXY(margin, y+rowH)
	}
	for i, r := range rows {
		keep := rowH
		if i == len(rows)-1 {
			keep = 2 * rowH // the last row goes with the totals: never a totals row alone
		}
		draw(r, keep)
	}
	// The totals label spans № and date.
	if !p.room(rowH) {
		p.tableHeader()
	}
	p.font("B", tableSize)
	y := p.pdf.GetY()
	p.pdf.SetXY(margin, y)
	p.pdf.CellFormat(scheduleCols[0]+scheduleCols[1], rowH, totalLabel, "1", 0, "L")
	x := margin + scheduleCols[0] + scheduleCols[1]
	for i := 2; i < len(total.cells); i++ {
		p.pdf.SetXY(x, y)
		p.fitted(scheduleCols[i], rowH, total.cells[i], "R")
		x += scheduleCols[i]
	}
	p.pdf.SetXY(margin, y+rowH)
}

// fitted writes a framed table cell, setting its text smaller when it would not fit (an
// amount in the billions): a figure of the schedule is never cut.
func (p *page) fitted(w, h float64, s, align string) {
	size := p.size
	for size > 4 && p.pdf.GetStringWidth(s) > w-1.5 {
		size -= 0.5
		p.pdf.SetFont(p.style, size)
	}
	p.pdf.CellFormat(w, h, s, "1", 0, align)
	p.pdf.SetFont(p.style, p.size)
}

func (p *page) bytes() ([]byte, error) {
	if p.n == 0 {
		p.addPage()
	}
	return p.pdf.Output(), nil
}
