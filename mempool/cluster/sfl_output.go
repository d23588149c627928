package cluster

// Minimization and output of the spanning-forest state.
//
// An optimal state may still hold chunks that split into equal-feerate
// parts with no dependency cycle between them. Smaller chunks lose nothing
// in the diagram and help block building (they are easier to pack), so
// after reaching optimality each chunk is split as far as possible: pick a
// pivot transaction and pretend it has an infinitesimally higher fee; a
// split with the pivot in the top then shows up as an active dependency
// whose top feerate equals the chunk's and holds the pivot. If none
// exists, pretend the pivot is infinitesimally cheaper instead and look for
// one with the pivot in the bottom. A chunk where neither works is minimal.

// startMinimizing queues every chunk with a random pivot and direction, in
// random order. The state must be optimal.
func (s *sflState) startMinimizing() {
	for cis := s.chunks; cis != 0; cis &= cis - 1 {
		ci := low(cis)
		s.minQueue.push(minEntry{chunk: uint8(ci), pivot: uint8(s.rng.pick(s.sets[ci].txs)), flags: s.rng.bit()})
		s.minQueue.swapLast(s.rng.below(s.minQueue.n))
	}
}

// minimizeStep performs one minimization attempt; it returns false when
// every chunk is minimal.
func (s *sflState) minimizeStep() bool {
	if s.minQueue.n == 0 {
		return false
	}
	e := s.minQueue.pop()
	chunk := s.sets[e.chunk]
	down := e.flags&1 != 0
	bp, bc, anyEqual := -1, -1, false
	var bestTie uint64
	for ts := chunk.txs; ts != 0; ts &= ts - 1 {
		t := low(ts)
		for dcs := s.activeChildren[t]; dcs != 0; dcs &= dcs - 1 {
			dc := low(dcs)
			top := s.sets[s.depTop[t][dc]]
			if top.fee.Lower(chunk.fee) {
				continue
			}
			anyEqual = true
			if down == top.txs.Has(int(e.pivot)) {
				continue
			}
			if tie := s.rng.next() | 1; tie > bestTie {
				bp, bc, bestTie = t, dc, tie
			}
		}
	}
	if !anyEqual {
		return true // no equal-feerate split at all: minimal
	}
	if bp < 0 {
		// Every equal split has the pivot on the other side: try the other
		// direction, unless that was done already.
		if e.flags&2 == 0 {
			s.minQueue.push(minEntry{chunk: e.chunk, pivot: e.pivot, flags: e.flags ^ 3})
		}
		return true
	}
	ti, bi := s.deactivate(bp, bc)
	if s.reachUp[ti].Overlaps(s.sets[bi].txs) {
		s.minQueue.push(minEntry{chunk: s.mergeChunks(bi, ti), pivot: e.pivot, flags: e.flags})
		return true
	}
	// A real split. The part with the pivot continues in the same
	// direction; the other part starts afresh with a new pivot.
	topE := minEntry{chunk: ti, pivot: e.pivot, flags: e.flags}
	botE := minEntry{chunk: bi, pivot: e.pivot, flags: e.flags}
	if down {
		topE = minEntry{chunk: ti, pivot: uint8(s.rng.pick(s.sets[ti].txs)), flags: s.rng.bit()}
	} else {
		botE = minEntry{chunk: bi, pivot: uint8(s.rng.pick(s.sets[bi].txs)), flags: s.rng.bit()}
	}
	s.minQueue.push(topE)
	s.minQueue.push(botE)
	if s.rng.bit() == 1 {
		s.minQueue.swapLast(s.minQueue.n - 2)
	}
	return true
}

// betterChunk reports whether chunk a goes before chunk b when both are
// ready: higher feerate, then smaller size, then the lower highest
// position.
func (s *sflState) betterChunk(a, b uint8) bool {
	fa, fb := s.sets[a].fee, s.sets[b].fee
	if c := fa.FeeRateCmp(fb); c != 0 {
		return c > 0
	}
	if fa.Size != fb.Size {
		return fa.Size < fb.Size
	}
	return s.sets[a].txs.Last() < s.sets[b].txs.Last()
}

// betterTx reports whether transaction a goes before b within a chunk when
// both are ready: higher feerate, then smaller size, then lower position.
func (s *sflState) betterTx(a, b int) bool {
	fa, fb := s.c.tx[a], s.c.tx[b]
	if c := fa.FeeRateCmp(fb); c != 0 {
		return c > 0
	}
	if fa.Size != fb.Size {
		return fa.Size < fb.Size
	}
	return a < b
}

// linearization outputs the chunks from high to low feerate, parents
// first, each chunk in a topological order favouring high-feerate
// transactions. The state must be topological (or minimal); nil means it
// was not (a bug), and the caller falls back to its input.
func (s *sflState) linearization() []int {
	var chunkDeps [MaxClusterCount]int
	var txDeps [MaxClusterCount]int
	for t := range s.n {
		txDeps[t] = s.parents[t].Count()
		ci := s.chunkOf[t]
		chunkDeps[ci] += (s.parents[t] &^ s.sets[ci].txs).Count()
	}
	var ready SetType
	for cis := s.chunks; cis != 0; cis &= cis - 1 {
		ci := low(cis)
		if chunkDeps[ci] == 0 {
			ready = ready.With(ci)
		}
	}
	out := make([]int, 0, s.n)
	for ready.Any() {
		best := uint8(ready.First())
		for cis := ready.Without(int(best)); cis != 0; cis &= cis - 1 {
			ci := low(cis)
			if s.betterChunk(uint8(ci), best) {
				best = uint8(ci)
			}
		}
		ready = ready.Without(int(best))
		members := s.sets[best].txs
		var readyTx SetType
		for ts := members; ts != 0; ts &= ts - 1 {
			t := low(ts)
			if txDeps[t] == 0 {
				readyTx = readyTx.With(t)
			}
		}
		for readyTx.Any() {
			t := readyTx.First()
			for us := readyTx.Without(t); us != 0; us &= us - 1 {
				u := low(us)
				if s.betterTx(u, t) {
					t = u
				}
			}
			readyTx = readyTx.Without(t)
			out = append(out, t)
			for chs := s.children[t]; chs != 0; chs &= chs - 1 {
				ch := low(chs)
				txDeps[ch]--
				if members.Has(ch) {
					if txDeps[ch] == 0 {
						readyTx = readyTx.With(ch)
					}
					continue
				}
				cc := s.chunkOf[ch]
				if chunkDeps[cc]--; chunkDeps[cc] == 0 {
					ready = ready.With(int(cc))
				}
			}
		}
	}
	if len(out) != s.n {
		return nil
	}
	return out
}
