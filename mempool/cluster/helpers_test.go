package cluster

import (
	"math/rand/v2"
	"testing"
)

// shape selects the random cluster generator.
type shape int

const (
	shapeRandom    shape = iota // random DAG, random density
	shapeChain                  // a single chain
	shapeTree                   // each tx has at most one parent (out-tree)
	shapeInTree                 // each tx has at most one child (in-tree)
	shapeDense                  // DAG with edge probability ~0.6
	shapeSparse                 // DAG with ~1.5 parents per tx
	shapeBipartite              // cheap parents, each child spends 2-3 of them
	numShapes
)

func (s shape) String() string {
	return [...]string{"random", "chain", "tree", "intree", "dense", "sparse", "bipartite"}[s]
}

// randTx returns a random fee and size; sometimes feerates repeat exactly,
// to exercise ties.
func randTx(r *rand.Rand) FeeFrac {
	switch r.IntN(4) {
	case 0:
		size := int32(1 + r.IntN(4))
		return FeeFrac{Fee: int64(size) * int64(r.IntN(4)), Size: size}
	case 1:
		return FeeFrac{Fee: int64(r.IntN(200_000)), Size: int32(100 + r.IntN(900))}
	case 2:
		return FeeFrac{Fee: int64(r.IntN(100)) - 10, Size: int32(1 + r.IntN(100))}
	}
	return FeeFrac{Fee: int64(r.IntN(10_000)), Size: int32(60 + r.IntN(400))}
}

// randCluster builds a random acyclic cluster of n transactions. Parents
// always have lower positions before a random relabelling, so positions do
// not give the order away.
func randCluster(t testing.TB, r *rand.Rand, n int, sh shape) *Cluster {
	t.Helper()
	txs := make([]FeeFrac, n)
	par := make([]SetType, n)
	density := r.Float64()
	for i := range n {
		txs[i] = randTx(r)
		switch sh {
		case shapeChain:
			if i > 0 {
				par[i] = Singleton(i - 1)
			}
		case shapeTree:
			if i > 0 {
				par[i] = Singleton(r.IntN(i))
			}
		case shapeInTree:
			// Filled below, from the child side.
		case shapeBipartite:
			if i >= n/2 && i > 0 {
				txs[i] = FeeFrac{Fee: int64(1000 + r.IntN(20000)), Size: int32(100 + r.IntN(200))}
				for range 2 + r.IntN(2) {
					par[i] = par[i].With(r.IntN(max(n/2, 1)))
				}
			} else {
				txs[i] = FeeFrac{Fee: int64(r.IntN(500)), Size: int32(100 + r.IntN(200))}
			}
		default:
			p := density
			if sh == shapeDense {
				p = 0.6
			} else if sh == shapeSparse && i > 0 {
				p = 1.5 / float64(i)
			}
			for j := range i {
				if r.Float64() < p {
					par[i] = par[i].With(j)
				}
			}
		}
	}
	if sh == shapeInTree {
		for i := range n - 1 {
			ch := i + 1 + r.IntN(n-1-i)
			par[ch] = par[ch].With(i)
		}
	}
	perm := r.Perm(n)
	ptx := make([]FeeFrac, n)
	ppar := make([]SetType, n)
	for i := range n {
		ptx[perm[i]] = txs[i]
		for p := range par[i].All() {
			ppar[perm[i]] = ppar[perm[i]].With(perm[p])
		}
	}
	c, err := NewCluster(ptx, ppar)
	if err != nil {
		t.Fatalf("randCluster: %v", err)
	}
	return c
}

// randTopo returns a uniformly-chosen-step random topological order.
func randTopo(r *rand.Rand, c *Cluster) []int {
	var done SetType
	out := make([]int, 0, c.Len())
	for len(out) < c.Len() {
		var ready SetType
		for i := range (c.All() &^ done).All() {
			if c.Parents(i).IsSubsetOf(done) {
				ready = ready.With(i)
			}
		}
		i := ready.Nth(r.IntN(ready.Count()))
		out = append(out, i)
		done = done.With(i)
	}
	return out
}

// forEachTopo calls f with every topological order of c (the slice is
// reused).
func forEachTopo(c *Cluster, f func([]int)) {
	n := c.Len()
	lin := make([]int, 0, n)
	var rec func(done SetType)
	rec = func(done SetType) {
		if len(lin) == n {
			f(lin)
			return
		}
		for i := range (c.All() &^ done).All() {
			if c.Parents(i).IsSubsetOf(done) {
				lin = append(lin, i)
				rec(done.With(i))
				lin = lin[:len(lin)-1]
			}
		}
	}
	rec(0)
}

// optimalChunks computes an optimal diagram by brute force over subsets:
// repeatedly remove the highest-feerate non-empty subset of what remains
// that holds all its remaining ancestors.
func optimalChunks(c *Cluster) []FeeFrac {
	var out []FeeFrac
	for rem := c.All(); rem.Any(); {
		var best SetType
		var bestFee FeeFrac
		for sub := rem; sub != 0; sub = (sub - 1) & rem {
			if c.AncestorsOf(sub)&rem != sub {
				continue
			}
			f := c.FeeRate(sub)
			if best == 0 || f.Higher(bestFee) {
				best, bestFee = sub, f
			}
		}
		out = append(out, bestFee)
		rem &^= best
	}
	return out
}

// notWorse fails t unless lin's diagram is at least as good as ref's.
func notWorse(t testing.TB, c *Cluster, lin, ref []int, what string) {
	t.Helper()
	if cmp, ok := CompareLinearizations(c, lin, ref); !ok || cmp < 0 {
		t.Fatalf("%s: diagram worse or incomparable (cmp %d, ok %v)\nlin %v: %v\nref %v: %v",
			what, cmp, ok, lin, ChunkFeerates(c, lin), ref, ChunkFeerates(c, ref))
	}
}

// checkChunks verifies the chunking invariants of lin.
func checkChunks(t testing.TB, c *Cluster, lin []int) {
	t.Helper()
	chunks := Chunk(c, lin)
	var all SetType
	for k, ch := range chunks {
		if ch.Members.Overlaps(all) || c.FeeRate(ch.Members) != ch.FeeFrac {
			t.Fatalf("chunk %d inconsistent", k)
		}
		all |= ch.Members
		if k > 0 && ch.FeeFrac.Higher(chunks[k-1].FeeFrac) {
			t.Fatalf("chunk %d feerate %v above previous %v", k, ch.FeeFrac, chunks[k-1].FeeFrac)
		}
	}
	if all != c.All() {
		t.Fatalf("chunks cover %#x, want %#x", uint64(all), uint64(c.All()))
	}
}
