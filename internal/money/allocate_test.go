package money

import (
	"errors"
	"math"
	"math/big"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func TestAllocateLargestRemainder(t *testing.T) {
	t.Parallel()
	cases := []struct {
		total   Amount
		weights []int64
		want    []Amount
	}{
		{100, []int64{1, 1, 1}, []Amount{34, 33, 33}},
		// 1000/6 = 166.67: shares 166.67, 333.33, 500; remainders 4/6, 2/6, 0 → the first gets the tiyn.
		{1000, []int64{1, 2, 3}, []Amount{167, 333, 500}},
		{-100, []int64{1, 1, 1}, []Amount{-34, -33, -33}},
		{5, []int64{0, 1}, []Amount{0, 5}},
		{0, []int64{1, 2}, []Amount{0, 0}},
		// Equal remainders: the earlier parts win.
		{2, []int64{1, 1, 1}, []Amount{1, 1, 0}},
		// Remainders 0.9, 0.1 → the larger remainder wins though it is second.
		{10, []int64{1, 9}, []Amount{1, 9}},
		{11, []int64{1, 9}, []Amount{1, 10}},
		{math.MinInt64, []int64{1}, []Amount{math.MinInt64}},
		// 128-bit products: MaxInt64·3/8 = …927.625 and MaxInt64·5/8 = …879.375.
		{math.MaxInt64, []int64{3, 5}, []Amount{3458764513820540928, 5764607523034234879}},
	}
	for _, c := range cases {
		got, err := Allocate(c.total, c.weights)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Allocate(%d, %v) = %v, %v; want %v", c.total, c.weights, got, err, c.want)
		}
	}
}

func TestAllocateRefusesBadWeights(t *testing.T) {
	t.Parallel()
	for _, w := range [][]int64{nil, {}, {0, 0}, {-1, 2}, {math.MaxInt64, 1}} {
		if _, err := Allocate(100, w); !errors.Is(err, ErrWeights) {
			t.Errorf("Allocate(100, %v) err = %v, want ErrWeights", w, err)
		}
	}
}

// TestAllocateProperties: the parts add up to the total exactly, each part is within one tiyn
// of its exact proportional share (checked with big.Rat) and has the total's sign.
func TestAllocateProperties(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		total := Amount(rapid.Int64().Draw(t, "total"))
		weights := rapid.SliceOfN(rapid.OneOf(rapid.Int64Range(0, 10), rapid.Int64Range(0, math.MaxInt64/16)), 1, 16).Draw(t, "weights")
		var sum big.Int
		for _, w := range weights {
			sum.Add(&sum, big.NewInt(w))
		}
		parts, err := Allocate(total, weights)
		if sum.Sign() == 0 {
			if !errors.Is(err, ErrWeights) {
				t.Fatalf("zero weights: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Allocate(%d, %v): %v", total, weights, err)
		}
		var got big.Int
		for i, p := range parts {
			got.Add(&got, big.NewInt(int64(p)))
			share := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(int64(total)), big.NewInt(weights[i])), &sum)
			diff := new(big.Rat).Sub(new(big.Rat).SetInt64(int64(p)), share)
			if diff.Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
				t.Fatalf("part %d = %d, exact share %s", i, p, share.FloatString(3))
			}
			if (total >= 0 && p < 0) || (total < 0 && p > 0) {
				t.Fatalf("part %d = %d has the wrong sign for total %d", i, p, total)
			}
		}
		if !got.IsInt64() || got.Int64() != int64(total) {
			t.Fatalf("parts %v sum to %s, want %d", parts, &got, total)
		}
	})
}
