package biometric

import (
	"fmt"
	"strings"
)

// Movement is a control movement of active liveness.
type Movement string

// The movements a provider may ask for.
const (
	Blink     Movement = "blink"
	TurnLeft  Movement = "turn_left"
	TurnRight Movement = "turn_right"
	Nod       Movement = "nod"
	Smile     Movement = "smile"
	OpenMouth Movement = "open_mouth"
)

// ParseMovement accepts the name of a known movement.
func ParseMovement(s string) (Movement, error) {
	switch m := Movement(s); m {
	case Blink, TurnLeft, TurnRight, Nod, Smile, OpenMouth:
		return m, nil
	}
	return "", fmt.Errorf("unknown movement %q", s)
}

// Sequence is movements in the order they must be performed.
type Sequence []Movement

// String joins the movements with commas: the stored and signed form.
func (s Sequence) String() string {
	parts := make([]string, len(s))
	for i, m := range s {
		parts[i] = string(m)
	}
	return strings.Join(parts, ",")
}

// Equal reports whether s and o are the same movements in the same order.
func (s Sequence) Equal(o Sequence) bool {
	if len(s) != len(o) {
		return false
	}
	for i := range s {
		if s[i] != o[i] {
			return false
		}
	}
	return true
}

// parseSequence parses names into a Sequence; field names the input in errors.
func parseSequence(field string, names []string) (Sequence, error) {
	seq := make(Sequence, len(names))
	for i, n := range names {
		m, err := ParseMovement(n)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", field, i, err)
		}
		seq[i] = m
	}
	return seq, nil
}

// splitSequence restores a stored sequence.
func splitSequence(stored string) (Sequence, error) {
	return parseSequence("movements", strings.Split(stored, ","))
}

// issuable reports whether seq is a sequence a provider may issue: 3 to 5 distinct movements.
func issuable(seq Sequence) error {
	if len(seq) < 3 || len(seq) > 5 {
		return fmt.Errorf("movements: %d issued, want 3 to 5", len(seq))
	}
	seen := map[Movement]bool{}
	for _, m := range seq {
		if seen[m] {
			return fmt.Errorf("movements: %s issued twice", m)
		}
		seen[m] = true
	}
	return nil
}
