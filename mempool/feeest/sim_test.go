package feeest

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/bitnode/bitnode/wire"
)

// sim drives an Estimator the way a mempool would: each block is
// connected (confirming the transactions due in it), transactions due to
// expire are removed, then new transactions enter at the new tip.
type sim struct {
	e       *Estimator
	rng     *rand.Rand
	height  int32
	n       uint64
	confirm map[int32][]wire.Hash
	expire  map[int32][]wire.Hash
}

func newSim(e *Estimator, seed uint64, start int32) *sim {
	s := &sim{
		e:       e,
		rng:     rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		height:  start,
		confirm: make(map[int32][]wire.Hash),
		expire:  make(map[int32][]wire.Hash),
	}
	e.BlockConnected(start, nil)
	return s
}

func testTxid(n uint64) wire.Hash {
	var h wire.Hash
	binary.LittleEndian.PutUint64(h[:], n)
	h[31] = 0xfe
	return h
}

// add enters a transaction at the tip paying rate sat/kvB; it confirms
// delay blocks later, or if delay <= 0 leaves the pool unconfirmed after
// expireAfter blocks.
func (s *sim) add(rate int64, delay, expireAfter int) {
	s.n++
	id := testTxid(s.n)
	s.e.TxAdded(id, s.height, rate, true)
	if delay > 0 {
		h := s.height + int32(delay)
		s.confirm[h] = append(s.confirm[h], id)
	} else {
		h := s.height + int32(expireAfter)
		s.expire[h] = append(s.expire[h], id)
	}
}

func (s *sim) step() {
	s.height++
	s.e.BlockConnected(s.height, s.confirm[s.height])
	delete(s.confirm, s.height)
	for _, id := range s.expire[s.height] {
		s.e.TxRemoved(id, false)
	}
	delete(s.expire, s.height)
}

// regime describes one block's worth of new transactions.
type regime func(s *sim)

// normalMarket: >= 20 sat/vB confirms in the next block; 10 sat/vB
// confirms within 6 blocks (80% within 3); 2 sat/vB rarely confirms and
// otherwise expires after 200 blocks.
func normalMarket(s *sim) {
	for range 20 {
		s.add(20000+s.rng.Int64N(30001), 1, 0)
	}
	for range 10 {
		var d int
		switch r := s.rng.IntN(100); {
		case r < 30:
			d = 1
		case r < 60:
			d = 2
		case r < 80:
			d = 3
		default:
			d = 4 + s.rng.IntN(3)
		}
		s.add(10000, d, 0)
	}
	for range 10 {
		if s.rng.IntN(100) < 5 {
			s.add(2000, 1+s.rng.IntN(50), 0)
		} else {
			s.add(2000, 0, 200)
		}
	}
}

// congestedMarket: only >= 30 sat/vB confirms (next block); 10 sat/vB
// waits and expires after 30 blocks.
func congestedMarket(s *sim) {
	for range 20 {
		s.add(30000+s.rng.Int64N(20001), 1, 0)
	}
	for range 10 {
		s.add(10000, 0, 30)
	}
}

func (s *sim) run(blocks int, r regime) {
	for range blocks {
		r(s)
		s.step()
	}
}

// history returns an estimator fed blocks blocks of the normal market.
func history(tb testing.TB, blocks int, seed uint64) (*Estimator, *sim) {
	tb.Helper()
	e := New()
	s := newSim(e, seed, 100)
	s.run(blocks, normalMarket)
	return e, s
}
