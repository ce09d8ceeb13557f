// Package clock is the only source of "now" in Nesie. Production uses the system clock; tests
// and the demo use a Test clock they can move forward, so that a 24-hour cooling-off or a
// 90-day overdue is crossed by advancing the clock, never by sleeping.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current instant.
type Clock interface {
	Now() time.Time
}

// System is the machine's clock.
type System struct{}

// Now returns time.Now.
func (System) Now() time.Time { return time.Now() }

// Test is a clock that stands still until it is moved. It is safe for concurrent use.
type Test struct {
	mu  sync.Mutex
	now time.Time
}

// NewTest returns a Test clock showing start.
func NewTest(start time.Time) *Test { return &Test{now: start} }

// Now returns the instant the clock shows.
func (c *Test) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (a negative d is refused: time does not run back).
func (c *Test) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return c.now
}

// Set moves the clock to t if t is not earlier than the instant it shows.
func (c *Test) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}

// Offset is a clock running at real speed but shifted by a duration that can grow; the demo
// uses it so a tester can "skip 24 hours" while the rest of the system keeps ticking.
type Offset struct {
	mu    sync.Mutex
	shift time.Duration
	base  Clock
}

// NewOffset returns an Offset clock over base (System when nil).
func NewOffset(base Clock) *Offset {
	if base == nil {
		base = System{}
	}
	return &Offset{base: base}
}

// Now returns the base clock's instant plus the accumulated shift.
func (c *Offset) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Now().Add(c.shift)
}

// Advance adds d (if positive) to the shift and returns the new now.
func (c *Offset) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	if d > 0 {
		c.shift += d
	}
	c.mu.Unlock()
	return c.Now()
}
