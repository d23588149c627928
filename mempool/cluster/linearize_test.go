package cluster

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

const bigBudget = 1 << 20

// TestLinearizeExhaustive checks Linearize against every topological order
// of random clusters of up to 8 transactions: with enough iterations its
// diagram must be at least as good as each of them (so it is optimal), it
// must say so, and it must match the brute-force optimum.
func TestLinearizeExhaustive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	clusters, orders := 0, 0
	for n := 1; n <= 8; n++ {
		count := 300
		if n == 8 {
			count = 150
		}
		for k := range count {
			sh := shape(k % int(numShapes))
			c := randCluster(t, r, n, sh)
			res := LinearizeWithOptions(c, Options{MaxIterations: bigBudget, Seed: uint64(k + 1)})
			if !IsTopological(c, res.Lin) {
				t.Fatalf("n=%d %v: not topological: %v", n, sh, res.Lin)
			}
			if !res.Optimal || !res.Minimal {
				t.Fatalf("n=%d %v: not proven optimal/minimal within %d iterations", n, sh, res.Iterations)
			}
			forEachTopo(c, func(lin []int) {
				orders++
				notWorse(t, c, res.Lin, lin, fmt.Sprintf("n=%d %v vs order %v", n, sh, lin))
			})
			if cmp, ok := CompareChunkFeerates(ChunkFeerates(c, res.Lin), optimalChunks(c)); !ok || cmp != 0 {
				t.Fatalf("n=%d %v: diagram differs from brute-force optimum", n, sh)
			}
			checkMinimal(t, c, res.Lin)
			// Removing the first chunk leaves an optimal linearization of
			// the rest.
			if chunks := Chunk(c, res.Lin); len(chunks) > 1 {
				for _, piece := range Split(c, chunks[0].Members, res.Lin) {
					opt := optimalChunks(piece.Cluster)
					if cmp, ok := CompareChunkFeerates(ChunkFeerates(piece.Cluster, piece.Lin), opt); !ok || cmp != 0 {
						t.Fatalf("n=%d %v: rest after first chunk not optimal", n, sh)
					}
				}
			}
			clusters++
		}
	}
	t.Logf("%d clusters, %d topological orders compared", clusters, orders)
}

// checkMinimal verifies by brute force that no chunk of lin has a proper,
// non-empty subset of equal feerate that holds its own in-chunk ancestors.
func checkMinimal(t *testing.T, c *Cluster, lin []int) {
	t.Helper()
	for _, ch := range Chunk(c, lin) {
		m := ch.Members
		for sub := (m - 1) & m; sub != 0; sub = (sub - 1) & m {
			if c.AncestorsOf(sub)&m == sub && c.FeeRate(sub).FeeRateCmp(ch.FeeFrac) == 0 {
				t.Fatalf("chunk %#x not minimal: subset %#x has its feerate", uint64(m), uint64(sub))
			}
		}
	}
}

// TestLinearizeRandom checks, on random clusters of up to 64 transactions
// of every shape and at several budgets, that the result is topological,
// never worse than the ancestor-set order or the old linearization, and
// that it reaches proven optimality with a large budget.
func TestLinearizeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	budgets := []int{0, 1, 5, 50, bigBudget}
	maxIters := map[shape]int{}
	for k := range 1500 {
		sh := shape(k % int(numShapes))
		n := 1 + r.IntN(64)
		if k%4 == 0 {
			n = 64
		}
		c := randCluster(t, r, n, sh)
		anc := AncestorLinearize(c)
		if !IsTopological(c, anc) {
			t.Fatalf("ancestor order not topological")
		}
		old := randTopo(r, c)
		var optimal []int
		for _, budget := range budgets {
			for _, o := range [][]int{nil, old} {
				res := LinearizeWithOptions(c, Options{MaxIterations: budget, Old: o, Seed: r.Uint64()})
				what := fmt.Sprintf("k=%d n=%d %v budget=%d old=%v", k, n, sh, budget, o != nil)
				if !IsTopological(c, res.Lin) {
					t.Fatalf("%s: not topological", what)
				}
				notWorse(t, c, res.Lin, anc, what+" vs ancestor order")
				if o != nil {
					notWorse(t, c, res.Lin, o, what+" vs old")
				}
				checkChunks(t, c, res.Lin)
				if res.Iterations > max(budget, 0) {
					t.Fatalf("%s: %d iterations", what, res.Iterations)
				}
				if budget == bigBudget {
					if !res.Optimal || !res.Minimal {
						t.Fatalf("%s: not optimal after %d iterations", what, res.Iterations)
					}
					maxIters[sh] = max(maxIters[sh], res.Iterations)
					if optimal == nil {
						optimal = res.Lin
					} else if cmp, ok := CompareLinearizations(c, res.Lin, optimal); !ok || cmp != 0 {
						t.Fatalf("%s: two optimal results differ", what)
					}
				}
			}
		}
	}
	t.Logf("most iterations to minimal, by shape: %v", maxIters)
}

// TestLinearizeImprovesOld checks that feeding an optimal linearization back
// in as old keeps it optimal at any budget.
func TestLinearizeImprovesOld(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for k := range 100 {
		c := randCluster(t, r, 2+r.IntN(63), shape(k%int(numShapes)))
		best := Linearize(c, bigBudget, nil)
		for _, budget := range []int{0, 1, 3} {
			lin := Linearize(c, budget, best)
			if cmp, ok := CompareLinearizations(c, lin, best); !ok || cmp != 0 {
				t.Fatalf("k=%d budget=%d: lost optimality of old", k, budget)
			}
		}
	}
}

func TestLinearizeTrivial(t *testing.T) {
	c, _ := NewCluster(nil, nil)
	if lin := Linearize(c, 10, nil); len(lin) != 0 {
		t.Fatalf("empty cluster: %v", lin)
	}
	c, _ = NewCluster([]FeeFrac{{5, 1}}, nil)
	if lin := Linearize(c, 0, []int{7}); len(lin) != 1 || lin[0] != 0 {
		t.Fatalf("single tx: %v", lin)
	}
	// Invalid old linearizations are ignored.
	c, _ = NewCluster([]FeeFrac{{1, 1}, {10, 1}}, []SetType{0, SetOf(0)})
	for _, old := range [][]int{{1, 0}, {0}, {0, 0}, {0, 5}, {-1, 0}} {
		if lin := Linearize(c, 10, old); !IsTopological(c, lin) {
			t.Fatalf("old %v: got %v", old, lin)
		}
	}
}

// TestLinearizeCPFP: a low-fee parent with a high-fee child is one chunk,
// ahead of an unrelated medium tx.
func TestLinearizeCPFP(t *testing.T) {
	c, err := NewCluster([]FeeFrac{{100, 100}, {5000, 100}, {2000, 100}}, []SetType{0, SetOf(0), 0})
	if err != nil {
		t.Fatal(err)
	}
	lin := Linearize(c, 100, nil)
	chunks := Chunk(c, lin)
	if len(chunks) != 2 || chunks[0].Members != SetOf(0, 1) || chunks[0].FeeFrac != (FeeFrac{5100, 200}) {
		t.Fatalf("lin %v chunks %+v", lin, chunks)
	}
}

// TestAncestorSuboptimal: a cluster where the ancestor-set order is
// strictly beaten. X (10/1) is alone; P (0/1) has children A, B, C (2/1
// each); Y is 6/5. Ancestor order takes X, then Y (1.2) before {P,A} (1.0),
// ending with chunks X, {Y,P,A,B,C} at 12/9. Optimal is X, {P,A,B,C} at
// 1.5, then Y.
func TestAncestorSuboptimal(t *testing.T) {
	txs := []FeeFrac{{10, 1}, {0, 1}, {2, 1}, {2, 1}, {2, 1}, {6, 5}}
	c, err := NewCluster(txs, []SetType{0, 0, SetOf(1), SetOf(1), SetOf(1), 0})
	if err != nil {
		t.Fatal(err)
	}
	anc := AncestorLinearize(c)
	if got := ChunkFeerates(c, anc); len(got) != 2 || got[1] != (FeeFrac{12, 9}) {
		t.Fatalf("ancestor chunks %v", got)
	}
	lin := Linearize(c, 1000, nil)
	want := []FeeFrac{{10, 1}, {6, 4}, {6, 5}}
	got := ChunkFeerates(c, lin)
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("chunks %v, want %v", got, want)
	}
	if cmp, ok := CompareLinearizations(c, lin, anc); !ok || cmp != 1 {
		t.Fatalf("not strictly better than the ancestor order: (%d, %v)", cmp, ok)
	}
	// With no budget the result is the post-linearized ancestor order.
	notWorse(t, c, Linearize(c, 0, nil), anc, "budget 0")
}

// TestSFLSanity runs the spanning-forest state step by step on random
// clusters and checks its internal invariants and that no step ever makes
// the output diagram worse.
func TestSFLSanity(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for k := range 1500 {
		n := 1 + r.IntN(32)
		c := randCluster(t, r, n, shape(k%int(numShapes)))
		s := newSFL(c, r.Uint64())
		start := randTopo(r, c)
		s.load(start)
		sflCheck(t, s, true)
		prev := sflDiagram(s)
		if cmp, ok := CompareChunkFeerates(prev, ChunkFeerates(c, start)); !ok || cmp < 0 {
			t.Fatalf("k=%d: loaded state worse than its input", k)
		}
		s.startOptimizing()
		for steps := 0; s.optimizeStep(); steps++ {
			sflCheck(t, s, true)
			// The state's diagram never gets worse, and the output is
			// never worse than the state's diagram (it can be better:
			// ordering within a non-optimal chunk may split it).
			d := sflDiagram(s)
			if cmp, ok := CompareChunkFeerates(d, prev); !ok || cmp < 0 {
				t.Fatalf("k=%d step %d: state diagram got worse", k, steps)
			}
			if cmp, ok := CompareChunkFeerates(ChunkFeerates(c, s.linearization()), d); !ok || cmp < 0 {
				t.Fatalf("k=%d step %d: output worse than state", k, steps)
			}
			prev = d
			if steps > bigBudget {
				t.Fatal("no convergence")
			}
		}
		if n <= 12 {
			if cmp, ok := CompareChunkFeerates(prev, optimalChunks(c)); !ok || cmp != 0 {
				t.Fatalf("k=%d: final state not optimal", k)
			}
		}
		s.startMinimizing()
		for s.minimizeStep() {
			sflCheck(t, s, false)
			lin := s.linearization()
			if lin == nil {
				t.Fatal("minimization broke acyclicity of chunks")
			}
			if cmp, ok := CompareChunkFeerates(ChunkFeerates(c, lin), prev); !ok || cmp != 0 {
				t.Fatal("minimization changed the diagram")
			}
		}
	}
}

// sflCheck verifies the spanning-forest state against recomputed values.
func sflCheck(t *testing.T, s *sflState, topological bool) {
	t.Helper()
	var cover SetType
	active := 0
	for ci := range s.chunks.All() {
		ch := s.sets[ci]
		if ch.txs.Overlaps(cover) || ch.txs.None() || s.c.FeeRate(ch.txs) != ch.fee {
			t.Fatalf("chunk %d inconsistent", ci)
		}
		cover |= ch.txs
		var up, down SetType
		for tx := range ch.txs.All() {
			if int(s.chunkOf[tx]) != ci {
				t.Fatalf("chunkOf[%d] = %d, want %d", tx, s.chunkOf[tx], ci)
			}
			up |= s.parents[tx]
			down |= s.children[tx]
			active += s.activeChildren[tx].Count()
		}
		if s.reachUp[ci] != up&^ch.txs || s.reachDown[ci] != down&^ch.txs {
			t.Fatalf("chunk %d: reach sets wrong", ci)
		}
	}
	if cover != s.c.All() || active+s.chunks.Count() != s.n {
		t.Fatalf("not a spanning forest: cover %#x, %d active, %d chunks", uint64(cover), active, s.chunks.Count())
	}
	for p := range s.n {
		for ch := range s.activeChildren[p].All() {
			top := sflTop(s, p, ch)
			d := s.sets[s.depTop[p][ch]]
			if d.txs != top || d.fee != s.c.FeeRate(top) {
				t.Fatalf("top set of %d->%d is %#x, want %#x", p, ch, uint64(d.txs), uint64(top))
			}
		}
		if !topological {
			continue
		}
		for ch := range (s.children[p] &^ s.activeChildren[p]).All() {
			pc, cc := s.chunkOf[p], s.chunkOf[ch]
			if pc != cc && !s.sets[pc].fee.Higher(s.sets[cc].fee) {
				t.Fatalf("not topological: %d->%d between chunks %v and %v", p, ch, s.sets[pc].fee, s.sets[cc].fee)
			}
		}
	}
}

// sflTop recomputes the top set of active dependency p → ch by walking the
// active forest from p without crossing that dependency.
func sflTop(s *sflState, p, ch int) SetType {
	seen := Singleton(p)
	for todo := Singleton(p); todo.Any(); {
		x := todo.First()
		todo = todo.Without(x)
		nb := s.activeChildren[x]
		for q := range s.n {
			if s.activeChildren[q].Has(x) {
				nb = nb.With(q)
			}
		}
		if x == p {
			nb = nb.Without(ch)
		}
		nb &^= seen
		seen |= nb
		todo |= nb
	}
	return seen
}

// sflDiagram returns the state's chunk feerates, highest first.
func sflDiagram(s *sflState) []FeeFrac {
	var out []FeeFrac
	for ci := range s.chunks.All() {
		out = append(out, s.sets[ci].fee)
	}
	slices.SortStableFunc(out, func(a, b FeeFrac) int { return b.FeeRateCmp(a) })
	return out
}
