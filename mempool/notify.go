package mempool

import (
	"errors"

	"github.com/bitnode/bitnode/chain"
	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// enqueue records a chain notification; it is the subscription callback,
// called with the chain's processing lock held, so it only queues.
func (p *Pool) enqueue(n chain.Notification) {
	p.qmu.Lock()
	p.queue = append(p.queue, n)
	p.qlen.Add(1)
	p.qmu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// BlockConnected tells the pool a block joined the active chain, for a
// node that forwards notifications itself (Config.NoSubscribe). Like the
// subscription it only queues: it is safe from a chain callback.
func (p *Pool) BlockConnected(blk *wire.Block, height int32) {
	p.enqueue(chain.Notification{Kind: chain.BlockConnected, Block: blk, Hash: blk.BlockHash(), Height: height})
}

// BlockDisconnected tells the pool a block left the active chain.
func (p *Pool) BlockDisconnected(blk *wire.Block, height int32) {
	p.enqueue(chain.Notification{Kind: chain.BlockDisconnected, Block: blk, Hash: blk.BlockHash(), Height: height})
}

// sync applies queued notifications in order: connected blocks remove
// their transactions and conflicts, disconnected blocks queue theirs for
// re-acceptance, which happens once the queue is empty (Core's
// MaybeUpdateMempoolForReorg). Every public method calls it first, so the
// pool never answers from behind the chain's last delivered block. Callers
// must not hold mu.
func (p *Pool) sync() {
	if p.qlen.Load() == 0 {
		return
	}
	p.syncMu.Lock()
	defer p.syncMu.Unlock()
	reorg := false
	for {
		p.qmu.Lock()
		batch := p.queue
		p.queue = nil
		p.qlen.Add(-int64(len(batch)))
		p.qmu.Unlock()
		if len(batch) == 0 {
			break
		}
		for _, n := range batch {
			if n.Kind == chain.BlockConnected {
				p.handleConnected(n)
			} else {
				p.handleDisconnected(n)
				reorg = true
			}
		}
	}
	if reorg {
		p.updateForReorg()
	}
}

// handleConnected removes a connected block's transactions and everything
// conflicting with them, after feeding the block to the fee estimator.
func (p *Pool) handleConnected(n chain.Notification) {
	txs := n.Block.Transactions
	txids := make([]wire.Hash, len(txs))
	inBlock := make(map[wire.Hash]bool, len(txs))
	for i, tx := range txs {
		txids[i] = tx.TxHash()
		inBlock[txids[i]] = true
	}
	if est := p.cfg.Estimator; est != nil {
		est.BlockConnected(n.Height, txids)
	}
	p.mu.Lock()
	confirmed := make(map[*entry]bool)
	var conflicts []*entry
	for i, tx := range txs {
		if e := p.byTxid[txids[i]]; e != nil {
			confirmed[e] = true
		}
		for _, in := range tx.TxIn {
			if c := p.spends[in.PreviousOutPoint]; c != nil && !inBlock[c.txid] {
				conflicts = append(conflicts, c)
			}
		}
		delete(p.deltas, txids[i])
	}
	p.removeSet(confirmed, reasonBlock)
	p.removeSet(descendantsOf(liveEntries(p, conflicts)), reasonConflict)
	p.lastRollingUpdate = p.cfg.Now()
	p.blockSinceBump = true
	p.gen++
	p.mu.Unlock()
	p.dropDisconnected(inBlock)
	p.orphans.eraseForBlock(txs, txids)
}

// liveEntries keeps the entries still in the pool.
func liveEntries(p *Pool, es []*entry) []*entry {
	out := es[:0]
	for _, e := range es {
		if p.byTxid[e.txid] == e {
			out = append(out, e)
		}
	}
	return out
}

// handleDisconnected queues a disconnected block's transactions, ahead of
// those of later blocks disconnected before it.
func (p *Pool) handleDisconnected(n chain.Notification) {
	var txs []*wire.Tx
	size := 0
	for _, tx := range n.Block.Transactions {
		if tx.IsCoinBase() {
			continue
		}
		txs = append(txs, tx)
		size += tx.SerializeSize()
	}
	p.disconnected = append(txs, p.disconnected...)
	p.disconnectedBytes += size
	// Over the bound, forget the transactions of the most recent blocks
	// (the end of the list), as Core's DisconnectedBlockTransactions does.
	for p.disconnectedBytes > maxDisconnectedBytes && len(p.disconnected) > 0 {
		last := p.disconnected[len(p.disconnected)-1]
		p.disconnectedBytes -= last.SerializeSize()
		p.disconnected = p.disconnected[:len(p.disconnected)-1]
	}
	p.mu.Lock()
	p.gen++
	p.mu.Unlock()
}

// dropDisconnected forgets queued transactions a new block confirmed.
func (p *Pool) dropDisconnected(inBlock map[wire.Hash]bool) {
	if len(p.disconnected) == 0 {
		return
	}
	kept := p.disconnected[:0]
	for _, tx := range p.disconnected {
		if inBlock[tx.TxHash()] {
			p.disconnectedBytes -= tx.SerializeSize()
			continue
		}
		kept = append(kept, tx)
	}
	p.disconnected = kept
}

// updateForReorg re-accepts the disconnected blocks' transactions, oldest
// first, bypassing the fee limits; one that fails takes its in-pool
// descendants with it. Then entries no longer final, no longer meeting
// their sequence locks or spending an immature coinbase go, and the pool is
// trimmed (Core's MaybeUpdateMempoolForReorg).
func (p *Pool) updateForReorg() {
	txs := p.disconnected
	p.disconnected, p.disconnectedBytes = nil, 0
	now := p.cfg.Now()
	readded := 0
	for _, tx := range txs {
		args := acceptArgs{now: now, bypassLimits: true, allowReplacement: true}
		_, err := p.acceptSingle(tx, args)
		if errors.Is(err, ErrTooLargeCluster) {
			// The re-added transaction would join clusters too large:
			// keep it and drop its in-pool descendants instead.
			p.mu.Lock()
			p.removeRecursive(tx, tx.TxHash(), reasonReorg)
			p.mu.Unlock()
			_, err = p.acceptSingle(tx, args)
		}
		if err != nil {
			p.mu.Lock()
			p.removeRecursive(tx, tx.TxHash(), reasonReorg)
			p.mu.Unlock()
			continue
		}
		readded++
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.removeForReorg()
	p.limitSize()
	p.log.Debug("mempool: updated for reorg", "disconnected", len(txs), "readded", readded)
}

// removeForReorg removes the entries that could not be in the next block
// on the new tip, with their descendants. Caller holds mu.
func (p *Pool) removeForReorg() {
	next := p.cfg.Chain.NextBlock()
	maturity := p.cfg.Chain.Params().CoinbaseMaturity
	var bad []*entry
	for _, e := range p.byTxid {
		if !p.stillValid(e, next, maturity) {
			bad = append(bad, e)
		}
	}
	p.removeSet(descendantsOf(bad), reasonReorg)
}

// stillValid checks finality, BIP68 and coinbase maturity of a pool entry
// at the next block.
func (p *Pool) stillValid(e *entry, next chain.NextBlock, maturity int32) bool {
	tx := e.tx
	if !consensus.IsFinalTx(tx, next.Height, next.MedianTimePast) {
		return false
	}
	if !e.spendsCoinbase && !usesRelativeLocks(tx) {
		return true
	}
	coins := make([]*store.Coin, len(tx.TxIn))
	for i, in := range tx.TxIn {
		if par := p.byTxid[in.PreviousOutPoint.Hash]; par != nil {
			coins[i] = &store.Coin{Height: next.Height}
			continue
		}
		c, err := p.cfg.Chain.FetchCoin(in.PreviousOutPoint)
		if err != nil || c == nil {
			return false
		}
		if c.CoinBase && next.Height-c.Height < maturity {
			return false
		}
		coins[i] = c
	}
	return !usesRelativeLocks(tx) || p.cfg.Chain.SequenceLocksMet(tx, coinHeights(coins))
}

// usesRelativeLocks reports whether BIP68 can constrain tx.
func usesRelativeLocks(tx *wire.Tx) bool {
	if uint32(tx.Version) < 2 {
		return false
	}
	for _, in := range tx.TxIn {
		if in.Sequence&(1<<31) == 0 {
			return true
		}
	}
	return false
}
