package contract

import (
	"encoding/binary"
	"hash/adler32"
	"slices"
)

// literalCoder deflates with a single Huffman code for the byte values, built once per process
// from the font it serves: a font subset is ≈25 % smaller for it, at a few nanoseconds a byte —
// compress/flate spends ≈0.3 ms on the same 11 KB because it searches for repeats, which glyph
// outlines hardly have, and builds its code anew each time. The output is one dynamic-Huffman
// block of literals (RFC 1951 §3.2.7) in a zlib wrapper (RFC 1950), as FlateDecode reads it.
type literalCoder struct {
	code   [257]uint16 // bit-reversed, as deflate packs codes; 256 ends the block
	size   [257]uint8
	header bitWriter // zlib header and block header, written once
}

// cmOrder is the order the code-length code's lengths are sent in.
var cmOrder = [19]int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

func newLiteralCoder(sample []byte) *literalCoder {
	var freq [257]int
	for i := range freq {
		freq[i] = 1 // every byte value must be codable
	}
	for _, c := range sample {
		freq[c]++
	}
	c := &literalCoder{}
	lengths := huffmanLengths(freq[:], 15)
	codes := canonicalCodes(lengths)
	for i := range c.code {
		c.code[i], c.size[i] = codes[i], lengths[i]
	}
	// The code lengths are sent with the code-length code, without run-length symbols: 257
	// literal/length lengths and a single distance length of 0 (no distances at all).
	sent := append(append([]uint8{}, lengths...), 0)
	clFreq := make([]int, 19)
	for _, l := range sent {
		clFreq[l]++
	}
	clLengths := huffmanLengths(clFreq, 7)
	clCodes := canonicalCodes(clLengths)
	n := 19
	for n > 4 && clLengths[cmOrder[n-1]] == 0 {
		n--
	}
	w := &c.header
	w.out = append(w.out, 0x78, 0x01) // deflate, 32 KB window, no dictionary
	w.write(1, 1)                     // the final block
	w.write(2, 2)                     // with dynamic Huffman codes
	w.write(0, 5)                     // 257 literal/length codes
	w.write(0, 5)                     // 1 distance code
	w.write(uint16(n-4), 4)
	for _, s := range cmOrder[:n] {
		w.write(uint16(clLengths[s]), 3)
	}
	for _, l := range sent {
		w.write(clCodes[l], clLengths[l])
	}
	return c
}

// compress returns b as a zlib stream.
func (c *literalCoder) compress(b []byte) []byte { return c.appendCompressed(nil, b) }

// appendCompressed appends b as a zlib stream to dst. A face's subset is ≈10 KB, coded on
// every document whose glyphs the font-objects cache does not hold, so the loop avoids the
// branch a bit writer takes on every few codes (mispredicted, it cost more than the coding): it
// adds three codes (≤ 45 bits) to the at most 7 bits left over, then stores eight bytes and
// keeps only the whole bytes among them.
func (c *literalCoder) appendCompressed(dst, b []byte) []byte {
	out := slices.Grow(dst, len(c.header.out)+2*len(b)+16) // a code is at most 15 bits
	out = append(out, c.header.out...)
	acc, n := c.header.acc, c.header.n
	for ; n >= 8; n -= 8 { // the header's whole bytes: at most 7 bits held
		out = append(out, byte(acc))
		acc >>= 8
	}
	pos := len(out)
	out = out[:cap(out)]
	i := 0
	for ; i+3 <= len(b); i += 3 {
		x, y, z := b[i], b[i+1], b[i+2]
		acc |= uint64(c.code[x]) << n
		n += uint(c.size[x])
		acc |= uint64(c.code[y]) << n
		n += uint(c.size[y])
		acc |= uint64(c.code[z]) << n
		n += uint(c.size[z])
		binary.LittleEndian.PutUint64(out[pos:], acc)
		whole := n >> 3
		pos, acc, n = pos+int(whole), acc>>(8*whole), n&7
	}
	w := bitWriter{out: out[:pos], acc: acc, n: n}
	for ; i < len(b); i++ {
		w.write(c.code[b[i]], c.size[b[i]])
	}
	w.write(c.code[256], c.size[256])
	w.flush()
	return binary.BigEndian.AppendUint32(w.out, adler32.Checksum(b))
}

// bitWriter packs codes least significant bit first, as deflate does.
type bitWriter struct {
	out []byte
	acc uint64
	n   uint
}

func (w *bitWriter) write(code uint16, size uint8) {
	w.acc |= uint64(code) << w.n
	w.n += uint(size)
	if w.n >= 32 {
		w.out = binary.LittleEndian.AppendUint32(w.out, uint32(w.acc))
		w.acc >>= 32
		w.n -= 32
	}
}

func (w *bitWriter) flush() {
	for w.n > 0 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.n -= min(w.n, 8)
	}
	w.acc, w.n = 0, 0
}

// huffmanLengths is the code length of each symbol (0 for a symbol of frequency 0), no longer
// than limit: while the tree is too deep the frequencies are flattened and it is built again.
// Ties go to the lower symbol, so the code never depends on anything but freq.
func huffmanLengths(freq []int, limit int) []uint8 {
	f := append([]int{}, freq...)
	for {
		lengths, deepest := huffmanTree(f)
		if deepest <= limit {
			return lengths
		}
		for i := range f {
			if f[i] > 0 {
				f[i] = f[i]/2 + 1
			}
		}
	}
}

func huffmanTree(freq []int) ([]uint8, int) {
	type node struct{ weight, parent int }
	var nodes []node
	var live []int // nodes not yet merged, in creation order
	leaf := make([]int, len(freq))
	for s, w := range freq {
		leaf[s] = -1
		if w > 0 {
			leaf[s] = len(nodes)
			live = append(live, len(nodes))
			nodes = append(nodes, node{w, -1})
		}
	}
	lengths := make([]uint8, len(freq))
	if len(live) == 1 {
		for s := range freq {
			if leaf[s] >= 0 {
				lengths[s] = 1
			}
		}
		return lengths, 1
	}
	for len(live) > 1 {
		a, b := 0, 1 // positions in live of the two lightest
		if nodes[live[b]].weight < nodes[live[a]].weight {
			a, b = b, a
		}
		for i := 2; i < len(live); i++ {
			switch w := nodes[live[i]].weight; {
			case w < nodes[live[a]].weight:
				a, b = i, a
			case w < nodes[live[b]].weight:
				b = i
			}
		}
		parent := len(nodes)
		nodes = append(nodes, node{nodes[live[a]].weight + nodes[live[b]].weight, -1})
		nodes[live[a]].parent, nodes[live[b]].parent = parent, parent
		keep := live[:0]
		for i, n := range live {
			if i != a && i != b {
				keep = append(keep, n)
			}
		}
		live = append(keep, parent)
	}
	deepest := 0
	for s, n := range leaf {
		if n < 0 {
			continue
		}
		d := 0
		for p := nodes[n].parent; p >= 0; p = nodes[p].parent {
			d++
		}
		lengths[s] = uint8(min(d, 255))
		deepest = max(deepest, d)
	}
	return lengths, deepest
}

// canonicalCodes assigns the codes RFC 1951 §3.2.2 derives from the lengths, bit-reversed.
func canonicalCodes(lengths []uint8) []uint16 {
	var count, next [17]uint16
	for _, l := range lengths {
		if l > 0 {
			count[l]++
		}
	}
	code := uint16(0)
	for bits := 1; bits <= 16; bits++ {
		code = (code + count[bits-1]) << 1
		next[bits] = code
	}
	codes := make([]uint16, len(lengths))
	for s, l := range lengths {
		if l == 0 {
			continue
		}
		c := next[l]
		next[l]++
		for i := uint8(0); i < l; i++ { // reverse: deflate sends Huffman codes MSB first
			codes[s] = codes[s]<<1 | c&1
			c >>= 1
		}
	}
	return codes
}
