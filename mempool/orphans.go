package mempool

import (
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/bitnode/bitnode/mempool/policy"
	"github.com/bitnode/bitnode/wire"
)

// orphan is a transaction whose inputs are not all known yet.
type orphan struct {
	tx          *wire.Tx
	txid, wtxid wire.Hash
	expires     time.Time
	idx         int // position in orphanPool.list
}

// orphanPool holds orphans (Core's TxOrphanage): bounded, with random
// eviction when full and a 20-minute expiry.
type orphanPool struct {
	mu      sync.Mutex
	max     int
	byWtxid map[wire.Hash]*orphan
	byPrev  map[wire.OutPoint]map[*orphan]struct{}
	list    []*orphan
}

func newOrphanPool(max int) *orphanPool {
	return &orphanPool{max: max, byWtxid: make(map[wire.Hash]*orphan),
		byPrev: make(map[wire.OutPoint]map[*orphan]struct{})}
}

func (o *orphanPool) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.list)
}

// add keeps tx as an orphan unless it is already kept or too large (an
// orphan may be at most a standard transaction's weight).
func (o *orphanPool) add(tx *wire.Tx, now time.Time) bool {
	if o.max <= 0 || tx.Weight() > policy.MaxStandardTxWeight {
		return false
	}
	txid, wtxid := tx.Hashes()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.byWtxid[wtxid] != nil {
		return false
	}
	o.expireLocked(now)
	for len(o.list) >= o.max {
		o.removeLocked(o.list[rand.IntN(len(o.list))])
	}
	or := &orphan{tx: tx, txid: txid, wtxid: wtxid, expires: now.Add(OrphanExpiry), idx: len(o.list)}
	o.list = append(o.list, or)
	o.byWtxid[wtxid] = or
	for _, in := range tx.TxIn {
		m := o.byPrev[in.PreviousOutPoint]
		if m == nil {
			m = make(map[*orphan]struct{})
			o.byPrev[in.PreviousOutPoint] = m
		}
		m[or] = struct{}{}
	}
	return true
}

// removeLocked forgets or. Caller holds mu.
func (o *orphanPool) removeLocked(or *orphan) {
	if o.byWtxid[or.wtxid] != or {
		return
	}
	delete(o.byWtxid, or.wtxid)
	for _, in := range or.tx.TxIn {
		if m := o.byPrev[in.PreviousOutPoint]; m != nil {
			delete(m, or)
			if len(m) == 0 {
				delete(o.byPrev, in.PreviousOutPoint)
			}
		}
	}
	last := o.list[len(o.list)-1]
	o.list[or.idx] = last
	last.idx = or.idx
	o.list = o.list[:len(o.list)-1]
}

// expireLocked drops orphans past their expiry. Caller holds mu.
func (o *orphanPool) expireLocked(now time.Time) {
	for i := 0; i < len(o.list); {
		if or := o.list[i]; now.After(or.expires) {
			o.removeLocked(or)
			continue
		}
		i++
	}
}

func (o *orphanPool) expire(now time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.expireLocked(now)
}

// children returns the orphans spending an output of tx, and forgets them.
func (o *orphanPool) takeChildren(tx *wire.Tx, txid wire.Hash) []*wire.Tx {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []*wire.Tx
	for i := range tx.TxOut {
		for or := range o.byPrev[wire.OutPoint{Hash: txid, Index: uint32(i)}] {
			out = append(out, or.tx)
			o.removeLocked(or)
		}
	}
	return out
}

// eraseForBlock drops orphans a block confirmed or conflicted with.
func (o *orphanPool) eraseForBlock(txs []*wire.Tx, txids []wire.Hash) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, tx := range txs {
		for _, in := range tx.TxIn {
			for or := range o.byPrev[in.PreviousOutPoint] {
				o.removeLocked(or)
			}
		}
	}
	for _, id := range txids {
		for _, or := range o.list {
			if or.txid == id {
				o.removeLocked(or)
				break
			}
		}
	}
}

// has reports whether an orphan with this wtxid is kept.
func (o *orphanPool) has(wtxid wire.Hash) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.byWtxid[wtxid] != nil
}

// processOrphans retries the orphans of an accepted transaction, and those
// of every orphan accepted in turn; an orphan still missing inputs goes
// back into the pool of orphans. It returns the accepted txids.
func (p *Pool) processOrphans(parent *wire.Tx) []wire.Hash {
	var accepted []wire.Hash
	work := []*wire.Tx{parent}
	for len(work) > 0 {
		tx := work[0]
		work = work[1:]
		for _, child := range p.orphans.takeChildren(tx, tx.TxHash()) {
			res, err := p.acceptSingle(child, p.singleArgs(p.cfg.Now()))
			switch {
			case err == nil:
				accepted = append(accepted, res.TxID)
				work = append(work, child)
			case errors.Is(err, ErrMissingInputs):
				p.orphans.add(child, p.cfg.Now())
			}
		}
	}
	return accepted
}

// OrphanCount returns the number of orphans kept.
func (p *Pool) OrphanCount() int { return p.orphans.count() }

// HaveOrphan reports whether an orphan with this wtxid is kept.
func (p *Pool) HaveOrphan(wtxid wire.Hash) bool { return p.orphans.has(wtxid) }
