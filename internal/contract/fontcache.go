package contract

import "sync"

// fontBlock is the five font objects of one face as they go into a file: their bytes and each
// object's offset within them. It is shared between documents and never modified.
type fontBlock struct {
	bytes []byte
	offs  [5]int
}

// fontCache keeps the font objects of the last documents. They depend only on the face and
// the glyphs the document shows, in the order it first shows them (the subset's numbering);
// building them — copying the outlines, summing, Huffman-coding ≈10 KB — is ≈15 % of a
// rendering. Rendering the same contract again (to check a stored hash, R11, or a copy opened
// twice) then costs that much less. A contract with other text usually misses: its number is in
// the first line of every page, so its digits come in another order. The key is the exact
// order, not a hash of it: a collision would embed the wrong font. A hit gives the very bytes a
// miss builds, so the cache never changes a document. Past limit entries the oldest is dropped.
type fontCache struct {
	mu     sync.Mutex
	blocks map[string]*fontBlock
	fifo   []string // keys, oldest first
	limit  int
	hits   int // for tests
}

// fontObjectsCacheSize bounds the cache: a block is ≈12 KB, so ≈1.5 MB at most.
const fontObjectsCacheSize = 128

var fontObjectsCache = newFontCache(fontObjectsCacheSize)

func newFontCache(limit int) *fontCache {
	return &fontCache{blocks: make(map[string]*fontBlock, limit), limit: limit}
}

// fontObjectsOf returns the font objects of face f for the glyphs s holds.
func fontObjectsOf(f *pdfFont, s *glyphSet) *fontBlock {
	return fontObjectsCache.get(f, s)
}

func (c *fontCache) get(f *pdfFont, s *glyphSet) *fontBlock {
	shown := len(s.order)
	if s.shown != 0 {
		shown = s.shown
	}
	key := make([]byte, 0, len(f.name)+1+2*shown)
	key = append(append(key, f.name...), 0)
	for _, g := range s.order[:shown] {
		key = append(key, byte(g>>8), byte(g))
	}
	c.mu.Lock()
	blk, ok := c.blocks[string(key)]
	if ok {
		c.hits++
	}
	c.mu.Unlock()
	if ok {
		return blk
	}
	blk = buildFontObjects(f, s)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.blocks[string(key)]; ok { // built meanwhile by another document
		return blk
	}
	if c.limit <= 0 {
		return blk
	}
	if len(c.fifo) >= c.limit {
		delete(c.blocks, c.fifo[0])
		c.fifo = append(c.fifo[:0], c.fifo[1:]...)
	}
	k := string(key)
	c.blocks[k] = blk
	c.fifo = append(c.fifo, k)
	return blk
}
