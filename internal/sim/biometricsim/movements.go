package biometricsim

import (
	"slices"
	"strings"
)

// Movements are the control movements the simulator asks for.
func Movements() []string {
	return []string{"blink", "turn_left", "turn_right", "nod", "smile", "open_mouth"}
}

func knownMovement(m string) bool { return slices.Contains(Movements(), m) }

// maxDraws bounds the search for an unused sequence; an IIN has 1200 sequences of 3–5
// distinct movements, far more than anyone performs.
const maxDraws = 10000

// drawSequence returns a random sequence of 3–5 distinct movements not in used, or nil when
// none was found. The caller holds s.mu.
func (s *Simulator) drawSequence(used map[string]bool) []string {
	for range maxDraws {
		all := Movements()
		s.rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		seq := all[:3+s.rng.IntN(3)]
		if !used[strings.Join(seq, ",")] {
			return seq
		}
	}
	return nil
}
