package contract

import (
	"encoding/binary"
	"slices"
	"sync"
)

// glyphSet is the glyphs one document shows in one face. They are numbered 1, 2, … in the
// order the layout first shows them (0 stays .notdef), and that number is both the code in the
// content stream and the glyph id in the embedded subset (CIDToGIDMap /Identity). The layout is
// deterministic, so the numbering is too; no map is iterated.
type glyphSet struct {
	font  *pdfFont
	newID []uint16 // by glyph id in the full font; 0 = not in the subset yet
	order []uint16 // glyph id in the full font by id in the subset; order[0] = 0
	shown int      // len(order) when the components of composites were added (Output)
}

func newGlyphSet(f *pdfFont) *glyphSet {
	return &glyphSet{font: f, newID: make([]uint16, f.ttf.numGlyphs), order: make([]uint16, 1, 128)}
}

// getGlyphSet takes an empty set for f from its pool: newID has an entry for each of the
// font's ≈6 000 glyphs, too much to allocate and clear for every document.
func getGlyphSet(f *pdfFont) *glyphSet {
	if s, ok := f.sets.Get().(*glyphSet); ok {
		return s
	}
	return newGlyphSet(f)
}

// putGlyphSet empties s and gives it back to its font's pool.
func putGlyphSet(s *glyphSet) {
	if s == nil {
		return
	}
	for _, g := range s.order {
		s.newID[g] = 0
	}
	s.order, s.shown = s.order[:1], 0
	s.font.sets.Put(s)
}

// id is the subset's glyph id for g, which it adds to the subset on first use.
func (s *glyphSet) id(g uint16) uint16 {
	if g == 0 {
		return 0
	}
	if n := s.newID[g]; n != 0 {
		return n
	}
	s.order = append(s.order, g)
	s.newID[g] = uint16(len(s.order) - 1)
	return s.newID[g]
}

// close adds the glyphs composite glyphs are built of (after the shown ones: they need neither
// widths nor a character) and returns the number of shown glyphs, .notdef included.
func (s *glyphSet) close() int {
	if s.shown == 0 {
		s.shown = len(s.order)
		for i := 0; i < len(s.order); i++ { // order grows: components of components too
			for _, c := range s.font.ttf.parts[s.order[i]] {
				s.id(c.gid)
			}
		}
	}
	return s.shown
}

// program is the TrueType font of just the subset's glyphs: head, hhea, maxp, hmtx, loca and
// glyf, a cmap of the characters shown and a post table without glyph names. The hinting
// tables fpgm, prep and cvt are left out, as are the instructions of every glyph.
func (s *glyphSet) program() []byte { return s.programIn(&subsetBuffers{}) }

// subsetBuffers is the scratch space a font program is built in; pooled (subsetPool), as a
// document whose glyphs the font-objects cache does not hold builds two.
type subsetBuffers struct{ glyf, font, z []byte }

var subsetPool = sync.Pool{New: func() any { return &subsetBuffers{} }}

// programIn builds the program in buf.font (see program) and returns it.
func (s *glyphSet) programIn(buf *subsetBuffers) []byte {
	f := s.font.ttf
	s.close()
	n := len(s.order)
	glyf := buf.glyf[:0]
	loca := make([]byte, 4*(n+1))
	hmtx := make([]byte, 4*n)
	for i, g := range s.order {
		binary.BigEndian.PutUint32(loca[4*i:], uint32(len(glyf)))
		binary.BigEndian.PutUint16(hmtx[4*i:], f.hmetrics[g][0])
		binary.BigEndian.PutUint16(hmtx[4*i+2:], f.hmetrics[g][1])
		at := len(glyf)
		glyf = append(glyf, f.outline[g]...)
		for _, c := range f.parts[g] {
			binary.BigEndian.PutUint16(glyf[at+c.at:], s.newID[c.gid])
		}
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	buf.glyf = glyf
	binary.BigEndian.PutUint32(loca[4*n:], uint32(len(glyf)))
	head := slices.Clone(f.head)
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment, set below
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	hhea := slices.Clone(f.hhea)
	binary.BigEndian.PutUint16(hhea[34:], uint16(n))
	maxp := slices.Clone(f.maxp)
	binary.BigEndian.PutUint16(maxp[4:], uint16(n))
	post := make([]byte, 32)
	binary.BigEndian.PutUint32(post, 0x00030000) // version 3: no glyph names
	if len(f.post) >= 16 {
		copy(post[4:16], f.post[4:16]) // italic angle, underline, fixed pitch
	}
	font := sfnt(buf.font[:0], []table{ // in tag order, as the directory must be
		{"cmap", s.cmap()}, {"glyf", glyf}, {"head", head}, {"hhea", hhea},
		{"hmtx", hmtx}, {"loca", loca}, {"maxp", maxp}, {"post", post},
	})
	headAt := binary.BigEndian.Uint32(font[12+16*2+8:]) // the third entry of the directory
	// The tables are aligned and padded, so the sum over the font is the directory's sum plus
	// the tables' sums the directory already holds.
	sum := checksum(font[:12+16*8])
	for i := range 8 {
		sum += binary.BigEndian.Uint32(font[12+16*i+4:])
	}
	binary.BigEndian.PutUint32(font[headAt+8:], 0xB1B0AFBA-sum)
	buf.font = font
	return font
}

// cmap maps each shown character to its glyph (Windows Unicode BMP, format 4, a segment per
// character). A PDF viewer draws by glyph id and does not need it, but a font without one is
// rejected by some font loaders.
func (s *glyphSet) cmap() []byte {
	type pair struct{ r, id uint16 }
	packed := make([]uint32, 0, s.shown) // character << 16 | id: sorted by character, each once
	for id := 1; id < s.shown; id++ {
		if r := s.font.char[s.order[id]]; r != 0 && r < 0xFFFF {
			packed = append(packed, uint32(r)<<16|uint32(id))
		}
	}
	slices.Sort(packed)
	pairs := make([]pair, len(packed), len(packed)+1)
	for i, p := range packed {
		pairs[i] = pair{uint16(p >> 16), uint16(p)}
	}
	pairs = append(pairs, pair{0xFFFF, 0}) // the final segment the format requires
	seg := len(pairs)
	search := 1
	for search*2 <= seg {
		search *= 2
	}
	selector := 0
	for 1<<selector < search {
		selector++
	}
	length := 16 + 8*seg
	b := make([]byte, 12+length)
	put := func(at int, v uint16) { binary.BigEndian.PutUint16(b[at:], v) }
	put(2, 1) // one encoding record
	put(4, 3) // Windows
	put(6, 1) // Unicode BMP
	binary.BigEndian.PutUint32(b[8:], 12)
	t := 12
	put(t, 4)
	put(t+2, uint16(length))
	put(t+6, uint16(2*seg))
	put(t+8, uint16(2*search))
	put(t+10, uint16(selector))
	put(t+12, uint16(2*seg-2*search))
	for i, p := range pairs {
		put(t+14+2*i, p.r)            // endCode
		put(t+16+2*seg+2*i, p.r)      // startCode
		put(t+16+4*seg+2*i, p.id-p.r) // idDelta, modulo 65536: 0xFFFF maps to glyph 0
		// idRangeOffset stays 0
	}
	return b
}

type table struct {
	tag  string
	data []byte
}

func pad4(n int) int { return (n + 3) &^ 3 }

// sfnt writes the table directory and the tables, each padded to four bytes, over dst's
// spare capacity (dst's contents are not kept).
func sfnt(dst []byte, tables []table) []byte {
	size := 12 + 16*len(tables)
	for _, t := range tables {
		size += pad4(len(t.data))
	}
	b := slices.Grow(dst[:0], size)[:size]
	clear(b)
	binary.BigEndian.PutUint32(b, 0x00010000)
	binary.BigEndian.PutUint16(b[4:], uint16(len(tables)))
	search, selector := 1, 0
	for search*2 <= len(tables) {
		search, selector = search*2, selector+1
	}
	binary.BigEndian.PutUint16(b[6:], uint16(16*search))
	binary.BigEndian.PutUint16(b[8:], uint16(selector))
	binary.BigEndian.PutUint16(b[10:], uint16(16*(len(tables)-search)))
	at := 12 + 16*len(tables)
	for i, t := range tables {
		e := b[12+16*i:]
		copy(e, t.tag)
		copy(b[at:], t.data)
		binary.BigEndian.PutUint32(e[4:], checksum(b[at:at+pad4(len(t.data))]))
		binary.BigEndian.PutUint32(e[8:], uint32(at))
		binary.BigEndian.PutUint32(e[12:], uint32(len(t.data)))
		at += pad4(len(t.data))
	}
	return b
}

// checksum is the TrueType table checksum: the sum of big-endian uint32 words.
func checksum(b []byte) uint32 {
	var sum uint32
	i := 0
	for ; i+8 <= len(b); i += 8 { // two words at a time
		x := binary.BigEndian.Uint64(b[i:])
		sum += uint32(x>>32) + uint32(x)
	}
	for ; i+4 <= len(b); i += 4 {
		sum += binary.BigEndian.Uint32(b[i:])
	}
	return sum
}
