package chain

import (
	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/chain/params"
	"github.com/bitnode/bitnode/chain/script"
	"github.com/bitnode/bitnode/wire"
)

// NextBlock is what a block built on the current tip must satisfy, for
// block templates and miners.
type NextBlock struct {
	PrevHash wire.Hash
	Height   int32
	// Bits is the difficulty a block with timestamp Time must carry.
	Bits uint32
	// Time is the suggested timestamp: max(now, median time past + 1).
	Time uint32
	// MedianTimePast of the tip: the lock-time cut-off (BIP113) and the
	// timestamp floor is one second after it.
	MedianTimePast int64
	// ScriptFlags are the script rules the block's transactions face.
	ScriptFlags script.Flags
	// EnforceBIP68 says whether relative lock times apply.
	EnforceBIP68 bool
}

// NextBlock describes the block that would extend the tip.
func (c *Chain) NextBlock() NextBlock {
	c.mu.RLock()
	defer c.mu.RUnlock()
	tip := c.active.tip()
	mtp := tip.medianTimePast()
	t := max(c.now().Unix(), mtp+1)
	next := &blockNode{height: tip.height + 1, parent: tip}
	return NextBlock{
		PrevHash: tip.hash, Height: tip.height + 1, MedianTimePast: mtp, Time: uint32(t),
		Bits:         nextWorkRequired(c.params, tip, uint32(t)),
		ScriptFlags:  c.scriptFlags(next),
		EnforceBIP68: tip.height+1 >= c.params.CSVHeight,
	}
}

// Params returns the chain's network parameters.
func (c *Chain) Params() *params.Params { return c.params }

// SequenceLocksMet reports whether tx, spending coins at the given heights
// (in input order; a coin still unconfirmed counts at the next block's
// height), meets its BIP68 relative lock times in the next block. The
// mempool uses it for "non-BIP68-final".
func (c *Chain) SequenceLocksMet(tx *wire.Tx, coinHeights []int32) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	tip := c.active.tip()
	next := &blockNode{height: tip.height + 1, parent: tip}
	return sequenceLocksMetHeights(tx, coinHeights, next)
}

// TestBlockValidity checks that blk would be a valid next block on the
// current tip, by every rule, without storing it or moving the tip (Core's
// TestBlockValidity, behind getblocktemplate proposals and generateblock).
// With checkPoW false the header's proof of work is not required, so an
// unsolved template can be checked.
func (c *Chain) TestBlockValidity(blk *wire.Block, checkPoW bool) error {
	c.processMu.Lock()
	defer c.processMu.Unlock()
	c.mu.RLock()
	tip := c.active.tip()
	c.mu.RUnlock()
	hash := blk.BlockHash()
	if blk.Header.PrevBlock != tip.hash {
		return consensus.NewRuleError(consensus.ErrInconclusivePrev, "block %s does not build on the tip %s", hash, tip.hash)
	}
	if checkPoW {
		if err := consensus.CheckProofOfWork(hash, blk.Header.Bits, c.params.PowLimit); err != nil {
			return err
		}
	}
	if err := checkBlock(blk); err != nil {
		return err
	}
	if err := c.checkHeaderContext(&blk.Header, tip); err != nil {
		return err
	}
	if err := c.checkBlockContext(blk, tip); err != nil {
		return err
	}
	n := &blockNode{hash: hash, header: blk.Header, parent: tip, height: tip.height + 1}
	_, err := c.connectBlock(c.db.NewView(), blk, n, false) // the view is dropped
	return err
}
