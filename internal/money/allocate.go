package money

import (
	"fmt"
	"math/bits"
	"sort"
)

// Allocate splits total into len(weights) parts proportional to weights, so that the parts
// add up to total exactly (no tiyn created or lost). Each part is first rounded toward zero;
// the tiyn left over go one each to the parts with the largest remainders (the
// largest-remainder method), ties to the earlier part, so the result is deterministic.
//
// Weights must be non-negative with a positive sum that fits in int64; a zero weight gets a
// zero part. A negative total is split like its magnitude and every part is negative.
func Allocate(total Amount, weights []int64) ([]Amount, error) {
	if len(weights) == 0 {
		return nil, fmt.Errorf("allocate %d tiyn: no weights: %w", total, ErrWeights)
	}
	var sum uint64
	for i, w := range weights {
		if w < 0 {
			return nil, fmt.Errorf("allocate %d tiyn: weight %d is negative (%d): %w", total, i, w, ErrWeights)
		}
		sum += uint64(w) // two non-negative int64 values never overflow uint64
		if sum > 1<<63-1 {
			return nil, fmt.Errorf("allocate %d tiyn: weights sum past int64: %w", total, ErrWeights)
		}
	}
	if sum == 0 {
		return nil, fmt.Errorf("allocate %d tiyn: all weights are zero: %w", total, ErrWeights)
	}

	neg, t := total < 0, total.magnitude()
	parts := make([]uint64, len(weights))
	rems := make([]uint64, len(weights))
	var given uint64
	for i, w := range weights {
		// t·w/sum ≤ t because w ≤ sum, so hi < sum and Div64 cannot overflow.
		hi, lo := bits.Mul64(t, uint64(w))
		parts[i], rems[i] = bits.Div64(hi, lo, sum)
		given += parts[i]
	}
	// The leftover is Σrem/sum, an integer smaller than the number of non-zero remainders.
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return rems[order[x]] > rems[order[y]] })
	for k := uint64(0); k < t-given; k++ {
		parts[order[k]]++
	}

	out := make([]Amount, len(parts))
	for i, p := range parts {
		a, err := fromMagnitude(neg, p)
		if err != nil { // unreachable: every part is at most |total|
			return nil, fmt.Errorf("allocate %d tiyn: %w", total, err)
		}
		out[i] = a
	}
	return out, nil
}
