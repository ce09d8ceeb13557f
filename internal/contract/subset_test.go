package contract

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
)

// embeddedFont is a TrueType program read back out of a PDF by a reader of the test's own
// (not the package's parser): its tables, its glyphs and its character map.
type embeddedFont struct {
	tables map[string][]byte
	glyphs [][]byte // by glyph id, as loca cuts glyf
	chars  map[rune]int
	raw    []byte
}

// embeddedFonts returns the FontFile2 program of each font resource of page 1, by name.
func embeddedFonts(t *testing.T, b []byte) map[string]*embeddedFont {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	page := r.Page(1)
	out := map[string]*embeddedFont{}
	for _, name := range page.Fonts() {
		file := page.Font(name).V.Key("DescendantFonts").Index(0).Key("FontDescriptor").Key("FontFile2")
		rc := file.Reader()
		raw, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || len(raw) == 0 {
			t.Fatalf("font %s: no FontFile2 program (%v)", name, err)
		}
		out[name] = readEmbeddedFont(t, raw)
	}
	if len(out) != 2 {
		t.Fatalf("want the regular and the bold face, got %d fonts", len(out))
	}
	return out
}

func readEmbeddedFont(t *testing.T, b []byte) *embeddedFont {
	t.Helper()
	u16 := func(p []byte, at int) int { return int(binary.BigEndian.Uint16(p[at:])) }
	u32 := func(p []byte, at int) int { return int(binary.BigEndian.Uint32(p[at:])) }
	f := &embeddedFont{tables: map[string][]byte{}, chars: map[rune]int{}, raw: b}
	for i := 0; i < u16(b, 4); i++ {
		e := 12 + 16*i
		f.tables[string(b[e:e+4])] = b[u32(b, e+8) : u32(b, e+8)+u32(b, e+12)]
	}
	if u16(f.tables["head"], 50) != 1 {
		t.Fatal("expected long loca offsets")
	}
	n := u16(f.tables["maxp"], 4)
	loca, glyf := f.tables["loca"], f.tables["glyf"]
	for g := 0; g < n; g++ {
		f.glyphs = append(f.glyphs, glyf[u32(loca, 4*g):u32(loca, 4*g+4)])
	}
	cmap := f.tables["cmap"]
	sub := cmap[u32(cmap, 8):]
	if u16(cmap, 4) != 3 || u16(cmap, 6) != 1 || u16(sub, 0) != 4 {
		t.Fatal("expected a (3,1) format 4 cmap")
	}
	seg := u16(sub, 6) / 2
	for s := 0; s < seg; s++ {
		end, start := u16(sub, 14+2*s), u16(sub, 16+2*seg+2*s)
		delta, ro := u16(sub, 16+4*seg+2*s), u16(sub, 16+6*seg+2*s)
		if ro != 0 {
			t.Fatal("the subset's cmap should use deltas only")
		}
		for c := start; c <= end && c != 0xFFFF; c++ {
			f.chars[rune(c)] = (c + delta) & 0xFFFF
		}
	}
	return f
}

// The font program of a typical contract holds the ~100 glyphs it shows, without hinting, and
// is a well-formed TrueType file: the whole-file checksum comes out at the magic number.
func TestEmbeddedFontIsASubsetOfTheGlyphsShown(t *testing.T) {
	fonts, err := fontsOnce()
	if err != nil {
		t.Fatal(err)
	}
	full := fonts.regular.ttf
	for _, lang := range []Lang{Russian, Kazakh} {
		d, err := Render(testTerms(t, 12), lang)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(pageTexts(t, d.Bytes), "")
		var absent, present rune
		for _, r := range "DFGJLNQRSUVW" { // Latin capitals no Cyrillic letter looks like
			if !strings.ContainsRune(text, r) && absent == 0 {
				absent = r
			}
		}
		for _, r := range "KMZ" { // from the contract number and the account
			if strings.ContainsRune(text, r) {
				present = r
			}
		}
		if absent == 0 || present == 0 {
			t.Fatalf("%s: no Latin capital absent (%q) or present (%q)", lang, absent, present)
		}
		for name, f := range embeddedFonts(t, d.Bytes) {
			for _, tag := range []string{"fpgm", "prep", "cvt "} {
				if f.tables[tag] != nil {
					t.Errorf("%s %s: hinting table %q embedded", lang, name, tag)
				}
			}
			if n := len(f.glyphs); n < 40 || n > 250 {
				t.Errorf("%s %s: %d glyphs embedded, the full font has %d", lang, name, n, full.numGlyphs)
			}
			sum := uint32(0)
			for i := 0; i+4 <= len(f.raw); i += 4 {
				sum += binary.BigEndian.Uint32(f.raw[i:])
			}
			if len(f.raw)%4 != 0 || sum != 0xB1B0AFBA {
				t.Errorf("%s %s: font checksum %08X", lang, name, sum)
			}
			for g, data := range f.glyphs {
				checkGlyph(t, f, g, data)
			}
			if _, ok := f.chars[absent]; ok {
				t.Errorf("%s %s: %q is not in the text but in the font's cmap", lang, name, absent)
			}
			if _, ok := f.chars[present]; !ok && name == "F1" {
				t.Errorf("%s %s: %q is in the text but not in the font's cmap", lang, name, present)
			}
		}
		// The outline of the absent letter is nowhere in the regular face; the present one is.
		reg := embeddedFonts(t, d.Bytes)["F1"]
		if holds(reg, full.outline[full.glyph[absent]]) {
			t.Errorf("%s: the outline of %q is embedded although the text has no %q", lang, absent, absent)
		}
		if !holds(reg, full.outline[full.glyph[present]]) {
			t.Errorf("%s: the outline of %q is missing", lang, present)
		}
	}
}

func holds(f *embeddedFont, outline []byte) bool {
	for _, g := range f.glyphs {
		if len(g) >= len(outline) && len(g) < len(outline)+4 && bytes.Equal(g[:len(outline)], outline) {
			return true
		}
	}
	return false
}

// checkGlyph checks that a simple glyph carries no instructions and a composite one refers only
// to glyphs the subset has, with outlines (a component missing from the subset would have been
// renumbered to 0, the .notdef box).
func checkGlyph(t *testing.T, f *embeddedFont, g int, d []byte) {
	t.Helper()
	if len(d) == 0 {
		return
	}
	contours := int(int16(binary.BigEndian.Uint16(d)))
	if contours >= 0 {
		if n := binary.BigEndian.Uint16(d[10+2*contours:]); n != 0 {
			t.Errorf("glyph %d keeps %d bytes of instructions", g, n)
		}
		return
	}
	for p := 10; ; {
		flags, ref := binary.BigEndian.Uint16(d[p:]), int(binary.BigEndian.Uint16(d[p+2:]))
		if ref == 0 || ref >= len(f.glyphs) || len(f.glyphs[ref]) == 0 { // 0 is .notdef, no part
			t.Errorf("composite glyph %d refers to glyph %d, not in the subset", g, ref)
		}
		if flags&0x100 != 0 {
			t.Errorf("composite glyph %d still announces instructions", g)
		}
		p += 6
		if flags&1 != 0 {
			p += 2
		}
		switch {
		case flags&8 != 0:
			p += 2
		case flags&0x40 != 0:
			p += 4
		case flags&0x80 != 0:
			p += 8
		}
		if flags&0x20 == 0 {
			return
		}
	}
}

// A contract is a few tens of kilobytes: before the per-document subset the two font programs
// alone took 134 KB of every 145 KB document.
func TestContractPDFIsSmall(t *testing.T) {
	for _, c := range []struct {
		months int
		limit  int
	}{{12, 40_000}, {36, 45_000}} {
		ru, kk, err := RenderBoth(testTerms(t, c.months))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []Document{ru, kk} {
			if len(d.Bytes) > c.limit {
				t.Errorf("%s, %d months: %d bytes, over %d", d.Lang, c.months, len(d.Bytes), c.limit)
			}
		}
	}
}
