package chain

import (
	"errors"
	"fmt"

	"github.com/bitnode/bitnode/chain/consensus"
	"github.com/bitnode/bitnode/wire"
)

// mutationKinds are failures that say the block's transactions do not match
// its header (CVE-2012-2459-style malleation, a stripped witness): the
// header may still be valid with other transactions, so it is not marked
// invalid, as Core treats BLOCK_MUTATED.
var mutationKinds = map[consensus.ErrorKind]bool{
	consensus.ErrBadMerkle:           true,
	consensus.ErrDuplicateTx:         true,
	consensus.ErrBadWitnessNonceSize: true,
	consensus.ErrBadWitnessMerkle:    true,
	consensus.ErrUnexpectedWitness:   true,
}

// ProcessHeaders adds headers to the block index (each must build on a
// known one). It stops at the first invalid header.
func (c *Chain) ProcessHeaders(headers []wire.BlockHeader) error {
	c.processMu.Lock()
	defer c.processMu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range headers {
		if _, err := c.acceptHeader(&headers[i]); err != nil {
			return fmt.Errorf("header %d: %w", i, err)
		}
	}
	return nil
}

// HaveBlock reports whether the block is stored.
func (c *Chain) HaveBlock(hash wire.Hash) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := c.index.lookup(hash)
	return n != nil && n.status&StatusHaveData != 0
}

// ProcessBlock validates a block, stores it, and moves the active chain to
// the most-work valid chain it can build. A block already stored is
// accepted again without error. A rule violation is returned as an error
// wrapping a *consensus.RuleError whose kind is Core's reject reason.
func (c *Chain) ProcessBlock(blk *wire.Block) error {
	c.processMu.Lock()
	defer c.processMu.Unlock()
	defer c.deliver()
	// The block is kept in memory only while it is being processed; a
	// block that is not connected now (a side chain, an invalid one) is
	// read back from disk if a reorganisation ever needs it.
	defer clear(c.recent)
	if err := c.acceptBlock(blk); err != nil {
		return err
	}
	failures, err := c.activateBestChain()
	if err != nil {
		return err
	}
	hash := blk.BlockHash()
	if f, ok := failures[hash]; ok {
		return f
	}
	c.mu.RLock()
	failed := c.index.lookup(hash).failed()
	c.mu.RUnlock()
	if failed {
		for _, f := range failures {
			return fmt.Errorf("block %s builds on an invalid block: %w", hash, f)
		}
	}
	return nil
}

// acceptBlock checks a block without its inputs and stores it.
func (c *Chain) acceptBlock(blk *wire.Block) error {
	// Context-free checks come first and never mark the header invalid,
	// as in Core's ProcessNewBlock: an unknown form of malleation (a
	// 64-byte transaction posing as inner merkle nodes, say) must not let a
	// peer poison a valid header with a corrupted copy of its block.
	if err := consensus.CheckProofOfWork(blk.BlockHash(), blk.Header.Bits, c.params.PowLimit); err != nil {
		return err
	}
	if err := checkBlock(blk); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := c.acceptHeader(&blk.Header)
	if err != nil {
		return err
	}
	if n.status&StatusHaveData != 0 {
		return nil
	}
	if err := c.checkBlockContext(blk, n.parent); err != nil {
		c.markInvalidUnlessMutated(n, err)
		return err
	}
	pos, err := c.files.WriteBlock(blk.Serialize(), n.height)
	if err != nil {
		return fmt.Errorf("store block %s: %w", n.hash, err)
	}
	n.data, n.numTx = pos, uint32(len(blk.Transactions))
	n.status |= StatusHaveData | StatusValidTree
	c.index.setDirty(n)
	c.recent[n.hash] = blk
	c.linkChainData(n)
	return nil
}

func (c *Chain) markInvalidUnlessMutated(n *blockNode, err error) {
	var re *consensus.RuleError
	if errors.As(err, &re) && mutationKinds[re.Err] {
		return
	}
	c.invalidate(n)
}

// linkChainData marks n, and any stored descendants waiting for it, as
// connectable, and makes them candidate tips.
func (c *Chain) linkChainData(n *blockNode) {
	if n.parent != nil && !n.parent.haveChainData {
		return
	}
	queue := []*blockNode{n}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		x.haveChainData = true
		if !x.failed() && x.chainWork.Cmp(c.active.tip().chainWork) >= 0 {
			c.candidates[x] = struct{}{}
		}
		for _, child := range c.index.children[x] {
			if child.status&StatusHaveData != 0 && !child.haveChainData {
				queue = append(queue, child)
			}
		}
	}
}

// invalidate marks n failed and its descendants failed-child, and drops
// them from the candidate tips. Caller holds c.mu.
func (c *Chain) invalidate(n *blockNode) {
	n.status |= StatusFailed
	c.index.setDirty(n)
	delete(c.candidates, n)
	stack := append([]*blockNode(nil), c.index.children[n]...)
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x.status |= StatusFailedChild
		c.index.setDirty(x)
		delete(c.candidates, x)
		stack = append(stack, c.index.children[x]...)
	}
	if c.bestHeader.failed() {
		c.recomputeBestHeader(c.active.tip())
	}
}

// bestCandidate returns the most-work connectable tip.
func (c *Chain) bestCandidate() *blockNode {
	var best *blockNode
	for n := range c.candidates {
		if best == nil || workGreater(n, best) {
			best = n
		}
	}
	return best
}

// activateBestChain moves the active chain to the best candidate,
// disconnecting and connecting blocks as needed. If a block fails on the
// way it is marked invalid and the next best candidate is tried, so the
// chain never rests on less work than it could have. It returns the rule
// failures met on the way, by block.
func (c *Chain) activateBestChain() (map[wire.Hash]error, error) {
	failures := map[wire.Hash]error{}
	for {
		best := c.bestCandidate()
		tip := c.active.tip()
		if best == nil || best == tip || !moreWorkOrPrecious(best, tip) {
			c.pruneCandidates()
			return failures, nil
		}
		fork := c.active.fork(best)
		for c.active.tip() != fork {
			if err := c.disconnectTip(); err != nil {
				return failures, err
			}
		}
		path := make([]*blockNode, 0, best.height-fork.height)
		for n := best; n != fork; n = n.parent {
			path = append(path, n)
		}
		for i := len(path) - 1; i >= 0; i-- {
			err := c.connectTip(path[i])
			if err == nil {
				continue
			}
			if !IsRuleError(err) {
				return failures, err
			}
			c.log.Warn("invalid block", "hash", path[i].hash, "height", path[i].height, "reason", RejectReason(err), "err", err)
			c.mu.Lock()
			c.invalidate(path[i])
			c.mu.Unlock()
			failures[path[i].hash] = err
			break
		}
	}
}

// pruneCandidates drops candidates with less work than the tip.
func (c *Chain) pruneCandidates() {
	tip := c.active.tip()
	for n := range c.candidates {
		if n != tip && n.chainWork.Cmp(tip.chainWork) < 0 {
			delete(c.candidates, n)
		}
	}
}

// moreWorkOrPrecious reports whether the chain should move from tip to
// best: best has more work, or as much and was made precious since tip
// arrived (PreciousBlock hands out negative sequence numbers).
func moreWorkOrPrecious(best, tip *blockNode) bool {
	if cmp := best.chainWork.Cmp(tip.chainWork); cmp != 0 {
		return cmp > 0
	}
	return best.sequence < 0 && best.sequence < tip.sequence
}

// recomputeBestHeader makes the most-work valid header, starting from
// start, the best header. Caller holds c.mu.
func (c *Chain) recomputeBestHeader(start *blockNode) {
	c.bestHeader = start
	for _, x := range c.index.nodes {
		if !x.failed() && workGreater(x, c.bestHeader) {
			c.bestHeader = x
		}
	}
	c.headerChain.setTip(c.bestHeader)
}
