package chain

import (
	"errors"
	"math/big"

	"github.com/bitnode/bitnode/wire"
)

// ErrBlockNotFound is returned for a block hash missing from the index.
var ErrBlockNotFound = errors.New("block not found")

// ErrInvalidateGenesis is returned when asked to invalidate the genesis
// block.
var ErrInvalidateGenesis = errors.New("genesis block cannot be invalidated")

// InvalidateBlock marks the block failed and its descendants failed-child,
// disconnects the active chain below it if it is on it, and activates the
// best remaining valid chain (Core's InvalidateBlock).
func (c *Chain) InvalidateBlock(hash wire.Hash) error {
	c.processMu.Lock()
	defer c.processMu.Unlock()
	defer c.deliver()
	c.mu.RLock()
	n := c.index.lookup(hash)
	c.mu.RUnlock()
	if n == nil {
		return ErrBlockNotFound
	}
	if n.parent == nil {
		return ErrInvalidateGenesis
	}
	for c.active.contains(n) {
		if err := c.disconnectTip(); err != nil {
			return err
		}
	}
	c.mu.Lock()
	c.invalidate(n)
	c.addCandidates(nil)
	c.mu.Unlock()
	return c.activateAndFlush()
}

// ReconsiderBlock clears the failure flags of the block, its descendants
// and its ancestors, and activates the best chain (Core's
// ResetBlockFailureFlags followed by ActivateBestChain). A block that is
// really invalid is marked failed again when the chain tries to connect it.
func (c *Chain) ReconsiderBlock(hash wire.Hash) error {
	c.processMu.Lock()
	defer c.processMu.Unlock()
	defer c.deliver()
	c.mu.Lock()
	n := c.index.lookup(hash)
	if n == nil {
		c.mu.Unlock()
		return ErrBlockNotFound
	}
	for _, x := range c.index.nodes {
		if x.failed() && x.height >= n.height && x.ancestor(n.height) == n {
			x.status &^= statusFailedMask
			c.index.setDirty(x)
		}
	}
	for x := n.parent; x != nil; x = x.parent {
		if x.failed() {
			x.status &^= statusFailedMask
			c.index.setDirty(x)
		}
	}
	c.recomputeBestHeader(c.bestHeader)
	c.addCandidates(func(x *blockNode) bool { return x.height >= n.height && x.ancestor(n.height) == n })
	c.mu.Unlock()
	return c.activateAndFlush()
}

// PreciousBlock treats the block as if it were received before any other
// of the same work, and activates the best chain (Core's PreciousBlock).
// A block with less work than the tip is left alone.
func (c *Chain) PreciousBlock(hash wire.Hash) error {
	c.processMu.Lock()
	defer c.processMu.Unlock()
	defer c.deliver()
	c.mu.Lock()
	n := c.index.lookup(hash)
	if n == nil {
		c.mu.Unlock()
		return ErrBlockNotFound
	}
	tip := c.active.tip()
	if n.chainWork.Cmp(tip.chainWork) < 0 {
		c.mu.Unlock()
		return nil
	}
	if c.lastPreciousWork == nil || tip.chainWork.Cmp(c.lastPreciousWork) > 0 {
		// The chain has moved on since the last call: start the
		// decreasing counter over.
		c.reverseSeq = -1
	}
	c.lastPreciousWork = new(big.Int).Set(tip.chainWork)
	delete(c.candidates, n)
	n.sequence = c.reverseSeq
	if c.reverseSeq > minSequence {
		c.reverseSeq--
	}
	if n.haveChainData && !n.failed() {
		c.candidates[n] = struct{}{}
	}
	c.mu.Unlock()
	return c.activateAndFlush()
}

const minSequence = -1 << 62

// addCandidates makes every connectable, valid block with at least the
// tip's work (and accepted by keep, if given) a candidate tip. Caller
// holds c.mu.
func (c *Chain) addCandidates(keep func(*blockNode) bool) {
	tip := c.active.tip()
	for _, x := range c.index.nodes {
		if x.haveChainData && !x.failed() && x.chainWork.Cmp(tip.chainWork) >= 0 && (keep == nil || keep(x)) {
			c.candidates[x] = struct{}{}
		}
	}
}

// activateAndFlush moves to the best chain after a manual change of block
// status and flushes if the cache is over budget.
func (c *Chain) activateAndFlush() error {
	if _, err := c.activateBestChain(); err != nil {
		return err
	}
	return c.flushIfNeeded()
}
