package contract

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// component is a reference from a composite glyph to another glyph: the subset renumbers
// glyphs, so it rewrites the id at offset at of the composite's data.
type component struct {
	at  int
	gid uint16
}

// Flags of a composite glyph's component record (OpenType spec, glyf table).
const (
	argsAreWords     = 0x0001
	haveScale        = 0x0008
	moreComponents   = 0x0020
	haveXYScale      = 0x0040
	haveTwoByTwo     = 0x0080
	haveInstructions = 0x0100
)

// readOutlines cuts glyf into the data of each glyph and drops its hinting instructions: a PDF
// viewer rasterises at its own resolution and needs none of them, and without them the subset
// can leave out fpgm, prep and cvt as well (instructions would call into fpgm).
func (f *ttfFont) readOutlines(loca, glyf []byte) error {
	if loca == nil || glyf == nil {
		return errors.New("ttf: no loca or glyf table")
	}
	long := binary.BigEndian.Uint16(f.head[50:]) == 1
	at := func(g int) (int, error) {
		if long {
			if 4*g+4 > len(loca) {
				return 0, errors.New("ttf: short loca")
			}
			return int(binary.BigEndian.Uint32(loca[4*g:])), nil
		}
		if 2*g+2 > len(loca) {
			return 0, errors.New("ttf: short loca")
		}
		return 2 * int(binary.BigEndian.Uint16(loca[2*g:])), nil
	}
	f.outline = make([][]byte, f.numGlyphs)
	f.parts = make([][]component, f.numGlyphs)
	stripped := make([]byte, 0, len(glyf))
	for g := range f.outline {
		start, err1 := at(g)
		end, err2 := at(g + 1)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		if start < 0 || end < start || end > len(glyf) {
			return fmt.Errorf("ttf: glyph %d out of range", g)
		}
		if start == end {
			continue // no outline: a space
		}
		from := len(stripped)
		if stripped, err1 = f.stripGlyph(stripped, glyf[start:end], g); err1 != nil {
			return err1
		}
		f.outline[g] = stripped[from:len(stripped):len(stripped)]
	}
	return nil
}

// stripGlyph appends glyph g's data without instructions to out and records its components.
func (f *ttfFont) stripGlyph(out, d []byte, g int) ([]byte, error) {
	if len(d) < 10 {
		return nil, fmt.Errorf("ttf: glyph %d too short", g)
	}
	contours := int(int16(binary.BigEndian.Uint16(d)))
	if contours >= 0 {
		p := 10 + 2*contours // past the header and endPtsOfContours
		if p+2 > len(d) {
			return nil, fmt.Errorf("ttf: glyph %d truncated", g)
		}
		n := int(binary.BigEndian.Uint16(d[p:]))
		if p+2+n > len(d) {
			return nil, fmt.Errorf("ttf: glyph %d instructions out of range", g)
		}
		out = append(out, d[:p]...)
		out = append(out, 0, 0) // instructionLength
		return append(out, d[p+2+n:]...), nil
	}
	from := len(out)
	p := 10
	for {
		if p+4 > len(d) {
			return nil, fmt.Errorf("ttf: composite glyph %d truncated", g)
		}
		flags := binary.BigEndian.Uint16(d[p:])
		ref := binary.BigEndian.Uint16(d[p+2:])
		if int(ref) >= f.numGlyphs {
			return nil, fmt.Errorf("ttf: composite glyph %d refers to glyph %d", g, ref)
		}
		f.parts[g] = append(f.parts[g], component{at: p + 2, gid: ref})
		p += 4 + 2
		if flags&argsAreWords != 0 {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComponents == 0 {
			break
		}
	}
	if p > len(d) {
		return nil, fmt.Errorf("ttf: composite glyph %d truncated", g)
	}
	out = append(out, d[:p]...)
	for _, c := range f.parts[g] { // the instructions that followed the last component are gone
		flags := binary.BigEndian.Uint16(out[from+c.at-2:])
		binary.BigEndian.PutUint16(out[from+c.at-2:], flags&^haveInstructions)
	}
	return out, nil
}
