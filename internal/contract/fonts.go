package contract

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The fonts are prepared once per process (sync.OnceValues): the embedded DejaVu Sans and
// DejaVu Sans Bold (≈6 000 glyphs each) are parsed — character map, widths, metrics and every
// glyph's outline without its hinting instructions. A document then embeds a subset of just the
// ≈100 glyphs it shows in each face (subset.go), compressed with a Huffman code made for the
// face (huffman.go): ≈14 KB for both faces of a contract instead of the 134 KB a fixed cut of the
// whole repertoire took. A character outside the repertoire is printed as '?' (see clean): the
// full font has no glyph for most of them either.

// repertoire is every character documents may print: Latin with Latin-1 and Extended-A, the
// whole Cyrillic block (Kazakh ә ғ қ ң ө ұ ү һ і among it), typographic punctuation, № and the
// tenge sign.
var repertoire = []*unicode.RangeTable{{
	R16: []unicode.Range16{
		{Lo: 0x0020, Hi: 0x007E, Stride: 1},
		{Lo: 0x00A0, Hi: 0x017F, Stride: 1},
		{Lo: 0x0400, Hi: 0x04FF, Stride: 1},
		{Lo: 0x2010, Hi: 0x2027, Stride: 1},
		{Lo: 0x2030, Hi: 0x203A, Stride: 1},
		{Lo: 0x20AC, Hi: 0x20AC, Stride: 1},
		{Lo: 0x20B8, Hi: 0x20B8, Stride: 1},
		{Lo: 0x2116, Hi: 0x2116, Stride: 1},
	},
}}

func printable(r rune) bool { return unicode.In(r, repertoire...) }

// The font objects are numbered 4…13: five for the regular face, five for the bold one.
const (
	firstFontObject = 4
	fontObjects     = 10
)

// pdfFont is one embedded face.
type pdfFont struct {
	ttf      *ttfFont
	dense    []uint16 // glyph by rune below len(dense), for speed; 0 = none
	adv      []int    // advance (1/1000 em) of gid(r) by rune r below len(dense): the layout measures every word
	char     []rune   // by glyph id: the lowest character of the repertoire on it, for ToUnicode
	name     string   // PostScript name, after the subset tag
	res      string   // resource name in the page dictionary
	obj      int      // object number of its Type0 font
	question uint16   // the glyph of '?', printed for characters it lacks
	coder    *literalCoder
	sets     *sync.Pool // of empty *glyphSet for this face (getGlyphSet)
}

// width is the advance of s in 1/1000 em: the sum of its characters' advances, as ranging over
// s sees them (an invalid byte is U+FFFD, printed as '?'). Cyrillic is decoded inline.
func (f *pdfFont) width(s string) int {
	w := 0
	for i := 0; i < len(s); {
		c := s[i]
		var r rune
		switch {
		case c < utf8.RuneSelf:
			r, i = rune(c), i+1
		case c >= 0xC2 && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
			r, i = rune(c&0x1F)<<6|rune(s[i+1]&0x3F), i+2
		default:
			var n int
			r, n = utf8.DecodeRuneInString(s[i:])
			i += n
		}
		if uint(r) < uint(len(f.adv)) {
			w += f.adv[r]
		} else {
			w += f.ttf.advance[f.question]
		}
	}
	return w
}

func (f *pdfFont) gid(r rune) uint16 {
	if r >= 0 && int(r) < len(f.dense) {
		if g := f.dense[r]; g != 0 {
			return g
		}
	}
	return f.question
}

// pdfFonts holds both faces.
type pdfFonts struct {
	regular, bold pdfFont
}

var fontsOnce = sync.OnceValues(func() (*pdfFonts, error) {
	fs := &pdfFonts{}
	for i, face := range []struct {
		font *pdfFont
		src  []byte
		name string
	}{{&fs.regular, fontRegular, "DejaVuSans"}, {&fs.bold, fontBold, "DejaVuSans-Bold"}} {
		ttf, err := parseTTF(face.src)
		if err != nil {
			// The fonts are embedded in the binary: a failure here is a build defect.
			return nil, fmt.Errorf("contract: embedded font %s: %w", face.name, err)
		}
		f := pdfFont{ttf: ttf, name: face.name, res: fmt.Sprintf("F%d", i+1), obj: firstFontObject + 5*i,
			sets:  &sync.Pool{},
			dense: make([]uint16, 0x2117), // up to №, the highest character of the repertoire
			char:  make([]rune, ttf.numGlyphs)}
		for _, rt := range repertoire { // in character order: char keeps the lowest
			for _, rg := range rt.R16 {
				for r := rune(rg.Lo); r <= rune(rg.Hi); r += rune(rg.Stride) {
					if g := ttf.glyph[r]; g != 0 {
						f.dense[r] = g
						if f.char[g] == 0 {
							f.char[g] = r
						}
					}
				}
			}
		}
		if f.question = f.dense['?']; f.question == 0 {
			return nil, fmt.Errorf("contract: embedded font %s has no '?'", face.name)
		}
		f.adv = make([]int, len(f.dense))
		for r := range f.adv {
			f.adv[r] = ttf.advance[f.gid(rune(r))]
		}
		// The Huffman code of the font programs is drawn from a subset of the whole
		// repertoire: outlines and tables in the proportions a document's subset has.
		all := newGlyphSet(&f)
		for _, g := range f.dense {
			all.id(g)
		}
		f.coder = newLiteralCoder(all.program())
		*face.font = f
	}
	return fs, nil
})

// buildFontObjects makes the five objects of a face, numbered from f.obj, for the glyphs s
// holds: a Type0 font with Identity-H encoding — the codes in the text are the subset's glyph
// ids — whose ToUnicode maps them back to characters for search, copy and screen readers.
func buildFontObjects(f *pdfFont, s *glyphSet) *fontBlock {
	shown := s.close()
	buf := subsetPool.Get().(*subsetBuffers)
	defer subsetPool.Put(buf)
	program := s.programIn(buf)
	z := f.coder.appendCompressed(buf.z[:0], program)
	buf.z = z
	cmap := toUnicodeCMap(f, s.order[:shown])
	name := subsetTag(f.name, s.order[:shown]) + "+" + f.name
	base := f.obj
	blk := &fontBlock{}
	b := make([]byte, 0, 1536+8*shown+len(z)+len(cmap))
	obj := func(i int, body []byte) {
		blk.offs[i] = len(b)
		b = fmt.Appendf(b, "%d 0 obj\n%s\nendobj\n", base+i, body)
	}
	obj(0, fmt.Appendf(nil, "<</Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R>>", name, base+1, base+4))
	w := []byte("[1 [")
	for i, g := range s.order[1:shown] {
		if i > 0 {
			w = append(w, ' ')
		}
		w = strconv.AppendInt(w, int64(f.ttf.advance[g]), 10)
	}
	w = append(w, "]]"...)
	if shown == 1 { // a face the document never uses
		w = []byte("[]")
	}
	obj(1, fmt.Appendf(nil, "<</Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>> /FontDescriptor %d 0 R /CIDToGIDMap /Identity /W %s>>", name, base+2, w))
	t := f.ttf
	obj(2, fmt.Appendf(nil, "<</Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [%d %d %d %d] /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 %d 0 R>>",
		name, t.bbox[0], t.bbox[1], t.bbox[2], t.bbox[3], t.ascent, t.descent, t.capHeight, base+3))
	blk.offs[3] = len(b)
	b = fmt.Appendf(b, "%d 0 obj\n<</Length %d /Length1 %d /Filter /FlateDecode>>\nstream\n", base+3, len(z), len(program))
	b = append(append(b, z...), "\nendstream\nendobj\n"...)
	blk.offs[4] = len(b)
	b = fmt.Appendf(b, "%d 0 obj\n<</Length %d>>\nstream\n%s\nendstream\nendobj\n", base+4, len(cmap), cmap)
	blk.bytes = b
	return blk
}

// hex4 appends v as four upper-case hex digits.
func hex4(b []byte, v uint16) []byte {
	return append(b, hexDigits[v>>12], hexDigits[v>>8&0xF], hexDigits[v>>4&0xF], hexDigits[v&0xF])
}

const hexDigits = "0123456789ABCDEF"

// subsetTag is the six capital letters PDF puts before the name of a subset font. It is drawn
// from the glyphs the subset holds, so that two different subsets in one viewer never share a
// name, and the same document always gets the same tag.
func subsetTag(name string, order []uint16) string {
	h := fnv.New64a()
	h.Write([]byte(name))
	for _, g := range order {
		h.Write([]byte{byte(g >> 8), byte(g)})
	}
	v := h.Sum64()
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = byte('A' + v%26)
		v /= 26
	}
	return string(tag)
}

// toUnicodeCMap maps each shown glyph (subset id 1, 2, …) back to its character, in bfchar
// blocks of at most 100 (the PDF limit).
func toUnicodeCMap(f *pdfFont, order []uint16) []byte {
	var b bytes.Buffer
	b.Grow(512 + 16*len(order))
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	ids := make([]int, 0, len(order))
	for id := 1; id < len(order); id++ {
		if f.char[order[id]] != 0 {
			ids = append(ids, id)
		}
	}
	line := make([]byte, 0, 16)
	for i := 0; i < len(ids); i += 100 {
		block := ids[i:min(i+100, len(ids))]
		fmt.Fprintf(&b, "%d beginbfchar\n", len(block))
		for _, id := range block {
			line = append(hex4(append(hex4(append(line[:0], '<'), uint16(id)), "> <"...), uint16(f.char[order[id]])), ">\n"...)
			b.Write(line)
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	return b.Bytes()
}
