package cluster

import (
	"iter"
	"math/bits"
)

// SetType is a set of transaction positions within a cluster: bit i stands
// for position i. A cluster holds at most MaxClusterCount (64) transactions,
// so one machine word is enough, and every set operation is a single
// instruction.
type SetType uint64

// Singleton returns the set {i}. i must be in [0, 64).
func Singleton(i int) SetType { return SetType(1) << uint(i) }

// Fill returns the set {0, ..., n-1}. n must be in [0, 64].
func Fill(n int) SetType {
	if n >= 64 {
		return ^SetType(0)
	}
	return Singleton(n) - 1
}

// SetOf returns the set holding the given positions.
func SetOf(positions ...int) SetType {
	var s SetType
	for _, i := range positions {
		s |= Singleton(i)
	}
	return s
}

// Has reports whether i is in s.
func (s SetType) Has(i int) bool { return s>>uint(i)&1 != 0 }

// With returns s ∪ {i}.
func (s SetType) With(i int) SetType { return s | Singleton(i) }

// Without returns s \ {i}.
func (s SetType) Without(i int) SetType { return s &^ Singleton(i) }

// Count returns the number of elements of s.
func (s SetType) Count() int { return bits.OnesCount64(uint64(s)) }

// Any reports whether s is non-empty.
func (s SetType) Any() bool { return s != 0 }

// None reports whether s is empty.
func (s SetType) None() bool { return s == 0 }

// First returns the lowest element of s, or -1 if s is empty.
func (s SetType) First() int {
	if s == 0 {
		return -1
	}
	return bits.TrailingZeros64(uint64(s))
}

// Last returns the highest element of s, or -1 if s is empty.
func (s SetType) Last() int { return 63 - bits.LeadingZeros64(uint64(s)) }

// IsSubsetOf reports whether every element of s is in o.
func (s SetType) IsSubsetOf(o SetType) bool { return s&^o == 0 }

// Overlaps reports whether s and o share an element.
func (s SetType) Overlaps(o SetType) bool { return s&o != 0 }

// All iterates over the elements of s in increasing order.
func (s SetType) All() iter.Seq[int] {
	return func(yield func(int) bool) {
		for s != 0 {
			if !yield(bits.TrailingZeros64(uint64(s))) {
				return
			}
			s &= s - 1
		}
	}
}

// Members returns the elements of s in increasing order.
func (s SetType) Members() []int {
	out := make([]int, 0, s.Count())
	for s != 0 {
		out = append(out, bits.TrailingZeros64(uint64(s)))
		s &= s - 1
	}
	return out
}

// Nth returns the k-th lowest element of s (k counts from 0), or -1 if s has
// at most k elements.
func (s SetType) Nth(k int) int {
	for ; s != 0; s &= s - 1 {
		if k == 0 {
			return bits.TrailingZeros64(uint64(s))
		}
		k--
	}
	return -1
}

// low returns the lowest element of the non-empty set s.
func low(s SetType) int { return bits.TrailingZeros64(uint64(s)) }
