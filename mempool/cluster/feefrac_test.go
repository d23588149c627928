package cluster

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func refCmp(a, b FeeFrac) int {
	x := new(big.Int).Mul(big.NewInt(a.Fee), big.NewInt(int64(b.Size)))
	y := new(big.Int).Mul(big.NewInt(b.Fee), big.NewInt(int64(a.Size)))
	return x.Cmp(y)
}

func TestFeeFracCmpExact(t *testing.T) {
	edges := []int64{0, 1, -1, 2, 1<<32 - 1, 1 << 32, -(1 << 32), 1<<55 + 3, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	sizes := []int32{0, 1, -1, 2, 100, math.MaxInt32, math.MinInt32, math.MinInt32 + 1}
	var vals []FeeFrac
	for _, f := range edges {
		for _, s := range sizes {
			vals = append(vals, FeeFrac{f, s})
		}
	}
	r := rand.New(rand.NewPCG(9, 10))
	for range 2000 {
		vals = append(vals, FeeFrac{int64(r.Uint64()) >> r.IntN(64), int32(r.Uint32()) >> r.IntN(32)})
	}
	for _, a := range vals {
		for _, b := range vals[:200] {
			if got, want := a.FeeRateCmp(b), refCmp(a, b); got != want {
				t.Fatalf("%v vs %v: got %d want %d", a, b, got, want)
			}
			if a.Higher(b) != (refCmp(a, b) > 0) || a.Lower(b) != (refCmp(a, b) < 0) {
				t.Fatalf("%v vs %v: Higher/Lower wrong", a, b)
			}
		}
	}
}

func TestFeeFracCmp(t *testing.T) {
	cases := []struct {
		a, b FeeFrac
		rate int
		cmp  int
	}{
		{FeeFrac{1, 1}, FeeFrac{2, 2}, 0, 1}, // equal rate: smaller size is greater
		{FeeFrac{2, 2}, FeeFrac{1, 1}, 0, -1},
		{FeeFrac{3, 2}, FeeFrac{1, 1}, 1, 1},
		{FeeFrac{-1, 1}, FeeFrac{0, 1}, -1, -1},
		{FeeFrac{}, FeeFrac{5, 1}, 0, 1}, // empty compares equal in rate
		{FeeFrac{7, 3}, FeeFrac{7, 3}, 0, 0},
		{FeeFrac{1 << 40, 1 << 30}, FeeFrac{1<<40 + 1, 1 << 30}, -1, -1},
	}
	for _, tc := range cases {
		if got := tc.a.FeeRateCmp(tc.b); got != tc.rate {
			t.Errorf("%v FeeRateCmp %v = %d, want %d", tc.a, tc.b, got, tc.rate)
		}
		if got := tc.a.Cmp(tc.b); got != tc.cmp {
			t.Errorf("%v Cmp %v = %d, want %d", tc.a, tc.b, got, tc.cmp)
		}
	}
	if s := (FeeFrac{-5, 3}).String(); s != "-5/3" {
		t.Errorf("String = %q", s)
	}
	if !(FeeFrac{}).IsEmpty() || (FeeFrac{1, 1}).IsEmpty() {
		t.Error("IsEmpty")
	}
	if (FeeFrac{5, 2}).Add(FeeFrac{1, 1}).Sub(FeeFrac{2, 2}) != (FeeFrac{4, 1}) {
		t.Error("Add/Sub")
	}
}

func TestSetType(t *testing.T) {
	s := SetOf(0, 5, 63)
	if s.Count() != 3 || !s.Has(63) || s.Has(1) || s.First() != 0 || s.Last() != 63 {
		t.Fatalf("basic ops on %#x", uint64(s))
	}
	if m := s.Members(); len(m) != 3 || m[1] != 5 {
		t.Fatalf("Members %v", m)
	}
	if s.Nth(2) != 63 || s.Nth(3) != -1 {
		t.Fatal("Nth")
	}
	var got []int
	for i := range s.All() {
		got = append(got, i)
		if i == 5 {
			break
		}
	}
	if len(got) != 2 {
		t.Fatalf("All with break: %v", got)
	}
	if Fill(64) != ^SetType(0) || Fill(0) != 0 || Fill(3) != 7 {
		t.Fatal("Fill")
	}
	if SetType(0).First() != -1 || SetType(0).Last() != -1 || SetType(0).Any() || !SetType(0).None() {
		t.Fatal("empty set")
	}
	if !SetOf(1).IsSubsetOf(SetOf(1, 2)) || SetOf(3).IsSubsetOf(SetOf(1)) || !s.Overlaps(SetOf(5)) {
		t.Fatal("subset/overlap")
	}
	if s.With(1).Without(0) != SetOf(1, 5, 63) {
		t.Fatal("With/Without")
	}
}
