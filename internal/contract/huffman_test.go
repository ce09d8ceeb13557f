package contract

import (
	"bytes"
	"compress/zlib"
	"io"
	"testing"
)

// FuzzLiteralCoderRoundTrip: whatever the bytes, the standard library's zlib reader gives
// them back from the coder's stream (checksum included) — the code of each face was built
// from a font, but every byte value must stay codable.
func FuzzLiteralCoderRoundTrip(f *testing.F) {
	fonts, err := fontsOnce()
	if err != nil {
		f.Fatal(err)
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	f.Add([]byte{})
	f.Add(all)
	f.Add(bytes.Repeat([]byte{0xFF}, 5000))
	f.Add(fontRegular[:4096])
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, face := range []*pdfFont{&fonts.regular, &fonts.bold} {
			z := face.coder.compress(b)
			r, err := zlib.NewReader(bytes.NewReader(z))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, b) {
				t.Fatalf("%s: round trip lost the data (%v)", face.name, err)
			}
		}
	})
}

// The code is a real compression of the font subsets: a typical subset comes out at most
// 85 % of its size (entropy of glyph data is about 6.5 bits a byte).
func TestLiteralCoderCompressesASubset(t *testing.T) {
	fonts, err := fontsOnce()
	if err != nil {
		t.Fatal(err)
	}
	set := newGlyphSet(&fonts.regular)
	for _, r := range "Договор микрокредита № 1 от 14.01.2026 Қарыз алушы 500 000,00 ₸" {
		set.id(fonts.regular.gid(r))
	}
	program := set.program()
	if z := fonts.regular.coder.compress(program); len(z)*100 > 85*len(program) {
		t.Errorf("%d bytes compressed to %d", len(program), len(z))
	}
}

// Code lengths stay within deflate's 15 bits, however skewed the frequencies.
func TestHuffmanLengthsAreLimited(t *testing.T) {
	freq := make([]int, 257)
	w := 1
	for i := range freq { // doubling weights: unlimited, the tree would be 256 deep
		freq[i] = w
		w = min(w*2, 1<<40)
	}
	lengths := huffmanLengths(freq, 15)
	kraft := 0.0
	for _, l := range lengths {
		if l == 0 || l > 15 {
			t.Fatalf("length %d", l)
		}
		kraft += 1 / float64(uint(1)<<l)
	}
	if kraft != 1 {
		t.Errorf("the code is not complete: Kraft sum %v", kraft)
	}
}
