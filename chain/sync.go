package chain

import (
	"github.com/bitnode/bitnode/wire"
)

// maxTipAge is how old the tip's timestamp may be before the node counts
// itself as still catching up (Core's DEFAULT_MAX_TIP_AGE, 24 hours).
const maxTipAge = 24 * 60 * 60

// IsInitialBlockDownload reports whether the node is still catching up:
// its tip has less than the network's minimum chain work or is more than a
// day old. Like Core's, once false it stays false.
func (c *Chain) IsInitialBlockDownload() bool {
	if c.leftIBD.Load() {
		return false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	tip := c.active.tip()
	if tip.chainWork.Cmp(c.params.MinimumChainWork) < 0 {
		return true
	}
	if int64(tip.header.Timestamp) < c.now().Unix()-maxTipAge {
		return true
	}
	c.leftIBD.Store(true)
	return false
}

// locatorFor lists hashes from n back to genesis: the last ten one by one,
// then doubling steps (Core's LocatorEntries). Caller holds c.mu.
func locatorFor(n *blockNode) wire.BlockLocator {
	var loc wire.BlockLocator
	step := int32(1)
	for n != nil {
		loc = append(loc, n.hash)
		if n.height == 0 {
			break
		}
		h := max(n.height-step, 0)
		n = n.ancestor(h)
		if len(loc) > 10 {
			step *= 2
		}
	}
	return loc
}

// Locator returns a block locator for the active chain's tip.
func (c *Chain) Locator() wire.BlockLocator {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return locatorFor(c.active.tip())
}

// HeaderLocator returns a block locator for the best header, which is what
// a syncing node asks its peers to continue from.
func (c *Chain) HeaderLocator() wire.BlockLocator {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return locatorFor(c.bestHeader)
}

// findFork returns the first locator entry on the active chain (genesis
// when none is). Caller holds c.mu.
func (c *Chain) findFork(loc wire.BlockLocator) *blockNode {
	for _, h := range loc {
		if n := c.index.lookup(h); n != nil && c.active.contains(n) {
			return n
		}
	}
	return c.active[0]
}

// HeadersAfter answers getheaders: the headers of the active chain after
// the locator's fork point, up to max, stopping after stop (if non-zero).
func (c *Chain) HeadersAfter(loc wire.BlockLocator, stop wire.Hash, max int) []wire.BlockHeader {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []wire.BlockHeader
	for h := c.findFork(loc).height + 1; int(h) < len(c.active) && len(out) < max; h++ {
		n := c.active[h]
		out = append(out, n.header)
		if n.hash == stop {
			break
		}
	}
	return out
}

// HashesAfter answers getblocks: the hashes of the active chain after the
// locator's fork point, up to max, stopping after stop.
func (c *Chain) HashesAfter(loc wire.BlockLocator, stop wire.Hash, max int) []wire.Hash {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []wire.Hash
	for h := c.findFork(loc).height + 1; int(h) < len(c.active) && len(out) < max; h++ {
		out = append(out, c.active[h].hash)
		if c.active[h].hash == stop {
			break
		}
	}
	return out
}

// BlocksToFetch returns up to max blocks of the best header chain that are
// not stored yet, lowest first, looking no further than window blocks
// past the active tip (the moving download window of headers-first sync).
func (c *Chain) BlocksToFetch(window int32, max int) []BlockInfo {
	c.mu.RLock()
	defer c.mu.RUnlock()
	hc := c.headerChain
	// The fork point: the highest height at which both chains agree.
	fork := int32(min(len(hc), len(c.active))) - 1
	for fork > 0 && hc[fork] != c.active[fork] {
		fork--
	}
	limit := min(int32(len(hc))-1, c.active.tip().height+window)
	var out []BlockInfo
	for h := fork + 1; h <= limit && len(out) < max; h++ {
		n := hc[h]
		if n.status&StatusHaveData == 0 && !n.failed() {
			out = append(out, BlockInfo{Hash: n.hash, Header: n.header, Height: n.height, Status: n.status})
		}
	}
	return out
}
