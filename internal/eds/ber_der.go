package eds

import "bytes"

// normalizeBER's fast path. Nearly every signature reaches Nesie already in DER (NCALayer's
// CMS is DER; only KalkanCrypt's Java tools write indefinite lengths), and rebuilding a tree of
// it only to write the same bytes back cost more than reading the CMS itself. isDER walks the
// input without allocating and says whether normalizeBER would return it unchanged; the fuzz
// test FuzzNormalizeBER checks that it never says so wrongly.

// isDER reports whether in is exactly one element that normalizeBER would re-encode
// byte for byte: definite, minimal lengths, minimal tags, no chunked universal strings.
func isDER(in []byte) bool {
	rest, ok := derElement(in, 0)
	return ok && len(rest) == 0
}

// derElement checks the element at the start of in and returns what follows it.
func derElement(in []byte, depth int) ([]byte, bool) {
	if depth > maxBERDepth || len(in) < 2 {
		return nil, false
	}
	class, constructed, tag := in[0]>>6, in[0]&0x20 != 0, uint64(in[0]&0x1f)
	pos := 1
	if tag == 0x1f {
		if in[pos] == 0x80 { // a leading zero digit, which encode would drop
			return nil, false
		}
		tag = 0
		for {
			if pos >= len(in) || tag > 1<<56 {
				return nil, false
			}
			b := in[pos]
			pos++
			tag = tag<<7 | uint64(b&0x7f)
			if b&0x80 == 0 {
				break
			}
		}
		if tag < 0x1f { // encode would use the low-tag form
			return nil, false
		}
	}
	if pos >= len(in) {
		return nil, false
	}
	lb := in[pos]
	pos++
	length := int(lb)
	switch {
	case lb == 0x80:
		return nil, false // indefinite
	case lb&0x80 != 0:
		n := int(lb & 0x7f)
		if n > 4 || pos+n > len(in) || in[pos] == 0 {
			return nil, false
		}
		length = 0
		for _, b := range in[pos : pos+n] {
			length = length<<8 | int(b)
		}
		pos += n
		if length < 0x80 { // the short form was due
			return nil, false
		}
	}
	if length < 0 || length > len(in)-pos {
		return nil, false
	}
	body, rest := in[pos:pos+length], in[pos+length:]
	if !constructed {
		return rest, true
	}
	if class == 0 && isUniversalStringTag(tag) {
		return nil, false // a chunked string, which flatten may join
	}
	for len(body) > 0 {
		var ok bool
		if body, ok = derElement(body, depth+1); !ok {
			return nil, false
		}
	}
	return rest, true
}

// cloneIfDER returns a copy of in when it is already DER (see isDER).
func cloneIfDER(in []byte) ([]byte, bool) {
	if !isDER(in) {
		return nil, false
	}
	return bytes.Clone(in), true
}
