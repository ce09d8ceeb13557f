package eds

import (
	"errors"
	"fmt"
	"slices"
)

// KalkanCrypt and other Java CMS encoders emit BER: indefinite lengths ("30 80 … 00 00") and
// octet strings cut into constructed chunks. Go's encoding/asn1 reads only DER, so every piece
// of outside ASN.1 that may come from such an encoder first goes through normalizeBER, which
// rewrites it with definite lengths and joins the chunks of universal string types. It does
// not sort SET OF members: signed attributes are verified over the bytes the signer produced.

// maxBERDepth bounds the nesting the normaliser follows, so that hostile input cannot exhaust
// the stack; real CMS and PKCS#12 structures stay well under 30 levels.
const maxBERDepth = 64

// errBER is wrapped by every normaliser failure.
var errBER = errors.New("invalid BER encoding")

// berElement is one decoded TLV: the identifier octets, whether it is constructed, and either
// its primitive content or its children.
type berElement struct {
	class       byte // 0 universal, 1 application, 2 context-specific, 3 private
	constructed bool
	tag         uint64
	content     []byte
	children    []*berElement
	bodyLen     int // set by measure
}

// normalizeBER returns der re-encoded with definite lengths. Input that is already DER comes
// back byte-for-byte equal. Trailing bytes after the first element are an error.
func normalizeBER(in []byte) ([]byte, error) {
	if der, ok := cloneIfDER(in); ok {
		return der, nil
	}
	return normalizeBERTree(in)
}

// normalizeBERTree is normalizeBER the long way: the whole tree read, then written anew.
func normalizeBERTree(in []byte) ([]byte, error) {
	el, rest, err := parseBER(in, 0)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", errBER, len(rest))
	}
	return el.encode(nil), nil
}

// isBERIndefinite reports whether in starts with a constructed element of indefinite length,
// the usual sign of a Java encoder.
func isBERIndefinite(in []byte) bool {
	return len(in) >= 2 && in[0]&0x20 != 0 && in[1] == 0x80
}

func parseBER(in []byte, depth int) (*berElement, []byte, error) {
	if depth > maxBERDepth {
		return nil, nil, fmt.Errorf("%w: nesting deeper than %d", errBER, maxBERDepth)
	}
	if len(in) < 2 {
		return nil, nil, fmt.Errorf("%w: truncated header", errBER)
	}
	el := &berElement{class: in[0] >> 6, constructed: in[0]&0x20 != 0, tag: uint64(in[0] & 0x1f)}
	pos := 1
	if el.tag == 0x1f { // high tag number form
		el.tag = 0
		for {
			if pos >= len(in) {
				return nil, nil, fmt.Errorf("%w: truncated tag", errBER)
			}
			b := in[pos]
			pos++
			if el.tag > 1<<56 {
				return nil, nil, fmt.Errorf("%w: tag number too large", errBER)
			}
			el.tag = el.tag<<7 | uint64(b&0x7f)
			if b&0x80 == 0 {
				break
			}
		}
	}
	if pos >= len(in) {
		return nil, nil, fmt.Errorf("%w: truncated length", errBER)
	}
	lb := in[pos]
	pos++
	if lb == 0x80 {
		if !el.constructed {
			return nil, nil, fmt.Errorf("%w: indefinite length on a primitive element", errBER)
		}
		rest := in[pos:]
		for {
			if len(rest) >= 2 && rest[0] == 0 && rest[1] == 0 {
				rest = rest[2:]
				break
			}
			child, r, err := parseBER(rest, depth+1)
			if err != nil {
				return nil, nil, err
			}
			el.children = append(el.children, child)
			rest = r
		}
		return el.flatten(), rest, nil
	}
	length := int(lb)
	if lb&0x80 != 0 {
		n := int(lb & 0x7f)
		if n > 4 || pos+n > len(in) {
			return nil, nil, fmt.Errorf("%w: bad length of length", errBER)
		}
		length = 0
		for _, b := range in[pos : pos+n] {
			length = length<<8 | int(b)
		}
		pos += n
	}
	if length < 0 || length > len(in)-pos {
		return nil, nil, fmt.Errorf("%w: length %d exceeds the %d bytes left", errBER, length, len(in)-pos)
	}
	body := in[pos : pos+length]
	rest := in[pos+length:]
	if !el.constructed {
		el.content = body
		return el, rest, nil
	}
	for len(body) > 0 {
		child, r, err := parseBER(body, depth+1)
		if err != nil {
			return nil, nil, err
		}
		el.children = append(el.children, child)
		body = r
	}
	return el.flatten(), rest, nil
}

// flatten turns a constructed universal string (OCTET STRING, UTF8String, …) into the
// primitive form DER requires, by joining its chunks. Other elements are returned unchanged.
func (el *berElement) flatten() *berElement {
	if el.class != 0 || !el.constructed || !isUniversalStringTag(el.tag) {
		return el
	}
	var joined []byte
	for _, c := range el.children {
		if c.constructed || c.class != 0 || c.tag != el.tag {
			return el // not a valid chunking; leave it for the DER parser to refuse
		}
		joined = append(joined, c.content...)
	}
	return &berElement{class: 0, tag: el.tag, content: joined}
}

// isUniversalStringTag lists the universal types that BER lets an encoder cut into chunks.
// BIT STRING is left out: joining it would need its unused-bits octet handled per chunk.
func isUniversalStringTag(tag uint64) bool {
	switch tag {
	case 4, 12, 19, 20, 22, 26, 28, 30: // OCTET, UTF8, Printable, T61, IA5, Visible, Universal, BMP
		return true
	}
	return false
}

// encode appends the DER form of el to out. It measures the tree first and then writes every
// element once into one buffer: building each constructed body apart copied every byte once
// per level of nesting, which made normalising a CMS a visible cost of each verification.
func (el *berElement) encode(out []byte) []byte {
	return el.appendDER(slices.Grow(out, el.measure()))
}

// measure records the length of el's body (and of its children's) and returns the length of
// el's whole encoding.
func (el *berElement) measure() int {
	n := len(el.content)
	if el.constructed {
		n = 0
		for _, c := range el.children {
			n += c.measure()
		}
	}
	el.bodyLen = n
	return el.headerLen() + n
}

func (el *berElement) headerLen() int {
	n := 1
	if el.tag >= 0x1f {
		for v := el.tag; v > 0; v >>= 7 {
			n++
		}
	}
	n++ // the length octet, or the count of the long form's octets
	if el.bodyLen >= 0x80 {
		for l := el.bodyLen; l > 0; l >>= 8 {
			n++
		}
	}
	return n
}

// appendDER writes el as measure measured it.
func (el *berElement) appendDER(out []byte) []byte {
	first := el.class<<6 | byte(0)
	if el.constructed {
		first |= 0x20
	}
	if el.tag < 0x1f {
		out = append(out, first|byte(el.tag))
	} else {
		out = append(out, first|0x1f)
		out = appendBase128(out, el.tag)
	}
	out = AppendDERLength(out, el.bodyLen)
	if !el.constructed {
		return append(out, el.content...)
	}
	for _, c := range el.children {
		out = c.appendDER(out)
	}
	return out
}

func appendBase128(out []byte, v uint64) []byte {
	var tmp [10]byte
	i := len(tmp) - 1
	tmp[i] = byte(v & 0x7f)
	for v >>= 7; v > 0; v >>= 7 {
		i--
		tmp[i] = byte(v&0x7f) | 0x80
	}
	return append(out, tmp[i:]...)
}

// AppendDERLength appends n as a DER length (X.690 §8.1.3): one byte below 128, else the
// count of the big-endian bytes that follow, high bit set.
func AppendDERLength(out []byte, n int) []byte {
	if n < 0x80 {
		return append(out, byte(n))
	}
	var tmp [8]byte
	i := len(tmp)
	for ; n > 0; n >>= 8 {
		i--
		tmp[i] = byte(n)
	}
	out = append(out, 0x80|byte(len(tmp)-i))
	return append(out, tmp[i:]...)
}
