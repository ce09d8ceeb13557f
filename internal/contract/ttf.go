package contract

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ttfFont is what the PDF writer needs from a TrueType font: the glyph of each character, the
// advance widths, the metrics of the font descriptor and, for the per-document subset, every
// glyph's outline with its hinting instructions already removed. It reads only the tables it
// needs, once per process.
type ttfFont struct {
	unitsPerEm int
	glyph      map[rune]uint16
	advance    []int // by glyph id, in 1/1000 em (PDF glyph space)
	ascent     int   // 1/1000 em
	descent    int
	capHeight  int
	bbox       [4]int
	numGlyphs  int

	head, hhea, maxp, post []byte      // copied into every subset with a few fields changed
	hmetrics               [][2]uint16 // advance and left side bearing by glyph id, font units
	outline                [][]byte    // glyf data by glyph id, without instructions; nil if empty
	parts                  [][]component
}

func parseTTF(b []byte) (*ttfFont, error) {
	if len(b) < 12 {
		return nil, errors.New("ttf: too short")
	}
	tables := map[string][]byte{}
	n := int(binary.BigEndian.Uint16(b[4:]))
	for i := 0; i < n; i++ {
		e := 12 + 16*i
		if e+16 > len(b) {
			return nil, errors.New("ttf: truncated table directory")
		}
		tag := string(b[e : e+4])
		off, ln := int(binary.BigEndian.Uint32(b[e+8:])), int(binary.BigEndian.Uint32(b[e+12:]))
		if off < 0 || ln < 0 || off+ln > len(b) {
			return nil, fmt.Errorf("ttf: table %q out of range", tag)
		}
		tables[tag] = b[off : off+ln]
	}
	for _, t := range []string{"head", "hhea", "hmtx", "maxp", "cmap"} {
		if tables[t] == nil {
			return nil, fmt.Errorf("ttf: no %s table", t)
		}
	}
	head, hhea, maxp := tables["head"], tables["hhea"], tables["maxp"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 {
		return nil, errors.New("ttf: short head, hhea or maxp")
	}
	f := &ttfFont{head: head, hhea: hhea, maxp: maxp, post: tables["post"], unitsPerEm: int(binary.BigEndian.Uint16(head[18:]))}
	if f.unitsPerEm == 0 {
		return nil, errors.New("ttf: unitsPerEm is 0")
	}
	scale := func(v int16) int { return int(v) * 1000 / f.unitsPerEm }
	for i := range f.bbox {
		f.bbox[i] = scale(int16(binary.BigEndian.Uint16(head[36+2*i:])))
	}
	f.ascent = scale(int16(binary.BigEndian.Uint16(hhea[4:])))
	f.descent = scale(int16(binary.BigEndian.Uint16(hhea[6:])))
	f.capHeight = f.ascent
	if os2 := tables["OS/2"]; len(os2) >= 90 && binary.BigEndian.Uint16(os2) >= 2 {
		f.capHeight = scale(int16(binary.BigEndian.Uint16(os2[88:])))
	}
	f.numGlyphs = int(binary.BigEndian.Uint16(maxp[4:]))
	metrics := int(binary.BigEndian.Uint16(hhea[34:]))
	hmtx := tables["hmtx"]
	if metrics == 0 || len(hmtx) < 4*metrics {
		return nil, errors.New("ttf: short hmtx")
	}
	if len(hmtx) < 4*metrics+2*(f.numGlyphs-metrics) {
		return nil, errors.New("ttf: short hmtx")
	}
	f.advance = make([]int, f.numGlyphs)
	f.hmetrics = make([][2]uint16, f.numGlyphs)
	for g := range f.advance {
		m := min(g, metrics-1) // glyphs past the last metric repeat its advance
		adv := binary.BigEndian.Uint16(hmtx[4*m:])
		lsb := binary.BigEndian.Uint16(hmtx[4*m+2:])
		if g >= metrics { // and have their side bearing in the array that follows
			lsb = binary.BigEndian.Uint16(hmtx[4*metrics+2*(g-metrics):])
		}
		f.hmetrics[g] = [2]uint16{adv, lsb}
		f.advance[g] = int(adv) * 1000 / f.unitsPerEm
	}
	if err := f.readOutlines(tables["loca"], tables["glyf"]); err != nil {
		return nil, err
	}
	var err error
	if f.glyph, err = parseCmap4(tables["cmap"], f.numGlyphs); err != nil {
		return nil, err
	}
	return f, nil
}

// parseCmap4 reads the Windows Unicode BMP subtable (platform 3, encoding 1, format 4).
func parseCmap4(c []byte, numGlyphs int) (map[rune]uint16, error) {
	if len(c) < 4 {
		return nil, errors.New("ttf: short cmap")
	}
	u16 := func(b []byte, at int) (int, error) {
		if at < 0 || at+2 > len(b) {
			return 0, errors.New("ttf: cmap out of range")
		}
		return int(binary.BigEndian.Uint16(b[at:])), nil
	}
	n, _ := u16(c, 2)
	for i := 0; i < n; i++ {
		pid, err := u16(c, 4+8*i)
		if err != nil {
			return nil, err
		}
		eid, _ := u16(c, 6+8*i)
		if pid != 3 || eid != 1 || 12+8*i > len(c) {
			continue
		}
		off := int(binary.BigEndian.Uint32(c[8+8*i:]))
		if off >= len(c) {
			return nil, errors.New("ttf: cmap subtable out of range")
		}
		t := c[off:]
		if format, _ := u16(t, 0); format != 4 {
			continue
		}
		segX2, err := u16(t, 6)
		if err != nil {
			return nil, err
		}
		ends, starts, deltas, ranges := 14, 16+segX2, 16+2*segX2, 16+3*segX2
		out := map[rune]uint16{}
		for s := 0; s < segX2/2; s++ {
			end, err1 := u16(t, ends+2*s)
			start, err2 := u16(t, starts+2*s)
			delta, err3 := u16(t, deltas+2*s)
			ro, err4 := u16(t, ranges+2*s)
			if err := errors.Join(err1, err2, err3, err4); err != nil {
				return nil, err
			}
			for ch := start; ch <= end && ch != 0xFFFF; ch++ {
				g := 0
				if ro == 0 {
					g = (ch + delta) & 0xFFFF
				} else {
					gi, err := u16(t, ranges+2*s+ro+2*(ch-start))
					if err != nil {
						return nil, err
					}
					if gi != 0 {
						g = (gi + delta) & 0xFFFF
					}
				}
				if g > 0 && g < numGlyphs {
					out[rune(ch)] = uint16(g)
				}
			}
		}
		return out, nil
	}
	return nil, errors.New("ttf: no Unicode BMP cmap (3,1,4)")
}
