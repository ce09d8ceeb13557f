package clock

import (
	"testing"
	"time"
)

func TestTestClockMovesOnlyForward(t *testing.T) {
	start := time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC)
	c := NewTest(start)
	if !c.Now().Equal(start) {
		t.Fatalf("now = %v", c.Now())
	}
	if got := c.Advance(24 * time.Hour); !got.Equal(start.Add(24 * time.Hour)) {
		t.Fatalf("advance = %v", got)
	}
	c.Advance(-time.Hour)
	c.Set(start)
	if !c.Now().Equal(start.Add(24 * time.Hour)) {
		t.Fatalf("the clock went back to %v", c.Now())
	}
	c.Set(start.Add(48 * time.Hour))
	if !c.Now().Equal(start.Add(48 * time.Hour)) {
		t.Fatalf("set = %v", c.Now())
	}
}

func TestOffsetClockAddsItsShiftToTheBase(t *testing.T) {
	base := NewTest(time.Date(2026, 3, 2, 4, 0, 0, 0, time.UTC))
	c := NewOffset(base)
	c.Advance(25 * time.Hour)
	base.Advance(time.Minute)
	want := time.Date(2026, 3, 3, 5, 1, 0, 0, time.UTC)
	if !c.Now().Equal(want) {
		t.Fatalf("now = %v, want %v", c.Now(), want)
	}
	c.Advance(-time.Hour)
	if !c.Now().Equal(want) {
		t.Fatal("a negative advance moved the clock")
	}
}
