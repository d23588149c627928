package cluster

import "slices"

// ChunkInfo is one chunk of a linearization: a set of transactions that is
// mined as a unit, with its summed fee and size.
type ChunkInfo struct {
	Members SetType
	FeeFrac FeeFrac
}

// IsTopological reports whether lin is a linearization of c: a permutation
// of 0..c.Len()-1 in which every transaction comes after all its parents.
func IsTopological(c *Cluster, lin []int) bool {
	if len(lin) != c.Len() {
		return false
	}
	var seen SetType
	for _, i := range lin {
		if i < 0 || i >= c.Len() || seen.Has(i) || !c.parents[i].IsSubsetOf(seen) {
			return false
		}
		seen = seen.With(i)
	}
	return true
}

// Chunk splits the linearization lin of c into its chunks (Core's
// ChunkLinearizationInfo): each transaction starts a group of its own, and
// while a group has a strictly higher feerate than the group before it, the
// two merge. The chunks come out with non-increasing feerates; they are
// what a block builder takes, whole, from the front. lin must be a
// permutation of c's positions (normally a topological one).
func Chunk(c *Cluster, lin []int) []ChunkInfo {
	out := make([]ChunkInfo, 0, len(lin))
	for _, i := range lin {
		ch := ChunkInfo{Members: Singleton(i), FeeFrac: c.tx[i]}
		for len(out) > 0 && ch.FeeFrac.Higher(out[len(out)-1].FeeFrac) {
			last := out[len(out)-1]
			ch.Members |= last.Members
			ch.FeeFrac = ch.FeeFrac.Add(last.FeeFrac)
			out = out[:len(out)-1]
		}
		out = append(out, ch)
	}
	return out
}

// ChunkFeerates returns just the fee and size of each chunk of lin.
func ChunkFeerates(c *Cluster, lin []int) []FeeFrac {
	out := make([]FeeFrac, 0, len(lin))
	for _, i := range lin {
		f := c.tx[i]
		for len(out) > 0 && f.Higher(out[len(out)-1]) {
			f = f.Add(out[len(out)-1])
			out = out[:len(out)-1]
		}
		out = append(out, f)
	}
	return out
}

// CombineChunkFeerates merges the chunk feerates of independent clusters
// (as ChunkFeerates returns them) into the chunks of mining them all
// together: one list, highest feerate first, ties smaller first. Used to
// compare the diagrams of all clusters a replacement touches, before and
// after.
func CombineChunkFeerates(lists ...[]FeeFrac) []FeeFrac {
	var out []FeeFrac
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.SortStableFunc(out, func(a, b FeeFrac) int { return b.Cmp(a) })
	return out
}

// Diagram returns the feerate diagram of a chunking: the cumulative (size,
// fee) points, starting with the origin {0, 0} and then one point after
// each chunk. For chunks as Chunk returns them it is concave.
func Diagram(chunks []ChunkInfo) []FeeFrac {
	out := make([]FeeFrac, 1, len(chunks)+1)
	var acc FeeFrac
	for _, ch := range chunks {
		acc = acc.Add(ch.FeeFrac)
		out = append(out, acc)
	}
	return out
}

// CompareDiagrams compares two feerate diagrams (cumulative points as
// Diagram returns them; the leading origin is optional) as piecewise-linear
// functions of size, each extended past its last point with slope zero
// (Core's CompareChunks). It returns cmp = +1 if a is at least as high as b
// everywhere and strictly higher somewhere, -1 for the reverse, 0 if they
// are equal; comparable is false (and cmp 0) when each is strictly higher
// somewhere. Sizes must strictly increase along a diagram; otherwise the
// result is (0, false).
//
// Replacement (RBF) policy asks that the diagram after the replacement be
// strictly better: cmp, ok := CompareDiagrams(newDiagram, oldDiagram);
// accept only if ok && cmp > 0.
func CompareDiagrams(a, b []FeeFrac) (cmp int, comparable bool) {
	a, okA := trimDiagram(a)
	b, okB := trimDiagram(b)
	if !okA || !okB {
		return 0, false
	}
	return comparePoints(a, b)
}

// CompareChunkFeerates is CompareDiagrams for diagrams given by their
// chunks' fee and size (as ChunkFeerates returns them), the form Core's
// CompareChunks takes. Every chunk must have a positive size.
func CompareChunkFeerates(a, b []FeeFrac) (cmp int, comparable bool) {
	da, okA := accumulate(a)
	db, okB := accumulate(b)
	if !okA || !okB {
		return 0, false
	}
	return comparePoints(da, db)
}

// CompareLinearizations compares the diagrams of two linearizations of c.
func CompareLinearizations(c *Cluster, a, b []int) (cmp int, comparable bool) {
	return CompareDiagrams(Diagram(Chunk(c, a)), Diagram(Chunk(c, b)))
}

// trimDiagram drops a leading origin and checks that sizes increase.
func trimDiagram(d []FeeFrac) ([]FeeFrac, bool) {
	if len(d) > 0 && d[0] == (FeeFrac{}) {
		d = d[1:]
	}
	var prev int32
	for _, p := range d {
		if p.Size <= prev {
			return nil, false
		}
		prev = p.Size
	}
	return d, true
}

func accumulate(chunks []FeeFrac) ([]FeeFrac, bool) {
	out := make([]FeeFrac, len(chunks))
	var acc FeeFrac
	for i, ch := range chunks {
		if ch.Size <= 0 || int64(acc.Size)+int64(ch.Size) > 1<<31-1 {
			return nil, false
		}
		acc = acc.Add(ch)
		out[i] = acc
	}
	return out, true
}

// comparePoints is Core's CompareChunks on diagrams given as points after
// the origin, with strictly increasing positive sizes. It walks the points
// of both in order of size; each point P of one diagram is compared with
// the segment AB of the other that spans P's size (or the horizontal
// extension past its end), recording which side is above somewhere.
func comparePoints(a, b []FeeFrac) (int, bool) {
	pts := [2][]FeeFrac{a, b}
	var idx [2]int
	var prev [2]FeeFrac // last processed point of each (origin at first)
	var better [2]bool
	for {
		done0, done1 := idx[0] == len(a), idx[1] == len(b)
		if done0 && done1 {
			break
		}
		side := 0 // the diagram whose next point has the smaller size
		switch {
		case done0:
			side = 1
		case done1:
			side = 0
		case a[idx[0]].Size > b[idx[1]].Size:
			side = 1
		}
		other := 1 - side
		p := pts[side][idx[side]]
		ap := p.Sub(prev[other])
		var cmp int
		if done0 || done1 {
			cmp = ap.FeeRateCmp(FeeFrac{Fee: 0, Size: 1})
		} else {
			q := pts[other][idx[other]]
			cmp = ap.FeeRateCmp(q.Sub(prev[other]))
			if q.Size == p.Size {
				prev[other] = q
				idx[other]++
			}
		}
		if cmp > 0 {
			better[side] = true
		} else if cmp < 0 {
			better[other] = true
		}
		prev[side] = p
		idx[side]++
		if better[0] && better[1] {
			return 0, false
		}
	}
	switch {
	case better[0]:
		return 1, true
	case better[1]:
		return -1, true
	}
	return 0, true
}
