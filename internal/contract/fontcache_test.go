package contract

import (
	"bytes"
	"fmt"
	"testing"
)

// useFontCache puts a fresh cache of limit entries in place for the rest of the test.
func useFontCache(t *testing.T, limit int) *fontCache {
	saved := fontObjectsCache
	t.Cleanup(func() { fontObjectsCache = saved })
	fontObjectsCache = newFontCache(limit)
	return fontObjectsCache
}

// The cache of font objects must never change a document (R11: a stored hash is checked by
// rendering again, in whatever state the cache is then): A rendered cold, B, A again from the
// cache, and B cold in a fresh cache give the same bytes.
func TestR11_FontCacheNeverChangesTheBytes(t *testing.T) {
	a, b := testTerms(t, 12), testTerms(t, 24)
	b.Number, b.Borrower.FullName = "MK-2026-987654", "Иванов Пётр Сергеевич"
	render := func(tt Terms, lang Lang) []byte {
		d, err := Render(tt, lang)
		if err != nil {
			t.Fatal(err)
		}
		return d.Bytes
	}
	for _, lang := range []Lang{Russian, Kazakh} {
		c := useFontCache(t, 8)
		coldA := render(a, lang)
		coldB := render(b, lang)
		hits := c.hits
		warmA := render(a, lang)
		if c.hits != hits+2 {
			t.Fatalf("%s: rendering A again took %d of its two faces from the cache, want 2", lang, c.hits-hits)
		}
		useFontCache(t, 8)
		coldB2 := render(b, lang)
		if !bytes.Equal(coldA, warmA) {
			t.Errorf("%s: A from the cache differs from A rendered cold", lang)
		}
		if !bytes.Equal(coldB, coldB2) {
			t.Errorf("%s: B after A differs from B rendered cold", lang)
		}
		if bytes.Equal(coldA, coldB) {
			t.Errorf("%s: A and B are the same document: the test proves nothing", lang)
		}
		useFontCache(t, 0) // no cache at all
		if !bytes.Equal(render(a, lang), coldA) {
			t.Errorf("%s: A without a cache differs", lang)
		}
	}
}

func TestFontCacheIsBounded(t *testing.T) {
	c := useFontCache(t, 3)
	for i := range 8 {
		tt := testTerms(t, 3)
		tt.Number = fmt.Sprintf("MK-%d%d%d-%d", 9-i, i, (i*7)%10, i*1111)
		if _, err := Render(tt, Russian); err != nil {
			t.Fatal(err)
		}
		if len(c.blocks) > 3 || len(c.fifo) != len(c.blocks) {
			t.Fatalf("after %d documents the cache holds %d blocks, %d keys; limit 3", i+1, len(c.blocks), len(c.fifo))
		}
	}
	if c.hits > 2*8-4 { // fewer than four different blocks: nothing was ever evicted
		t.Fatalf("%d of 16 lookups hit: the documents did not differ enough to test eviction", c.hits)
	}
	if len(c.blocks) != 3 {
		t.Fatalf("8 documents of different numbers left %d blocks, want the limit 3", len(c.blocks))
	}
}
