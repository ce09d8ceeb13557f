package contract

import (
	"bytes"
	"strconv"
	"sync"
	"unicode/utf16"

	"compress/zlib"

	"nesie.kz/nesie/internal/date"
)

// The buffers a document is built in are pooled: a contract is ≈30 KB, and growing fresh
// buffers for its pages, their compression and the file cost more allocation than the file
// itself. Only the finished file is allocated, at its exact size.
var (
	pagePool     = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}
	assemblyPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}
	// deflaters hold a zlib writer with its output buffer: zlib.NewWriterLevel allocates
	// several hundred KB of tables, Reset reuses them and writes the same bytes.
	deflaters = sync.Pool{New: func() any {
		d := &deflater{}
		d.z, _ = zlib.NewWriterLevel(&d.out, zlib.BestSpeed)
		return d
	}}
)

type deflater struct {
	z   *zlib.Writer
	out bytes.Buffer
}

// appendStream appends content as object obj, a FlateDecode stream.
func appendStream(b []byte, obj int, content []byte) []byte {
	d := deflaters.Get().(*deflater)
	defer deflaters.Put(d)
	d.out.Reset()
	d.z.Reset(&d.out)
	d.z.Write(content) // a bytes.Buffer never fails
	d.z.Close()
	b = strconv.AppendInt(b, int64(obj), 10)
	b = strconv.AppendInt(append(b, " 0 obj\n<</Length "...), int64(d.out.Len()), 10)
	b = append(append(b, " /Filter /FlateDecode>>\nstream\n"...), d.out.Bytes()...)
	return append(b, "\nendstream\nendobj\n"...)
}

// appendUTF16Hex appends a PDF text string (the title): UTF-16BE with a byte order mark, in hex.
func appendUTF16Hex(b []byte, s string) []byte {
	b = append(b, "<FEFF"...)
	for _, r := range s {
		if r1, r2 := utf16.EncodeRune(r); r1 != '\uFFFD' {
			b = hex4(hex4(b, uint16(r1)), uint16(r2))
			continue
		}
		b = hex4(b, uint16(r))
	}
	return append(b, '>')
}

// appendRef appends "n 0 R".
func appendRef(b []byte, n int) []byte { return append(strconv.AppendInt(b, int64(n), 10), " 0 R"...) }

// Output assembles the file: header, the font objects of the glyphs the pages show (4…13), the
// pages, then the page tree, the info dictionary, the catalogue and the cross-reference table.
// It ends the document: its buffers go back to their pools.
func (d *pdfDoc) Output() []byte {
	d.flush()
	defer d.release()
	scratch := assemblyPool.Get().(*[]byte)
	defer assemblyPool.Put(scratch)
	b := append((*scratch)[:0], "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"...)
	nObj := fontObjects + 3 + 2*len(d.pages)
	offsets := make([]int, nObj+1)
	for _, face := range [...]struct {
		f *pdfFont
		s *glyphSet
	}{{&d.fonts.regular, d.regular}, {&d.fonts.bold, d.boldSet}} {
		blk := fontObjectsOf(face.f, face.s)
		for i, off := range blk.offs {
			offsets[face.f.obj+i] = len(b) + off
		}
		b = append(b, blk.bytes...)
	}
	for i, content := range d.pages {
		page, stream := firstFontObject+fontObjects+2*i, firstFontObject+fontObjects+2*i+1
		offsets[page] = len(b)
		b = strconv.AppendInt(b, int64(page), 10)
		b = appendNum(append(b, " 0 obj\n<</Type /Page /Parent 2 0 R /MediaBox [0 0 "...), pageW*ptPerMM)
		b = appendNum(append(b, ' '), pageH*ptPerMM)
		b = append(append(append(b, "] /Resources <</Font <</"...), d.fonts.regular.res...), ' ')
		b = append(append(append(appendRef(b, d.fonts.regular.obj), " /"...), d.fonts.bold.res...), ' ')
		b = appendRef(append(appendRef(b, d.fonts.bold.obj), ">>>> /Contents "...), stream)
		b = append(b, ">>\nendobj\n"...)
		offsets[stream] = len(b)
		b = appendStream(b, stream, *content)
	}
	offsets[2] = len(b)
	b = append(b, "2 0 obj\n<</Type /Pages /Kids ["...)
	for i := range d.pages {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendRef(b, firstFontObject+fontObjects+2*i)
	}
	b = append(strconv.AppendInt(append(b, "] /Count "...), int64(len(d.pages)), 10), ">>\nendobj\n"...)
	offsets[3] = len(b)
	b = appendUTF16Hex(append(b, "3 0 obj\n<</Producer (Nesie) /Title "...), d.title)
	created := d.created.In(date.Almaty)
	b = append(created.AppendFormat(append(b, " /CreationDate (D:"...), "20060102150405"), "+05'00')"...)
	b = append(created.AppendFormat(append(b, " /ModDate (D:"...), "20060102150405"), "+05'00')"...)
	b = append(b, ">>\nendobj\n"...)
	offsets[1] = len(b)
	b = append(b, "1 0 obj\n<</Type /Catalog /Pages 2 0 R>>\nendobj\n"...)
	xref := len(b)
	b = append(strconv.AppendInt(append(b, "xref\n0 "...), int64(nObj+1), 10), "\n0000000000 65535 f \n"...)
	var tmp [20]byte
	for _, off := range offsets[1:] {
		digits := strconv.AppendInt(tmp[:0], int64(off), 10)
		for range 10 - len(digits) {
			b = append(b, '0')
		}
		b = append(append(b, digits...), " 00000 n \n"...)
	}
	b = strconv.AppendInt(append(b, "trailer\n<</Size "...), int64(nObj+1), 10)
	b = strconv.AppendInt(append(b, " /Root 1 0 R /Info 3 0 R>>\nstartxref\n"...), int64(xref), 10)
	b = append(b, "\n%%EOF\n"...)
	*scratch = b
	return bytes.Clone(b)
}

// release gives the page buffers and the glyph sets back to their pools.
func (d *pdfDoc) release() {
	for _, p := range d.pages {
		pagePool.Put(p)
	}
	d.pages, d.cur = nil, nil
	putGlyphSet(d.regular)
	putGlyphSet(d.boldSet)
	d.regular, d.boldSet = nil, nil
}
