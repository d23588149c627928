package chain

import (
	"fmt"
	"math/big"
	"time"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/chain/store"
	"github.com/bitnode/bitnode/wire"
)

// connectTip connects n, whose parent is the tip: it checks the block
// against the UTXO set, stores its undo data and moves the tip.
func (c *Chain) connectTip(n *blockNode) error {
	blk := c.recent[n.hash]
	if blk == nil {
		var err error
		if blk, err = c.ReadBlock(n.hash); err != nil {
			return err
		}
	}
	delete(c.recent, n.hash)
	start := time.Now()
	view := c.db.NewView()
	undo, err := c.connectBlock(view, blk, n, c.skipScripts(n))
	if err != nil {
		return err
	}
	pos, err := c.files.WriteUndo(n.data, n.hash, undo.Serialize())
	if err != nil {
		return fmt.Errorf("store undo data of %s: %w", n.hash, err)
	}
	c.db.Commit(view, n.hash)
	c.mu.Lock()
	n.undo = pos
	n.status |= StatusHaveUndo | StatusValidScripts
	c.index.setDirty(n)
	c.active.setTip(n)
	c.mu.Unlock()
	c.log.Debug("connected block", "hash", n.hash, "height", n.height, "txs", len(blk.Transactions), "elapsed", time.Since(start))
	c.pending = append(c.pending, Notification{Kind: BlockConnected, Block: blk, Hash: n.hash, Height: n.height, Undo: undo})
	return c.flushIfNeeded()
}

// disconnectTip undoes the tip block with its undo data.
func (c *Chain) disconnectTip() error {
	n := c.active.tip()
	if n.parent == nil {
		return fmt.Errorf("cannot disconnect the genesis block")
	}
	blk, err := c.ReadBlock(n.hash)
	if err != nil {
		return err
	}
	undo, err := c.ReadUndo(n.hash)
	if err != nil {
		return err
	}
	if len(undo) != len(blk.Transactions)-1 {
		return fmt.Errorf("undo data of %s has %d entries for %d transactions: corrupt", n.hash, len(undo), len(blk.Transactions)-1)
	}
	view := c.db.NewView()
	for i := len(blk.Transactions) - 1; i >= 0; i-- {
		tx := blk.Transactions[i]
		txid := tx.TxHash()
		for j, out := range tx.TxOut {
			if len(out.PkScript) > 0 && out.PkScript[0] == byte(script.OpReturn) || len(out.PkScript) > script.MaxScriptSize {
				continue
			}
			if _, err := view.Spend(wire.OutPoint{Hash: txid, Index: uint32(j)}); err != nil {
				return fmt.Errorf("disconnect %s: output %s:%d missing: %w", n.hash, txid, j, err)
			}
		}
		if i == 0 {
			break
		}
		spent := undo[i-1]
		if len(spent) != len(tx.TxIn) {
			return fmt.Errorf("undo data of %s: transaction %d has %d coins for %d inputs", n.hash, i, len(spent), len(tx.TxIn))
		}
		for j, in := range tx.TxIn {
			coin := spent[j]
			view.Add(in.PreviousOutPoint, &coin)
		}
	}
	c.db.Commit(view, n.parent.hash)
	c.mu.Lock()
	c.active.setTip(n.parent)
	if !n.failed() {
		c.candidates[n] = struct{}{}
	}
	c.mu.Unlock()
	c.pending = append(c.pending, Notification{Kind: BlockDisconnected, Block: blk, Hash: n.hash, Height: n.height, Undo: undo})
	return c.flushIfNeeded()
}

// skipScripts decides whether n's scripts may go unchecked under the
// assumed-valid block, with Bitcoin Core's conditions: n is an ancestor of
// the assumed-valid block and of the best header, the best header has at
// least the minimum chain work, and n lies more than two weeks' worth of
// work below the best header.
func (c *Chain) skipScripts(n *blockNode) bool {
	if c.assumeValid.IsZero() {
		return false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	av := c.index.lookup(c.assumeValid)
	if av == nil || av.ancestor(n.height) != n {
		return false
	}
	best := c.bestHeader
	if best.ancestor(n.height) != n || best.chainWork.Cmp(c.params.MinimumChainWork) < 0 {
		return false
	}
	const twoWeeks = 60 * 60 * 24 * 7 * 2
	return proofEquivalentTime(best, n, best, int64(c.params.PowTargetSpacing/time.Second)) > twoWeeks
}

// proofEquivalentTime is how long, at tip's difficulty, it would take to
// produce the work between from and to (Core's GetBlockProofEquivalentTime).
func proofEquivalentTime(to, from, tip *blockNode, spacing int64) int64 {
	diff := new(big.Int).Sub(to.chainWork, from.chainWork)
	sign := int64(1)
	if diff.Sign() < 0 {
		diff.Neg(diff)
		sign = -1
	}
	r := diff.Mul(diff, big.NewInt(spacing))
	r.Div(r, consensus.CalcWork(tip.header.Bits))
	if r.BitLen() > 63 {
		return sign * (1<<63 - 1)
	}
	return sign * r.Int64()
}

// prune deletes the oldest block files when they exceed the prune target,
// keeping the last 288 blocks (Core's MIN_BLOCKS_TO_KEEP) so recent
// reorganisations stay possible.
func (c *Chain) prune() error {
	if c.cfg.PruneTarget <= 0 {
		return nil
	}
	const minBlocksToKeep = 288
	files := c.files.Files()
	var total int64
	for _, f := range files {
		total += f.Size + f.UndoSize
	}
	keepFrom := c.active.tip().height - minBlocksToKeep
	if c.cfg.PruneLock != nil {
		keepFrom = min(keepFrom, c.cfg.PruneLock())
	}
	upTo := int32(-1)
	for _, f := range files[:max(len(files)-1, 0)] { // never the file being written
		if total <= c.cfg.PruneTarget || f.HeightLast >= keepFrom {
			break
		}
		total -= f.Size + f.UndoSize
		upTo = f.Num + 1
	}
	if upTo < 0 {
		return nil
	}
	c.mu.Lock()
	for _, n := range c.index.nodes {
		if n.data.File >= 0 && n.data.File < upTo {
			n.data, n.undo = store.FilePos{File: -1}, store.FilePos{File: -1}
			n.status &^= StatusHaveData | StatusHaveUndo
			c.index.setDirty(n)
		}
	}
	recs := c.index.takeDirty()
	c.mu.Unlock()
	if err := c.db.PutBlockRecords(recs); err != nil {
		return err
	}
	c.log.Info("pruned block files", "below", upTo)
	return c.files.DeleteFiles(upTo)
}
