package cluster

// Spanning-forest linearization (SFL), the improvement algorithm of Bitcoin
// Core's cluster mempool (cluster_linearize.h, v31), written here from its
// design notes.
//
// Every dependency (reduced parent → child) is either active or inactive.
// Active dependencies never form a cycle, even ignoring direction, so they
// make a spanning forest; its trees are the chunks. Removing an active
// dependency from its tree splits the chunk into a top (the side holding
// the parent) and a bottom. The state is
//   - topological when no inactive dependency runs from a parent chunk to
//     a child chunk of equal or higher feerate: then sorting chunks by
//     feerate gives a topological order;
//   - optimal when it is topological and no active dependency has a top of
//     strictly higher feerate than its chunk. Then no closed subset of any
//     chunk beats it (the tree carries a "flow" certifying it, as in a
//     linear program's dual), and the chunk order is an optimal
//     linearization.
//
// Improvement step: deactivate a dependency whose top beats its chunk, then
// restore topology by merging the top upwards (with the lowest-feerate
// parent chunk of lower or equal feerate, repeatedly) and the bottom
// downwards (with the highest-feerate child chunk of higher or equal
// feerate). With these merge rules a step never makes the state's diagram
// worse; it strictly improves it unless top and bottom merge straight back
// (a "self-merge" through another dependency), which leaves the diagram as
// it was but changes the tree. Termination is not proven in general (Core
// relies on randomized choices, as here), one more reason for the
// iteration budget.
//
// For each active dependency the top set is kept up to date, so finding a
// dependency to split is one pass over the chunk. Set indices 0..n-1 hold
// either a chunk or the top set of an active dependency: a forest over n
// transactions has (#chunks + #active dependencies) = n.

// noSet is an invalid set index.
const noSet = 0xff

type sflSet struct {
	txs SetType
	fee FeeFrac
}

// minEntry is a chunk waiting to be split into minimal equal-feerate parts:
// the chunk, its pivot transaction, and flags (bit 0: try the pivot in the
// bottom part rather than the top; bit 1: second direction already).
type minEntry struct {
	chunk, pivot, flags uint8
}

type sflState struct {
	c                 *Cluster
	n                 int
	rng               rng
	parents, children [MaxClusterCount]SetType // reduced dependencies
	activeChildren    [MaxClusterCount]SetType
	depTop            [MaxClusterCount][MaxClusterCount]uint8 // set index of the top of active dependency (p, c)
	chunkOf           [MaxClusterCount]uint8
	sets              [MaxClusterCount]sflSet
	reachUp           [MaxClusterCount]SetType // per chunk: parents outside it
	reachDown         [MaxClusterCount]SetType // per chunk: children outside it
	chunks            SetType                  // set indices that are chunks
	queue             ring[uint8]              // chunks that may be improvable
	queued            SetType
	minQueue          ring[minEntry]
}

func newSFL(c *Cluster, seed uint64) *sflState {
	s := &sflState{c: c, n: c.Len(), rng: rng{state: seed}}
	for i := range s.n {
		s.parents[i] = c.red[i]
		for ps := s.parents[i]; ps != 0; ps &= ps - 1 {
			p := low(ps)
			s.children[p] = s.children[p].With(i)
		}
	}
	for i := range s.n {
		s.chunkOf[i] = uint8(i)
		s.sets[i] = sflSet{txs: Singleton(i), fee: c.tx[i]}
		s.reachUp[i] = s.parents[i]
		s.reachDown[i] = s.children[i]
	}
	s.chunks = Fill(s.n)
	return s
}

// activate makes the inactive dependency p → ch active, merging the chunk
// of p into the chunk of ch. The chunk of p's set index becomes the top set
// of the new dependency. It returns the merged chunk.
func (s *sflState) activate(p, ch int) uint8 {
	pc, cc := s.chunkOf[p], s.chunkOf[ch]
	top, bot := s.sets[pc], s.sets[cc]
	// A dependency in the old top chunk whose top holds p gains the whole
	// bottom chunk; likewise one in the bottom chunk whose top holds ch
	// gains the top chunk.
	for ts := top.txs; ts != 0; ts &= ts - 1 {
		t := low(ts)
		s.chunkOf[t] = cc
		for dcs := s.activeChildren[t]; dcs != 0; dcs &= dcs - 1 {
			dc := low(dcs)
			d := &s.sets[s.depTop[t][dc]]
			if d.txs.Has(p) {
				d.txs |= bot.txs
				d.fee = d.fee.Add(bot.fee)
			}
		}
	}
	for ts := bot.txs; ts != 0; ts &= ts - 1 {
		t := low(ts)
		for dcs := s.activeChildren[t]; dcs != 0; dcs &= dcs - 1 {
			dc := low(dcs)
			d := &s.sets[s.depTop[t][dc]]
			if d.txs.Has(ch) {
				d.txs |= top.txs
				d.fee = d.fee.Add(top.fee)
			}
		}
	}
	merged := top.txs | bot.txs
	s.sets[cc] = sflSet{txs: merged, fee: top.fee.Add(bot.fee)}
	s.reachUp[cc] = (s.reachUp[cc] | s.reachUp[pc]) &^ merged
	s.reachDown[cc] = (s.reachDown[cc] | s.reachDown[pc]) &^ merged
	s.depTop[p][ch] = pc
	s.activeChildren[p] = s.activeChildren[p].With(ch)
	s.chunks &^= Singleton(int(pc))
	return cc
}

// deactivate makes the active dependency p → ch inactive, splitting its
// chunk into the top (returned first, taking over the dependency's set
// index) and the bottom (keeping the chunk's set index).
func (s *sflState) deactivate(p, ch int) (uint8, uint8) {
	ti, bi := s.depTop[p][ch], s.chunkOf[p]
	s.activeChildren[p] = s.activeChildren[p].Without(ch)
	s.chunks |= Singleton(int(ti))
	s.sets[bi].txs &^= s.sets[ti].txs
	s.sets[bi].fee = s.sets[bi].fee.Sub(s.sets[ti].fee)
	top, bot := s.sets[ti], s.sets[bi]
	var topPar, topChl, botPar, botChl SetType
	for ts := top.txs; ts != 0; ts &= ts - 1 {
		t := low(ts)
		s.chunkOf[t] = ti
		topPar |= s.parents[t]
		topChl |= s.children[t]
		for dcs := s.activeChildren[t]; dcs != 0; dcs &= dcs - 1 {
			dc := low(dcs)
			d := &s.sets[s.depTop[t][dc]]
			if d.txs.Has(p) {
				d.txs &^= bot.txs
				d.fee = d.fee.Sub(bot.fee)
			}
		}
	}
	for ts := bot.txs; ts != 0; ts &= ts - 1 {
		t := low(ts)
		botPar |= s.parents[t]
		botChl |= s.children[t]
		for dcs := s.activeChildren[t]; dcs != 0; dcs &= dcs - 1 {
			dc := low(dcs)
			d := &s.sets[s.depTop[t][dc]]
			if d.txs.Has(ch) {
				d.txs &^= top.txs
				d.fee = d.fee.Sub(top.fee)
			}
		}
	}
	s.reachUp[ti], s.reachDown[ti] = topPar&^top.txs, topChl&^top.txs
	s.reachUp[bi], s.reachDown[bi] = botPar&^bot.txs, botChl&^bot.txs
	return ti, bi
}

// mergeChunks activates a uniformly random dependency from chunk top to
// chunk bottom (at least one must exist) and returns the merged chunk.
func (s *sflState) mergeChunks(top, bottom uint8) uint8 {
	btx := s.sets[bottom].txs
	total := 0
	for ts := s.sets[top].txs; ts != 0; ts &= ts - 1 {
		t := low(ts)
		total += (s.children[t] & btx).Count()
	}
	k := s.rng.below(total)
	for ts := s.sets[top].txs; ts != 0; ts &= ts - 1 {
		t := low(ts)
		cs := s.children[t] & btx
		if cnt := cs.Count(); k >= cnt {
			k -= cnt
			continue
		}
		return s.activate(t, cs.Nth(k))
	}
	panic("cluster: mergeChunks without a dependency")
}

// pickMergeCandidate returns the chunk to merge chunk ci with: upwards, the
// lowest-feerate parent chunk whose feerate is not above ci's; downwards,
// the highest-feerate child chunk whose feerate is not below ci's. Ties are
// broken uniformly at random. noSet if there is none.
func (s *sflState) pickMergeCandidate(ci uint8, down bool) uint8 {
	best, bestIdx := s.sets[ci].fee, uint8(noSet)
	var bestTie uint64
	todo := s.reachUp[ci]
	if down {
		todo = s.reachDown[ci]
	}
	for todo.Any() {
		ri := s.chunkOf[todo.First()]
		todo &^= s.sets[ri].txs
		cmp := s.sets[ri].fee.FeeRateCmp(best)
		if down {
			cmp = -cmp
		}
		if cmp > 0 {
			continue
		}
		tie := s.rng.next()
		if cmp < 0 || tie >= bestTie {
			best, bestIdx, bestTie = s.sets[ri].fee, ri, tie
		}
	}
	return bestIdx
}

// mergeSequence merges chunk ci upwards (or downwards) for as long as a
// candidate exists, and queues the result for improvement.
func (s *sflState) mergeSequence(ci uint8, down bool) {
	for {
		m := s.pickMergeCandidate(ci, down)
		if m == noSet {
			break
		}
		if down {
			ci = s.mergeChunks(ci, m)
		} else {
			ci = s.mergeChunks(m, ci)
		}
	}
	s.enqueue(ci)
}

func (s *sflState) enqueue(ci uint8) {
	if !s.queued.Has(int(ci)) {
		s.queued = s.queued.With(int(ci))
		s.queue.push(ci)
	}
}

// load builds a topological state whose output is at least as good as the
// topological linearization lin: each transaction in turn merges upwards.
func (s *sflState) load(lin []int) {
	for _, t := range lin {
		ci := s.chunkOf[t]
		for {
			m := s.pickMergeCandidate(ci, false)
			if m == noSet {
				break
			}
			ci = s.mergeChunks(m, ci)
		}
	}
}

// startOptimizing queues every chunk, in random order.
func (s *sflState) startOptimizing() {
	for cis := s.chunks; cis != 0; cis &= cis - 1 {
		ci := low(cis)
		s.enqueue(uint8(ci))
		s.queue.swapLast(s.rng.below(s.queue.n))
	}
}

// optimizeStep performs one improvement attempt; it returns false when the
// state is optimal.
func (s *sflState) optimizeStep() bool {
	ci := uint8(noSet)
	for s.queue.n > 0 {
		q := s.queue.pop()
		s.queued = s.queued.Without(int(q))
		if s.chunks.Has(int(q)) {
			ci = q
			break
		}
	}
	if ci == noSet {
		return false
	}
	p, ch := s.pickSplit(ci)
	if p < 0 {
		return s.queue.n > 0
	}
	s.improve(p, ch)
	return true
}

// pickSplit returns a uniformly random active dependency in chunk ci whose
// top has a strictly higher feerate than the chunk, or (-1, -1).
func (s *sflState) pickSplit(ci uint8) (int, int) {
	chunk := s.sets[ci]
	bp, bc := -1, -1
	var bestTie uint64
	for ts := chunk.txs; ts != 0; ts &= ts - 1 {
		t := low(ts)
		for dcs := s.activeChildren[t]; dcs != 0; dcs &= dcs - 1 {
			dc := low(dcs)
			if !s.sets[s.depTop[t][dc]].fee.Higher(chunk.fee) {
				continue
			}
			if tie := s.rng.next(); tie >= bestTie {
				bp, bc, bestTie = t, dc, tie
			}
		}
	}
	return bp, bc
}

// improve splits the chunk at active dependency p → ch and restores
// topology.
func (s *sflState) improve(p, ch int) {
	ti, bi := s.deactivate(p, ch)
	if s.reachUp[ti].Overlaps(s.sets[bi].txs) {
		// The top depends on the bottom through another dependency: they
		// merge straight back, through that one.
		s.enqueue(s.mergeChunks(bi, ti))
		return
	}
	s.mergeSequence(ti, false)
	s.mergeSequence(bi, true)
}
